"""The hub polls once for everyone; consoles see the same live set, its changes and its health."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import live_sids
from tests.hub.conftest import Console, RunningHub, eventually, is_fresh, is_stale
from tui.core.models import PollFailed, PollSucceeded
from tui.sim import EmbeddedSimulator


async def test_consoles_see_the_live_set_and_its_changes(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    first, second = open_console(), open_console()
    for console in (first, second):

        def has_snapshot(c: Console = console) -> bool:
            return set(c.source.calls) == live_sids(sim)

        await eventually(has_snapshot, "the snapshot")
    ended = sorted(live_sids(sim))[0]
    sim.engine.hang_up(ended)
    new = sim.engine.create_inbound(from_="+14155550100", to="+14155550199")
    for console in (first, second):

        def has_change(c: Console = console) -> bool:
            return ended not in c.source.calls and new.sid in c.source.calls

        await eventually(has_change, "the hang-up and the new call")
    added = [e for e in first.events if isinstance(e, PollSucceeded) and e.diff.added]
    assert any(call.sid == new.sid for e in added for call in e.diff.added)
    assert set(first.source.calls) == live_sids(sim)


async def test_twilio_failure_reaches_the_console_with_the_hubs_reason(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    console = open_console()
    await eventually(lambda: is_fresh(console), "a first view")
    sim.faults.set("error_rate=1")
    await eventually(lambda: is_stale(console), "STALE")
    failure = console.last
    assert isinstance(failure, PollFailed) and failure.reason.startswith("Hub: ")
    assert set(console.source.calls) == live_sids(sim)  # the last view stays on screen
    sim.faults.clear()
    await eventually(lambda: is_fresh(console), "recovery")


async def test_a_quiet_hub_makes_the_console_stale_until_it_is_back(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    console = open_console()
    await eventually(lambda: is_fresh(console), "a first view")
    await hub.kill()
    await eventually(lambda: is_stale(console), "STALE after the hub went quiet", 20)
    failure = console.last
    assert isinstance(failure, PollFailed) and "hub has not reported" in failure.reason
    sim.engine.hang_up(sorted(live_sids(sim))[0])
    await hub.start()
    await eventually(
        lambda: is_fresh(console) and set(console.source.calls) == live_sids(sim), "recovery"
    )
