"""The live-call poller: lists every live call, diffs it against the last complete listing.

One pass lists each status in :data:`~tui.core.models.LIVE_STATUSES` (``Status=…``,
``PageSize=1000``, following ``next_page_uri`` one page after another; the statuses run
concurrently). Only a **complete** pass replaces the snapshot: a call disappears from the table
only when a complete pass no longer lists it, and a failed pass changes nothing (the UI marks the
table stale with the reason).

Cost at 10,000 live calls: the pages are parsed with ``json.loads`` (no ``CallInstance``), a
piece of ~65 records at a time (:class:`~tui.core.listing.ListingPage`), and folded into the pass
(:class:`~tui.core.poll_pass.PassState`): each record is reduced to a small signature, and a
:class:`~tui.core.models.Call` is built only for records that are new or whose signature changed.
The loop yields to the event loop whenever it has worked for a few milliseconds, so a poll never
holds the UI for a frame. The snapshot and the diff are :mod:`tui.core.snapshot`'s.

Timing (adaptive interval, rate-limit slow-down, backoff) is described in :mod:`tui.core.backoff`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType

from tui.core.backoff import PollSchedule
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
    PollEvent,
    PollFailed,
    PollStats,
    PollSucceeded,
)
from tui.core.poll_pass import PassState
from tui.core.snapshot import Snapshot
from tui.core.sources import SourceHealth
from tui.core.twilio_client import (
    TwilioAccess,
    TwilioAccessError,
    TwilioBadResponse,
    TwilioBodyTooLarge,
    TwilioHttpError,
)

_log = logging.getLogger(__name__)


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
        on_event: Callable[[PollEvent], object],
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
        self._snapshot = Snapshot()
        self._wake = asyncio.Event()
        self._running = False
        self._last_success_at: float | None = None
        self._passes = 0
        self._health = SourceHealth(interval_s=interval_s)

    # ------------------------------------------------------------------ public

    @property
    def calls(self) -> Mapping[str, Call]:
        """The last complete snapshot, SID → Call (read-only view)."""
        return MappingProxyType(self._snapshot.calls)

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

    async def _collect(self) -> PassState:
        progress = None
        if self._on_progress is not None and self._last_success_at is None:
            progress = FirstPassReporter(self._on_progress, self._wall)
        state = PassState(progress)
        try:
            async with asyncio.TaskGroup() as group:
                for status in LIVE_STATUSES:
                    group.create_task(self._list_status(status, state))
        except BaseExceptionGroup as errors:
            raise _first_error(errors) from None
        return state

    async def _list_status(self, status: str, state: PassState) -> None:
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
            progress = state.progress
            with collector_paused():
                if progress is not None:
                    await progress.painted()
                page = ListingPage(text, max_field_chars=limits.max_field_chars)
                del text
                before = state.records
                for records in page.batches():
                    state.records += len(records)
                    if state.records > limits.max_records:
                        raise records_limit(limits)
                    snapshot = self._snapshot
                    await state.absorb(records, snapshot.signatures)
                    del records  # unchanged records die here, young, by reference counting
                    if progress is not None:
                        self._report_progress(state, piece=True)
                        await progress.painted()  # the first rows paint before the next parse
                    await state.yield_if_due()
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

    def _report_progress(self, state: PassState, *, piece: bool = False) -> None:
        assert state.progress is not None
        try:
            if piece:
                state.progress.piece_done(state.fresh, state.requests, state.open)
            else:
                state.progress.page_done(state.fresh, state.requests, state.open)
        except Exception:
            _log.exception("the first-rows handler failed")

    def _commit(self, state: PassState, duration: float) -> PollSucceeded:
        """Swap in the new snapshot and report the change (see :meth:`Snapshot.replace`)."""
        change = self._snapshot.replace(state)
        total = len(self._snapshot.calls)
        delay = self._schedule.succeeded(duration, total)
        now = self._wall()
        self._last_success_at = now
        return PollSucceeded(
            diff=change.diff,
            stats=PollStats(
                requests=state.requests,
                bytes_received=state.bytes,
                duration_s=duration,
                total_live=total,
                counts=change.counts,
                unreadable=change.unreadable,
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


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real error in a TaskGroup failure (the poller reports one reason)."""
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            return _first_error(error)
        return error
    return group
