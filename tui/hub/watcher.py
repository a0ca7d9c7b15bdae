"""The console's call source on a hub: follows the calls bucket with a JetStream KV watch.

A watch first delivers every key's current value (the snapshot), then each change as it is
written. Changes are gathered until the hub's ``hub.health`` record closes the pass, then reported
as one :class:`~tui.core.models.PollSucceeded` whose diff is exactly what changed, so the table
does work proportional to the change, as it does when polling. The hub's failures come through as
:class:`~tui.core.models.PollFailed` with the hub's own reason (e.g. Twilio's 429); a hub that
stops writing its heartbeat, or a NATS connection that drops, is reported the same way, and the
watch is started again (a fresh snapshot, diffed against what the console shows) until it works.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

import nats.errors
from nats.js.kv import KeyValue

from tui.core.call_parsing import call_from_json
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
from tui.hub import layout
from tui.hub.link import HubLink
from tui.hub.loops import CONNECT_WAIT_S, follow_until_cancelled

_log = logging.getLogger(__name__)

_PUSH_FLUSH_S: Final = 0.2
"""Changes that arrive with no pass closing them (pushed) are shown after this quiet time."""
_STOP_TIMEOUT_S: Final = 2.0
_DELETED: Final = ("DEL", "PURGE")


class _Watch:
    """One watch's progress: entries gathered since the last report."""

    def __init__(self) -> None:
        self.pending: dict[str, bytes | None] = {}
        self.bytes = 0


