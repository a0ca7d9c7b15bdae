"""First rows from the poller: pages of the first pass reported as they arrive, and only then.

Against the simulator over HTTP with small pages. The complete pass stays exactly what it was
(everything added, the snapshot replaced only by a complete listing); the progress only adds,
and what it showed is reconciled by :class:`ProvisionalRows` once a complete pass arrives.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tests.conftest import credentials_for, live_sids, make_simulator
from tui.core.first_pass import ProvisionalRows, progress_note
from tui.core.limits import PassLimits
from tui.core.models import PollEvent, PollFailed, PollProgress, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess


def _poller(
    access: TwilioAccess, events: list[PollEvent], progress: list[PollProgress]
) -> LiveCallPoller:
    return LiveCallPoller(access, on_event=events.append, on_progress=progress.append, page_size=20)


async def test_the_first_pass_is_reported_page_by_page_and_later_passes_are_not() -> None:
    async with make_simulator(live_calls=300) as sim, TwilioAccess(credentials_for(sim)) as access:
        events: list[PollEvent] = []
        progress: list[PollProgress] = []
        poller = _poller(access, events, progress)
        await poller.poll_once()
        assert len(progress) >= 3, "several pages, each reported before the pass completed"
        shown = [call.sid for step in progress for call in step.diff.added]
        assert len(shown) == len(set(shown)), "each call reported once"
        assert all(not step.diff.removed and not step.diff.changed for step in progress)
        assert [step.listed for step in progress] == sorted(step.listed for step in progress)
        assert progress[-1].more >= 1 and "calls so far" in progress_note(progress[-1])
        first = events[-1]
        assert isinstance(first, PollSucceeded)
        assert {call.sid for call in first.diff.added} == live_sids(sim) >= set(shown)

        rows = ProvisionalRows()
        for step in progress:
            rows.shown(step)
        assert rows.settle(first) == first.diff, "nothing to add to a complete first pass"

        before = len(progress)
        await poller.poll_once()
        assert len(progress) == before, "no progress once there is a snapshot"
        assert isinstance(events[-1], PollSucceeded) and not events[-1].diff


async def test_a_shown_call_that_ends_before_the_first_complete_pass_leaves_the_table() -> None:
    async with make_simulator(live_calls=300) as sim, TwilioAccess(credentials_for(sim)) as access:
        events: list[PollEvent] = []
        progress: list[PollProgress] = []
        poller = _poller(access, events, progress)
        poller.limits = replace(PassLimits(), max_pages=5)
        await poller.poll_once()
        assert isinstance(events[-1], PollFailed) and progress, "pages shown, then the pass failed"
        assert not poller.calls, "a failed pass is no snapshot"
        rows = ProvisionalRows()
        for step in progress:
            rows.shown(step)
        ended = progress[0].diff.added[0].sid
        sim.engine.hang_up(ended)

        poller.limits = PassLimits()
        await poller.poll_once()
        complete = events[-1]
        assert isinstance(complete, PollSucceeded)
        assert ended not in {call.sid for call in complete.diff.added}
        settled = rows.settle(complete)
        assert ended in settled.removed, "the ended call does not stay on screen"
        assert set(settled.removed).isdisjoint(call.sid for call in settled.added)
        assert not rows, "settled once"


async def test_the_pass_reads_no_further_until_the_first_rows_are_on_screen() -> None:
    """The UI answers the first report with "painted" later: nothing more is parsed meanwhile."""
    async with make_simulator(live_calls=300) as sim, TwilioAccess(credentials_for(sim)) as access:
        events: list[PollEvent] = []
        progress: list[PollProgress] = []
        loop = asyncio.get_running_loop()
        painted: asyncio.Future[None] = loop.create_future()
        reports_when_painted: list[int] = []

        def on_progress(step: PollProgress) -> asyncio.Future[None] | None:
            progress.append(step)
            if len(progress) > 1:
                return None
            loop.call_later(0.1, paint)  # a frame later, well within the pass's patience
            return painted

        def paint() -> None:
            reports_when_painted.append(len(progress))
            painted.set_result(None)

        poller = LiveCallPoller(
            access, on_event=events.append, on_progress=on_progress, page_size=20
        )
        await poller.poll_once()
        assert reports_when_painted == [1], "only the first rows were sent before their paint"
        assert len(progress) >= 3 and isinstance(events[-1], PollSucceeded)


async def test_a_first_paint_that_never_comes_does_not_stall_the_pass() -> None:
    async with make_simulator(live_calls=300) as sim, TwilioAccess(credentials_for(sim)) as access:
        events: list[PollEvent] = []
        never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        poller = LiveCallPoller(
            access, on_event=events.append, on_progress=lambda _step: never, page_size=20
        )
        await asyncio.wait_for(poller.poll_once(), timeout=30)
        assert isinstance(events[-1], PollSucceeded)
        assert {call.sid for call in events[-1].diff.added} == live_sids(sim)
        assert not never.cancelled(), "the UI's future is left to the UI"
