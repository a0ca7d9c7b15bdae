"""The live-call poller against the simulator, over HTTP, through the SDK client.

The simulator runs on a manual clock, so calls change only when a test changes them; the poller's
own waits and the HTTP timeouts use real time, kept short here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest

from tests.conftest import credentials_for, live_sids, make_simulator
from tui.core.backoff import RETRY_AFTER_MAX_S, PollSchedule, size_floor_s
from tui.core.models import LIVE_STATUSES, PollEvent, PollFailed, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator

HOLD = '<Response><Pause length="300"/></Response>'


class Events:
    """Collects poll events and lets a test wait for the next one of a kind."""

    def __init__(self) -> None:
        self.items: list[PollEvent] = []
        self._changed = asyncio.Event()

    def __call__(self, event: PollEvent) -> None:
        self.items.append(event)
        self._changed.set()

    @property
    def last(self) -> PollEvent:
        return self.items[-1]

    async def next(self, kind: type[PollEvent] | None = None, within: float = 5.0) -> PollEvent:
        """The first event of ``kind`` that arrives from now on."""
        start = len(self.items)

        async def wait() -> PollEvent:
            while True:
                for event in self.items[start:]:
                    if kind is None or isinstance(event, kind):
                        return event
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), within)


@contextlib.asynccontextmanager
async def running(poller: LiveCallPoller) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(poller.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def succeeded(event: PollEvent) -> PollSucceeded:
    assert isinstance(event, PollSucceeded), event
    return event


def failed(event: PollEvent) -> PollFailed:
    assert isinstance(event, PollFailed), event
    return event


def ticking() -> Callable[[], float]:
    """A wall clock that moves one second per reading, so 'at' values are distinguishable."""
    now = [1_000_000.0]

    def wall() -> float:
        now[0] += 1.0
        return now[0]

    return wall


# ----------------------------------------------------------------------------- listing & diff


async def test_finds_every_live_call_across_pages_exactly_once() -> None:
    async with (
        make_simulator(live_calls=2_500) as sim,
        TwilioAccess(credentials_for(sim)) as access,
    ):
        events = Events()
        poller = LiveCallPoller(access, on_event=events, page_size=200)
        await poller.poll_once()
        first = succeeded(events.last)
        expected = live_sids(sim)
        assert len(expected) >= 2_500
        added = [call.sid for call in first.diff.added]
        assert len(added) == len(set(added)) == len(expected)
        assert set(added) == expected == set(poller.calls)
        assert first.diff.changed == () and first.diff.removed == ()
        assert first.stats.total_live == len(expected)
        assert sum(first.stats.counts.values()) == len(expected)
        engine_counts = sim.engine.counts()
        assert first.stats.counts == {s: engine_counts[s] for s in LIVE_STATUSES}
        pages = sum(-(-count // 200) or 1 for count in first.stats.counts.values())
        assert first.stats.requests == pages
        listed = [r for r in sim.request_log if r.path.endswith("/Calls.json")]
        assert {r.params.get("PageSize") for r in listed} == {"200"}
        assert first.stats.bytes_received > 2_500 * 500

        # Nothing changed: the next pass is an empty diff and reuses every Call object.
        before = dict(poller.calls)
        await poller.poll_once()
        again = succeeded(events.last)
        assert not again.diff
        assert all(poller.calls[sid] is call for sid, call in before.items())


async def test_diff_reports_calls_that_end_start_and_change(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    events = Events()
    poller = LiveCallPoller(access, on_event=events)
    await poller.poll_once()
    snapshot = dict(poller.calls)
    in_progress = next(c for c in snapshot.values() if c.status == "in-progress")

    sim.engine.hang_up(in_progress.sid)
    newcomer = sim.engine.create_inbound(from_="+14155550100", to="+18889371204", twiml=HOLD)
    await poller.poll_once()
    diff = succeeded(events.last).diff
    assert diff.removed == (in_progress.sid,)
    assert [c.sid for c in diff.added] == [newcomer.sid]
    assert diff.added[0].status == "ringing"
    assert in_progress.sid not in poller.calls

    await sim.advance(1.0)  # the inbound call is answered: ringing -> in-progress
    await poller.poll_once()
    diff = succeeded(events.last).diff
    changed = {c.sid: c for c in diff.changed}
    assert changed[newcomer.sid].status == "in-progress"
    assert poller.calls[newcomer.sid].status == "in-progress"
    assert set(poller.calls) == live_sids(sim)
    # The counts are carried from pass to pass by the diffs; they must match a full recount.
    stats = succeeded(events.last).stats
    recount = Counter(call.status for call in poller.calls.values())
    assert stats.counts == {status: recount[status] for status in LIVE_STATUSES}


async def test_a_failed_pass_keeps_the_last_snapshot_and_says_why(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    events = Events()
    poller = LiveCallPoller(access, on_event=events, wall=ticking())
    await poller.poll_once()
    good = succeeded(events.last)
    snapshot = dict(poller.calls)

    victim = next(iter(snapshot))
    sim.engine.hang_up(victim)
    sim.faults.set("error_rate=1.0")
    delay = await poller.poll_once()
    bad = failed(events.last)
    assert bad.last_success_at == good.at and bad.at > good.at
    assert "Twilio answered HTTP 50" in bad.reason and "error 205" in bad.reason
    assert not bad.rate_limited
    assert bad.retry_in_s == delay <= poller.interval_s
    assert dict(poller.calls) == snapshot  # the ended call is still shown, marked stale

    sim.faults.clear()
    await poller.poll_once()
    assert succeeded(events.last).diff.removed == (victim,)


async def test_unreachable_and_slow_api_are_reported_in_plain_words(sim: EmbeddedSimulator) -> None:
    async with TwilioAccess(credentials_for(sim), timeout_s=0.3) as access:
        events = Events()
        poller = LiveCallPoller(access, on_event=events)
        sim.faults.set("latency=1s")
        await poller.poll_once()
        assert failed(events.last).reason == "Twilio did not answer within 0.3 s."
        sim.faults.set("drop=1.0")
        await poller.poll_once()
        assert "closed the connection" in failed(events.last).reason
        sim.faults.clear()
        await sim.stop()
        await poller.poll_once()
        reason = failed(events.last).reason
        assert reason == "Could not connect to Twilio (connection refused)."


async def test_wrong_credentials_are_a_clear_failure_without_the_token(
    sim: EmbeddedSimulator,
) -> None:
    wrong = "f" * 32
    async with TwilioAccess(credentials_for(sim, token=wrong)) as access:
        events = Events()
        poller = LiveCallPoller(access, on_event=events, interval_s=1.0, max_backoff_s=30.0)
        delay = await poller.poll_once()
        event = failed(events.last)
        assert "refused the credentials" in event.reason and "20003" in event.reason
        assert wrong not in event.reason and sim.auth_token not in event.reason
        assert 1.0 <= delay <= 30.0


# ----------------------------------------------------------------------------- timing


async def test_rate_limit_honours_retry_after_then_speeds_back_up(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    events = Events()
    poller = LiveCallPoller(access, on_event=events, interval_s=0.5)
    await poller.poll_once()
    sim.faults.set("rate_limit=1.0,retry_after=3")
    delay = await poller.poll_once()
    event = failed(events.last)
    assert event.rate_limited and event.retry_in_s == delay == 3.0
    assert "rate limiting" in event.reason
    assert poller.interval_s > 0.5  # slowed down

    sim.faults.clear()
    for _ in range(3):
        await poller.poll_once()
        succeeded(events.last)
    assert poller.interval_s == 0.5
    assert succeeded(events.last).interval_s == 0.5


async def test_outage_then_recovery_within_the_announced_retry(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    events = Events()
    poller = LiveCallPoller(access, on_event=events, interval_s=0.1, max_backoff_s=60.0)
    async with running(poller):
        await events.next(PollSucceeded)
        sim.faults.set("error_rate=1.0")
        for _ in range(3):
            await events.next(PollFailed)
        retries = [e.retry_in_s for e in events.items if isinstance(e, PollFailed)]
        assert all(0 < r <= 0.1 for r in retries), "never slower than one interval"
        sim.faults.clear()
        loop = asyncio.get_running_loop()
        cleared = loop.time()
        last_retry = failed(events.last).retry_in_s
        recovered = succeeded(await events.next(PollSucceeded, within=2))
        assert loop.time() - cleared <= max(last_retry, 0.1) + 0.5
        assert recovered.next_poll_in_s <= 0.1


async def test_passes_never_overlap_even_when_the_api_is_slow(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    # The simulator answers 429 to a fourth concurrent request; one pass sends at most three.
    sim.faults.set("latency=150ms,concurrency=3")
    events = Events()
    poller = LiveCallPoller(access, on_event=events, interval_s=0.01)
    async with running(poller):
        for _ in range(3):
            for _ in range(5):
                poller.poll_now()
                await asyncio.sleep(0.02)
            await events.next(PollSucceeded)
        with pytest.raises(RuntimeError):
            await poller.run()
    assert all(isinstance(e, PollSucceeded) for e in events.items), events.items
    for event in events.items:
        assert isinstance(event, PollSucceeded)
        assert event.stats.duration_s >= 0.15
        assert event.interval_s >= 1.2 * event.stats.duration_s
    assert sim.faults.injected.get("rate_limit", 0) == 0


async def test_poll_now_starts_a_pass_at_once(sim: EmbeddedSimulator, access: TwilioAccess) -> None:
    events = Events()
    poller = LiveCallPoller(access, on_event=events, interval_s=30.0)
    async with running(poller):
        await events.next(PollSucceeded)
        newcomer = sim.engine.create_inbound(from_="+14155550100", to="+18889371204", twiml=HOLD)
        loop = asyncio.get_running_loop()
        asked = loop.time()
        poller.poll_now()
        event = succeeded(await events.next(PollSucceeded, within=2.0))
        assert loop.time() - asked < 1.0
        assert [c.sid for c in event.diff.added] == [newcomer.sid]
        assert event.next_poll_in_s > 25.0


async def test_a_failing_event_handler_does_not_stop_the_poller(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    seen: list[PollEvent] = []

    def explode(event: PollEvent) -> None:
        seen.append(event)
        raise RuntimeError("handler bug")

    poller = LiveCallPoller(access, on_event=explode)
    await poller.poll_once()
    await poller.poll_once()
    assert len(seen) == 2 and len(poller.calls) == len(live_sids(sim))


# ---------------------------------------------------------------- schedule rules (no I/O)


def _top(low: float, high: float) -> float:
    """A deterministic 'random' that always picks the top of the jitter range."""
    return high


def test_interval_stretches_with_slow_passes_and_big_accounts() -> None:
    schedule = PollSchedule(2.0, 60.0, rand=_top)
    assert schedule.succeeded(0.5, 100) == pytest.approx(1.5)
    assert schedule.interval_s == 2.0
    schedule.succeeded(4.0, 100)
    assert schedule.interval_s == pytest.approx(4.8)
    schedule.succeeded(0.1, 10_000)
    assert schedule.interval_s == 5.0
    assert size_floor_s(1_000) == 0.0
    assert size_floor_s(5_000) == 3.0
    assert size_floor_s(20_000) == 5.0
    assert size_floor_s(20_001) == 10.0


def test_outage_backoff_grows_to_the_interval_and_no_further() -> None:
    schedule = PollSchedule(2.0, 60.0, rand=_top)
    delays = [schedule.failed() for _ in range(8)]
    assert delays[:3] == [0.5, 1.0, 2.0]
    assert max(delays) == 2.0, "recovery is seen within one interval of the API coming back"
    assert schedule.succeeded(0.1, 10) == pytest.approx(1.9)


def test_outage_retries_are_jittered() -> None:
    low = PollSchedule(2.0, 60.0, rand=lambda low, high: low)
    assert [low.failed() for _ in range(4)] == [0.25, 0.5, 1.0, 1.0]
    slow = PollSchedule(30.0, 10.0, rand=_top)
    assert slow.failed() == 7.5  # a quarter of the interval in force, whatever max_backoff says


def test_rate_limit_honours_retry_after_and_slows_then_recovers() -> None:
    schedule = PollSchedule(2.0, 60.0, rand=_top)
    assert schedule.rate_limited(7.0) == 7.0
    assert schedule.interval_s == 4.0
    assert schedule.rate_limited(None) == 32.0  # 8 s interval, 2 failures: ceiling 8 x 4
    assert schedule.interval_s == 8.0
    schedule.succeeded(0.1, 10)
    assert schedule.interval_s == 4.0
    schedule.succeeded(0.1, 10)
    assert schedule.interval_s == 2.0
    for _ in range(20):
        schedule.rate_limited(None)
    assert schedule.interval_s <= 60.0
    assert schedule.rate_limited(10_000.0) == RETRY_AFTER_MAX_S


def test_a_page_that_is_not_a_listing_is_a_bad_response() -> None:
    from tui.core.listing import _page_contents, _parse
    from tui.core.twilio_client import TwilioBadResponse

    assert _page_contents(_parse('{"calls": [], "next_page_uri": null}')) == ([], None)
    for text in ("<html>busy</html>", '{"calls": 5}', '{"calls": [], "next_page_uri": 7}'):
        with pytest.raises(TwilioBadResponse):
            _page_contents(_parse(text))