class HubCallSource:
    """A :class:`~tui.core.sources.CallSource` fed by ``callboard hub`` through NATS."""

    def __init__(
        self,
        link: HubLink,
        account_sid: str,
        *,
        on_event: Callable[[PollEvent], object],
        wall: Callable[[], float] = time.time,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._link = link
        self._account_sid = account_sid
        self._on_event = on_event
        self._wall = wall
        self._clock = clock
        self._calls: dict[str, Call] = {}
        self._values: dict[str, bytes] = {}
        self._tally: dict[str, int] = {}
        self._hub: layout.HubHealth | None = None
        """The last health record read from the hub."""
        self._reported_at: float | None = None
        """The hub pass (its ``at``) last reported to the UI."""
        self._heard_mono: float | None = None
        self._health = SourceHealth()

    # ------------------------------------------------------------------ CallSource

    @property
    def calls(self) -> Mapping[str, Call]:
        return MappingProxyType(self._calls)

    @property
    def interval_s(self) -> float:
        return self._hub.interval_s if self._hub is not None else 2.0

    @property
    def last_success_at(self) -> float | None:
        return self._health.last_success_at

    @property
    def health(self) -> SourceHealth:
        return self._health

    def poll_now(self) -> None:
        """Ask the hub for a pass now (fire and forget: the hub answers through the bucket)."""
        client = self._link.client
        if client is None or not self._link.connected:
            return
        subject = layout.poll_subject(self._account_sid)
        task = asyncio.get_running_loop().create_task(client.publish(subject, b""))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def run(self) -> None:
        """Follow the hub until cancelled; outages are reported and waited out.

        Watches that keep failing are retried after a growing, jittered pause, so a hundred
        consoles whose server restarts do not all ask for a snapshot in the same second.
        """
        reconnected = asyncio.Event()
        self._link.on_state(lambda up: self._link_changed(up, reconnected))
        await follow_until_cancelled(
            self._link,
            self._follow,
            what="hub watch",
            unreachable=lambda: self._fail(
                f"Cannot reach the hub at {self._link.shown_url}; retrying."
            ),
            lost=lambda exc: self._fail(
                f"Lost the hub at {self._link.shown_url} ({type(exc).__name__}); retrying."
            ),
            reconnected=reconnected,
        )

    def _link_changed(self, up: bool, reconnected: asyncio.Event) -> None:
        """Say STALE the moment NATS drops (not a quiet period later); wake a retry on return."""
        if up:
            reconnected.set()
        else:
            self._fail(f"Lost the connection to the hub at {self._link.shown_url}; reconnecting.")

    # ------------------------------------------------------------------ the watch

    def quiet_after_s(self) -> float:
        """How long without a word from the hub before its view counts as stale."""
        hub = self._hub
        interval = hub.interval_s if hub else 2.0
        return max(6.0, 2.5 * interval + 2 * layout.HEARTBEAT_S)

    async def _follow(self) -> bool:
        """Watch until the hub goes quiet or the connection is replaced; True if a snapshot
        was completed."""
        generation = self._link.generation
        completed = False
        kv: KeyValue = await self._link.bucket(layout.calls_bucket(self._account_sid))
        watcher = await kv.watchall()
        try:
            watch = _Watch()
            snapshot: dict[str, bytes] = {}
            while True:  # the snapshot: every key's value, then a None marker
                entry = await watcher.updates(timeout=self.quiet_after_s())
                if entry is None:
                    break
                value = None if entry.operation in _DELETED else (entry.value or b"")
                if entry.key == layout.HEALTH_KEY:
                    self._heard(value)
                elif layout.is_call_key(entry.key) and value is not None:
                    snapshot[entry.key] = value
                    watch.bytes += len(value)
            self._resync(snapshot, watch)
            completed = True
            self._report(watch, snapshot_done=True)
            while generation == self._link.generation:
                try:
                    entry = await watcher.updates(timeout=_PUSH_FLUSH_S if watch.pending else 1.0)
                except nats.errors.TimeoutError:
                    if watch.pending:
                        self._report(watch)  # pushed between passes (status callbacks)
                        continue
                    if self._is_quiet():
                        self._report_quiet()
                        return completed  # watch again: the subscription may be gone
                    continue
                if entry is None:
                    continue
                value = None if entry.operation in _DELETED else (entry.value or b"")
                if entry.key == layout.HEALTH_KEY:
                    self._heard(value)
                    self._report(watch)
                elif layout.is_call_key(entry.key):
                    watch.pending[entry.key] = value
                    watch.bytes += len(value or b"")
            return completed
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(watcher.stop(), timeout=_STOP_TIMEOUT_S)

    def _heard(self, value: bytes | None) -> None:
        health = layout.HubHealth.decode(value) if value else None
        if health is not None:
            self._hub = health
            self._heard_mono = self._clock()

    def _is_quiet(self) -> bool:
        heard = self._heard_mono
        return heard is None or self._clock() - heard > self.quiet_after_s()

    def _resync(self, snapshot: Mapping[str, bytes], watch: _Watch) -> None:
        """Turn a fresh snapshot into pending changes against what the console shows."""
        values = self._values
        for sid, value in snapshot.items():
            if values.get(sid) != value:
                watch.pending[sid] = value
        for sid in values.keys() - snapshot.keys():
            watch.pending[sid] = None

    # ------------------------------------------------------------------ reporting

    def _report(self, watch: _Watch, *, snapshot_done: bool = False) -> None:
        hub = self._hub
        if hub is None or (self._is_quiet() and not snapshot_done):
            return
        fresh = self._wall() - hub.beat <= self.quiet_after_s()
        new_pass = hub.last_success_at is not None and hub.last_success_at != self._reported_at
        if watch.pending or (new_pass and fresh) or snapshot_done:
            diff = self._apply(watch.pending)
            watch.pending = {}
            if diff or (new_pass and fresh) or (snapshot_done and fresh and hub.ok):
                self._reported_at = hub.last_success_at
                self._emit_success(diff, hub, watch.bytes)
                watch.bytes = 0
        if not fresh:
            self._report_quiet()
        elif not hub.ok:
            self._emit(
                PollFailed(
                    reason=f"Hub: {hub.reason or 'polling Twilio failed'}",
                    at=hub.at,
                    last_success_at=hub.last_success_at,
                    retry_in_s=hub.next_poll_in_s,
                    rate_limited=hub.rate_limited,
                )
            )

    def _report_quiet(self) -> None:
        heard = self._heard_mono
        age = "" if heard is None else f" for {self._clock() - heard:.0f} s"
        hub = self._hub
        if hub is not None and heard is not None and self._wall() - hub.beat > 2 * hub.interval_s:
            age = f" for {self._wall() - hub.beat:.0f} s"
        self._fail(f"The hub has not reported{age} (is 'callboard hub' running?); waiting.")

    def _fail(self, reason: str) -> None:
        self._emit(
            PollFailed(
                reason=reason,
                at=self._wall(),
                last_success_at=self._health.last_success_at,
                retry_in_s=CONNECT_WAIT_S,
            )
        )

    def _emit_success(self, diff: CallDiff, hub: layout.HubHealth, size: int) -> None:
        tally = self._tally
        counts = {status: tally.get(status, 0) for status in LIVE_STATUSES}
        counts.update((status, n) for status, n in tally.items() if status not in counts)
        self._emit(
            PollSucceeded(
                diff=diff,
                stats=PollStats(
                    requests=0,
                    bytes_received=size,
                    duration_s=hub.duration_s,
                    total_live=len(self._calls),
                    counts=counts,
                ),
                at=hub.last_success_at or hub.at,
                next_poll_in_s=hub.next_poll_in_s,
                interval_s=hub.interval_s,
            )
        )

    def _apply(self, pending: Mapping[str, bytes | None]) -> CallDiff:
        """Fold gathered changes into the snapshot; the diff of what really changed."""
        added: list[Call] = []
        changed: list[Call] = []
        removed: list[str] = []
        calls, values, tally = self._calls, self._values, self._tally
        for sid, value in pending.items():
            old = calls.get(sid)
            if value is None:
                if old is not None:
                    del calls[sid]
                    del values[sid]
                    _uncount(tally, old.status)
                    removed.append(sid)
                continue
            if values.get(sid) == value:
                continue
            call = _decode(value)
            if call is None or call.sid != sid:
                continue
            calls[sid] = call
            values[sid] = value
            tally[call.status] = tally.get(call.status, 0) + 1
            if old is None:
                added.append(call)
            else:
                _uncount(tally, old.status)
                changed.append(call)
        return CallDiff(added=tuple(added), changed=tuple(changed), removed=tuple(removed))

    def _emit(self, event: PollEvent) -> None:
        if isinstance(event, PollFailed) and event.reason == self._health.stale_reason:
            return  # already said, and nothing good happened since
        self._health = self._health.after(event)
        try:
            self._on_event(event)
        except Exception:
            _log.exception("the poll event handler failed")


def _decode(value: bytes) -> Call | None:
    try:
        record = json.loads(value)
        return call_from_json(record) if isinstance(record, dict) else None
    except (ValueError, TypeError, KeyError):
        _log.warning("skipped a call value the console cannot read")
        return None


def _uncount(tally: dict[str, int], status: str) -> None:
    left = tally[status] - 1
    if left:
        tally[status] = left
    else:
        del tally[status]
