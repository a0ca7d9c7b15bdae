"""Mid-shift restarts: NATS, the hub or a console goes down and comes back; nothing is lost and
nobody else needs restarting."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import live_sids
from tests.hub.conftest import FIXTURE_TIMEOUT_S, Console, RunningHub, eventually, in_step
from tui.core.models import PollFailed
from tui.hub.embedded import EmbeddedNats
from tui.sim import EmbeddedSimulator


async def test_nats_killed_and_restarted_mid_shift(
    sim: EmbeddedSimulator,
    hub: RunningHub,
    nats_server: EmbeddedNats,
    open_console: Callable[[], Console],
) -> None:
    console = open_console()
    await eventually(lambda: in_step(console, sim), "the first view")
    await nats_server.stop(kill=True)
    await eventually(lambda: isinstance(console.last, PollFailed), "STALE while NATS is down", 20)
    assert isinstance(console.last, PollFailed)
    assert "Lost the connection to the hub" in console.last.reason
    ended = sorted(live_sids(sim))[:2]
    for sid in ended:
        sim.engine.hang_up(sid)
    arrived = sim.engine.create_inbound(from_="+14155550111", to="+14155550199")
    await nats_server.start(timeout_s=FIXTURE_TIMEOUT_S)
    service = hub.service
    assert service is not None
    hub_link = service.link
    await eventually(
        lambda: in_step(console, sim),
        "the console back in step",
        30,
        state=lambda: (
            f"console link up={console.link.connected} gen={console.link.generation}; "
            f"hub link up={hub_link.connected} gen={hub_link.generation}; "
            f"mirror synced={service.mirror.synced if service.mirror else None}; "
            f"last event={console.last!r}; "
            f"console has {len(console.source.calls)}, simulator {len(live_sids(sim))}"
        ),
    )
    assert arrived.sid in console.source.calls
    assert not set(ended) & set(console.source.calls)


async def test_hub_killed_and_restarted_loses_no_change(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    console = open_console()
    await eventually(lambda: in_step(console, sim), "the first view")
    await hub.kill()
    ended = sorted(live_sids(sim))[0]
    sim.engine.hang_up(ended)
    arrived = sim.engine.create_inbound(from_="+14155550112", to="+14155550199")
    await hub.start()
    await eventually(lambda: in_step(console, sim), "the change after the hub's restart")
    assert arrived.sid in console.source.calls and ended not in console.source.calls


async def test_console_restarted_gets_the_whole_live_set(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    first, other = open_console(), open_console()
    await eventually(lambda: in_step(first, sim) and in_step(other, sim), "two consoles")
    await first.close()
    sim.engine.hang_up(sorted(live_sids(sim))[0])
    again = open_console()
    await eventually(lambda: in_step(again, sim), "the restarted console in step")
    await eventually(lambda: in_step(other, sim), "the other console untouched and in step")
