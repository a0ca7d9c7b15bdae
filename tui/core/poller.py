"""The live-call poller: lists every live call, diffs it against the last complete listing.

One pass lists each status in :data:`~tui.core.models.LIVE_STATUSES` (``Status=…``,
``PageSize=1000``, following ``next_page_uri`` one page after another; the statuses run
concurrently). Only a **complete** pass replaces the snapshot: a call disappears from the table
only when a complete pass no longer lists it, and a failed pass changes nothing (the UI marks the
table stale with the reason).

Cost at 10,000 live calls: the pages are parsed with ``json.loads`` (no ``CallInstance``), a
piece of ~65 records at a time (:class:`_ListingPage`), each record is reduced to a small
signature, and a :class:`~tui.core.models.Call` is built only for records that are new or whose
signature changed. The loop yields to the event loop whenever it has worked for a few
milliseconds, so a poll never holds the UI for a frame.

Timing (adaptive interval, rate-limit slow-down, backoff) is described in :mod:`tui.core.backoff`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from tui.core.backoff import PollSchedule
from tui.core.call_parsing import Signature, call_from_json, signature
from tui.core.first_pass import FirstPassReporter, ProgressListener
from tui.core.gc_pause import collector_paused
from tui.core.limits import (
    LimitReached,
    PassLimits,
    bytes_limit,
    pages_limit,
    records_limit,
)
from tui.core.listing import ListingPage
from tui.core.models import (
    LIVE_STATUSES,
    Call,
    CallDiff,
    PollEvent,
    PollFailed,
    PollStats,
    PollSucceeded,
)
from tui.core.sources import SourceHealth
from tui.core.twilio_client import (
    TwilioAccess,
    TwilioAccessError,
    TwilioBadResponse,
    TwilioBodyTooLarge,
    TwilioHttpError,
)

_log = logging.getLogger(__name__)

_STATUS_RANK: Final = {status: rank for rank, status in enumerate(LIVE_STATUSES)}
_SLICE_S: Final = 0.002
"""Yield to the event loop after this much uninterrupted record work."""
_CHECK_EVERY: Final = 128
"""Look at the time every this many records (reading the clock is not free)."""


class _Pass:
    """The state of one pass in progress; thrown away if the pass fails."""

    __slots__ = (
        "bytes",
        "calls",
        "dropped",
        "fresh",
        "open",
        "progress",
        "records",
        "requests",
        "signatures",
        "slice_start",
    )

    def __init__(self, progress: FirstPassReporter | None = None) -> None:
        self.progress = progress
        """Set on a first pass whose pages are reported as they arrive (:mod:`first_pass`)."""
        self.open = len(LIVE_STATUSES)
        """Status listings with pages still to come."""
        self.calls: dict[str, Call] = {}
        self.signatures: dict[str, Signature] = {}
        self.fresh: dict[str, None] = {}  # ordered set: SIDs whose Call was (re)built
        self.requests = 0
        self.bytes = 0
        self.records = 0
        self.dropped = 0
        """Records that could not be read at all (not an object, no usable SID)."""
        self.slice_start = time.perf_counter()
        """When the current run of work without yielding to the event loop began."""


class LiveCallPoller:
    """Polls the live calls of one account until cancelled; reports each pass to ``on_event``.

    ``on_event`` is called synchronously in the loop that runs :meth:`run` with a
    :class:`~tui.core.models.PollSucceeded` or :class:`~tui.core.models.PollFailed`; an exception
    from it is logged and ignored. Passes never overlap. ``clock`` measures durations, ``wall``
    stamps events (``at``, ``last_success_at``). Given ``on_progress``, a pass made before the
    first complete one also reports its pages as they arrive (:mod:`tui.core.first_pass`).
    """

    def __init__(
        self,
        access: TwilioAccess,
        *,
        on_event: Callable[[PollEvent], None],
        interval_s: float = 2.0,
        page_size: int = 1000,
        max_backoff_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        max_concurrency: int = 3,
        limits: PassLimits | None = None,
        on_progress: ProgressListener | None = None,
    ) -> None:
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        self._access = access
        self._on_event = on_event
        self._on_progress = on_progress
        self._page_size = page_size
        self._clock = clock
        self._wall = wall
        self._schedule = PollSchedule(interval_s, max_backoff_s)
        self._semaphore = asyncio.Semaphore(max(1, max_concurrency))
        self.limits = limits or PassLimits()
        self._unreadable: frozenset[str] = frozenset()
        """SIDs of the snapshot's calls that have a field that could not be read."""
        self._calls: dict[str, Call] = {}
        self._signatures: dict[str, Signature] = {}
        self._tally: dict[str, int] = {}
        """Calls of ``_calls`` by status, kept up to date by each commit's diff."""
        self._wake = asyncio.Event()
        self._running = False
        self._last_success_at: float | None = None
        self._passes = 0
        self._health = SourceHealth(interval_s=interval_s)

    # ------------------------------------------------------------------ public

    @property
    def calls(self) -> Mapping[str, Call]:
        """The last complete snapshot, SID → Call (read-only view)."""
        return MappingProxyType(self._calls)

    @property
    def interval_s(self) -> float:
        """The interval in force now (configured, stretched by load, size and rate limiting)."""
        return self._schedule.interval_s

    @property
    def configured_interval_s(self) -> float:
        return self._schedule.configured_s

    @property
    def last_success_at(self) -> float | None:
        """``wall()`` time of the last complete pass, ``None`` before the first."""
        return self._last_success_at

    @property
    def health(self) -> SourceHealth:
        """Freshness as the :class:`~tui.core.sources.CallSource` protocol reports it."""
        return self._health

    @property
    def passes(self) -> int:
        """Passes attempted so far (successful or not)."""
        return self._passes

    def poll_now(self) -> None:
        """Ask for a pass as soon as the current one (if any) ends; also cuts a backoff short."""
        self._wake.set()

    async def run(self) -> None:
        """Poll until cancelled. Never raises anything but ``CancelledError``."""
        if self._running:
            raise RuntimeError("this poller is already running")
        self._running = True
        try:
            while True:
                self._wake.clear()
                delay = await self.poll_once()
                if delay > 0 and not self._wake.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=delay)
        finally:
            self._running = False

    async def poll_once(self) -> float:
        """Run one pass, report it, and return the delay the schedule asks for before the next.

        Used by :meth:`run`; tests and one-shot tools may call it directly (never concurrently
        with :meth:`run`).
        """
        self._passes += 1
        started = self._clock()
        try:
            state = await self._collect()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return self._report_failure(exc)
        duration = max(0.0, self._clock() - started)
        event = self._commit(state, duration)
        self._emit(event)
        return event.next_poll_in_s

    # ------------------------------------------------------------------ one pass

    async def _collect(self) -> _Pass:
        progress = None
        if self._on_progress is not None and self._last_success_at is None:
            progress = FirstPassReporter(self._on_progress, self._wall)
        state = _Pass(progress)
        try:
            async with asyncio.TaskGroup() as group:
                for status in LIVE_STATUSES:
                    group.create_task(self._list_status(status, state))
        except BaseExceptionGroup as errors:
            raise _first_error(errors) from None
        return state

    async def _list_status(self, status: str, state: _Pass) -> None:
        access = self._access
        url: str = f"{access.base_url}/2010-04-01/Accounts/{access.account_sid}/Calls.json"
        params: dict[str, str] | None = {"Status": status, "PageSize": str(self._page_size)}
        seen_pages: set[str] = set()
        limits = self.limits
        while True:
            if state.requests >= limits.max_pages:
                raise pages_limit(limits)
            try:
                async with self._semaphore:
                    text, size, _headers = await access.get_text(
                        url, params, max_bytes=max(0, limits.max_bytes - state.bytes)
                    )
            except TwilioBodyTooLarge:
                raise bytes_limit(limits) from None
            state.requests += 1
            state.bytes += size
            if state.bytes > limits.max_bytes:
                raise bytes_limit(limits)
            with collector_paused():
                page = ListingPage(text, max_field_chars=limits.max_field_chars)
                del text
                before = state.records
                for records in page.batches():
                    state.records += len(records)
                    if state.records > limits.max_records:
                        raise records_limit(limits)
                    await self._absorb(records, state)
                    del records  # unchanged records die here, young, by reference counting
                    if time.perf_counter() - state.slice_start > _SLICE_S:
                        await asyncio.sleep(0)
                        state.slice_start = time.perf_counter()
                next_uri = page.next_uri
                del page
            if not next_uri:
                state.open -= 1
            if state.progress is not None:
                self._report_progress(state)
            if not next_uri:
                return
            if state.records == before:
                raise TwilioBadResponse(
                    "Twilio sent an empty page that links to another; the listing was dropped."
                )
            if next_uri in seen_pages:
                raise TwilioBadResponse(
                    "Twilio's paging went in a circle; the listing was dropped."
                )
            seen_pages.add(next_uri)
            url, params = access.absolute(next_uri), None

    def _report_progress(self, state: _Pass) -> None:
        assert state.progress is not None
        try:
            state.progress.page_done(state.calls, state.requests, state.open)
        except Exception:
            _log.exception("the first-rows handler failed")

    async def _absorb(self, records: list[object], state: _Pass) -> None:
        """Fold one page into the pass, building Calls only for new or changed records.

        The common case (a well-formed record seen once per pass) is a handful of dict
        operations; odd records and calls listed under two statuses take a slower path.
        """
        prev_sigs = self._signatures
        prev_calls = self._calls
        calls, sigs, fresh = state.calls, state.signatures, state.fresh
        perf = time.perf_counter
        for begin in range(0, len(records), _CHECK_EVERY):
            if begin and perf() - state.slice_start > _SLICE_S:
                await asyncio.sleep(0)
                state.slice_start = perf()
            for record in records[begin : begin + _CHECK_EVERY]:
                try:
                    sid = record["sid"]  # type: ignore[index]
                    sig = signature(record)  # type: ignore[arg-type]
                except (KeyError, TypeError):
                    state.dropped += 1
                    continue
                if type(sid) is not str or not sid:
                    state.dropped += 1
                    continue
                if sid in sigs:
                    if not _later(sig, sigs[sid]):
                        continue  # listed under two statuses mid-pass: keep the later state
                    fresh.pop(sid, None)
                previous_sig = prev_sigs.get(sid)
                if previous_sig == sig:
                    # Keep the last pass's tuple: this one (and the strings it holds) dies here
                    # with its record, a few at a time. Carrying fresh tuples for every call made
                    # the commit free the whole previous set at once, ~500k objects at 50k calls
                    # (40 ms in one callback).
                    sigs[sid] = previous_sig
                    calls[sid] = prev_calls[sid]
                else:
                    sigs[sid] = sig
                    calls[sid] = call_from_json(record)  # type: ignore[arg-type]
                    fresh[sid] = None

    def _commit(self, state: _Pass, duration: float) -> PollSucceeded:
        """Swap in the new snapshot and describe the change, in O(changes) Python steps.

        At 10,000 calls a scan of every previous SID plus a ``Counter`` over every call held the
        event loop for 5-15 ms at the end of each pass (40-50 ms at 50k). Only the fresh SIDs are
        visited in Python: every other call of the pass is the very object of the last snapshot,
        so removals are found by a set difference of the key views (done in C, and skipped when
        the sizes show there are none), and the counts by status are carried over from the last
        pass and adjusted by the diff.
        """
        previous = self._calls
        new = state.calls
        added: list[Call] = []
        changed: list[Call] = []
        tally = dict(self._tally)
        for sid in state.fresh:
            call = new[sid]
            old = previous.get(sid)
            if old is None:
                added.append(call)
            else:
                changed.append(call)
                _uncount(tally, old.status)
            tally[call.status] = tally.get(call.status, 0) + 1
        # Every SID of ``new`` is either in ``previous`` or added, so this is how many left.
        removed: tuple[str, ...] = ()
        if len(previous) - (len(new) - len(added)):
            removed = tuple(previous.keys() - new.keys())
            for sid in removed:
                _uncount(tally, previous[sid].status)
        unreadable = frozenset(
            [sid for sid in self._unreadable if sid in new and sid not in state.fresh]
            + [sid for sid in state.fresh if new[sid].unreadable]
        )
        self._calls = new
        self._signatures = state.signatures
        self._tally = tally
        self._unreadable = unreadable
        counts = {status: tally.get(status, 0) for status in LIVE_STATUSES}
        counts.update((status, n) for status, n in tally.items() if status not in counts)
        delay = self._schedule.succeeded(duration, len(new))
        now = self._wall()
        self._last_success_at = now
        return PollSucceeded(
            diff=CallDiff(added=tuple(added), changed=tuple(changed), removed=removed),
            stats=PollStats(
                requests=state.requests,
                bytes_received=state.bytes,
                duration_s=duration,
                total_live=len(new),
                counts=counts,
                unreadable=len(unreadable) + state.dropped,
            ),
            at=now,
            next_poll_in_s=delay,
            interval_s=self._schedule.interval_s,
        )

    # ------------------------------------------------------------------ failures

    def _report_failure(self, exc: Exception) -> float:
        rate_limited = limit_hit = False
        if isinstance(exc, LimitReached):
            limit_hit = True
            delay = self._schedule.limit_hit()
            reason = str(exc)
        elif isinstance(exc, TwilioHttpError) and exc.rate_limited:
            rate_limited = True
            delay = self._schedule.rate_limited(exc.retry_after_s)
            reason = str(exc)
        elif isinstance(exc, TwilioHttpError) and exc.auth_refused:
            delay = self._schedule.auth_refused()
            reason = str(exc)
        elif isinstance(exc, TwilioAccessError):
            delay = self._schedule.failed()
            reason = str(exc)
        else:
            _log.exception("poll pass failed unexpectedly")
            delay = self._schedule.failed()
            reason = f"Polling failed unexpectedly ({type(exc).__name__}); retrying."
        _log.info("poll failed: %s (retry in %.1f s)", reason, delay)
        self._emit(
            PollFailed(
                reason=reason,
                at=self._wall(),
                last_success_at=self._last_success_at,
                retry_in_s=delay,
                rate_limited=rate_limited,
                limit_hit=limit_hit,
            )
        )
        return delay

    def _emit(self, event: PollEvent) -> None:
        self._health = self._health.after(event)
        try:
            self._on_event(event)
        except Exception:
            _log.exception("the poll event handler failed")


def _uncount(tally: dict[str, int], status: str) -> None:
    """Take one call of ``status`` off ``tally``, dropping the status when none are left."""
    left = tally[status] - 1
    if left:
        tally[status] = left
    else:
        del tally[status]


def _later(new: Signature, old: Signature) -> bool:
    """True when ``new`` is further along the call lifecycle than ``old`` (status is sig[0])."""
    return _STATUS_RANK.get(str(new[0]), -1) > _STATUS_RANK.get(str(old[0]), -1)


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real error in a TaskGroup failure (the poller reports one reason)."""
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            return _first_error(error)
        return error
    return group
