"""The console's floor on a hub: a :class:`~tui.core.floor.feed.FloorFeed` on the floor bucket.

A KV watch delivers every key's current value, then each change. Changes are gathered until the
hub's ``floor.health`` closes the pass, then reported as one
:class:`~tui.core.floor.models.FloorSnapshot`, built here exactly as the REST floor source builds
it (placements included, with this console's own monitoring leg left out of agent labels), so the
floor screens cannot tell the two apart. A room whose key is purged has ended and leaves the
snapshot. The hub's floor failures arrive as the snapshot's ``error`` (``Hub: …``); a hub that
stops writing its heartbeat, or a NATS connection that drops, does too ("The hub has not reported
the floor…"), and the floor views say their data may be stale until the hub is back.

The console sends nothing to Twilio for the floor: what it looks at goes to the hub instead
(:mod:`tui.hub.floor_interest`). What it reads is bounded: values over
:data:`~tui.hub.floor_layout.MAX_VALUE_BYTES` and keys that are not the floor's are ignored, at
most :data:`~tui.hub.floor_layout.MAX_ROOMS` rooms are held, and :data:`_MAX_HELD_BYTES` of room
values in all (past that a room is kept without its participants).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import Final

import nats.errors

from tui.core.floor.models import Conference, FloorSnapshot, QueueView, RoomView
from tui.core.floor.placements import build_placements
from tui.hub import floor_layout as fl
from tui.hub.floor_interest import REFRESH_S, Interest, interest_of
from tui.hub.link import HubLink
from tui.hub.loops import follow_until_cancelled

_log = logging.getLogger(__name__)

_STOP_TIMEOUT_S: Final = 2.0
_MAX_HELD_BYTES: Final = 64 * 1024 * 1024
_DELETED: Final = ("DEL", "PURGE")


class HubFloorSource:
    """The floor as ``callboard hub`` publishes it; what this console looks at goes back."""

    def __init__(
        self,
        link: HubLink,
        account_sid: str,
        *,
        console: str,
        wall: Callable[[], float] = time.time,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_snapshot: Callable[[FloorSnapshot], None] | None = None
        self._link = link
        self._account_sid = account_sid
        self._console = console
        self._wall = wall
        self._clock = clock
        self._snapshot = FloorSnapshot()
        self._queues: tuple[QueueView, ...] = ()
        self._rooms: dict[str, tuple[Conference, RoomView | None]] = {}
        self._digests: dict[str, bytes] = {}
        self._sizes: dict[str, int] = {}
        self._held_bytes = 0
        self._room_of_call: dict[str, str] = {}
        self._health: fl.FloorHealth | None = None
        self._heard_mono: float | None = None
        self._reported_at: float | None = None
        self._hidden: frozenset[str] = frozenset()
        self._interest = interest_of(console, (), ())
        self._interest_wake = asyncio.Event()

    # ------------------------------------------------------------------ FloorFeed

    @property
    def snapshot(self) -> FloorSnapshot:
        return self._snapshot

    def watch(
        self,
        visible_calls: Iterable[str] = (),
        open_rooms: Iterable[str] = (),
        *,
        hidden_calls: Iterable[str] = (),
    ) -> None:
        hidden = frozenset(hidden_calls)
        if hidden != self._hidden:
            self._hidden = hidden
            if self._health is not None:
                self._publish(self._snapshot.error)
        interest = interest_of(self._console, visible_calls, open_rooms)
        if (interest.rooms, interest.calls) != (self._interest.rooms, self._interest.calls):
            opened = bool(set(interest.rooms) - set(self._interest.rooms))
            self._interest = interest
            self._send(Interest(self._console, interest.rooms, interest.calls, now=opened))

    def room_of(self, call_sid: str) -> str | None:
        return self._room_of_call.get(call_sid)

    def poll_now(self) -> None:
        """Ask the hub for a floor pass now (it honours one a second, from all consoles)."""
        interest = self._interest
        self._send(Interest(self._console, interest.rooms, interest.calls, now=True))

    async def run(self) -> None:
        self._link.on_state(self._link_changed)
        refresher = asyncio.create_task(self._refresh_interest(), name="floor interest")
        try:
            await self._follow_loop()
        finally:
            refresher.cancel()
            await asyncio.gather(refresher, return_exceptions=True)

    # ------------------------------------------------------------------ interest

    def _send(self, interest: Interest) -> None:
        client = self._link.client
        if client is None or not self._link.connected:
            return
        subject = fl.floor_subject(self._account_sid)
        task = asyncio.get_running_loop().create_task(client.publish(subject, interest.encode()))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _refresh_interest(self) -> None:
        """Repeat the interest while running (the hub forgets it after a few seconds)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._interest_wake.wait(), timeout=REFRESH_S)
            self._interest_wake.clear()
            interest = self._interest
            if interest.rooms or interest.calls:
                self._send(interest)

    def _link_changed(self, up: bool) -> None:
        if up:
            self._interest_wake.set()
        else:
            self._stale(f"Lost the connection to the hub at {self._link.shown_url}.")

    # ------------------------------------------------------------------ the watch

    async def _follow_loop(self) -> None:
        await follow_until_cancelled(
            self._link,
            self._follow,
            what="hub floor watch",
            unreachable=lambda: self._stale(f"Cannot reach the hub at {self._link.shown_url}."),
            lost=lambda exc: self._stale(
                f"Lost the hub at {self._link.shown_url} ({type(exc).__name__})."
            ),
        )

    async def _follow(self) -> bool:
        """Watch until the hub goes quiet or the connection changes; True once a snapshot of the
        bucket was read."""
        generation = self._link.generation
        kv = await self._link.bucket(
            fl.floor_bucket(self._account_sid), max_value_size=fl.MAX_VALUE_BYTES
        )
        watcher = await kv.watchall()
        try:
            pending: dict[str, bytes | None] = {}
            while True:  # every key's value, then a None marker
                entry = await watcher.updates(timeout=fl.QUIET_AFTER_S)
                if entry is None:
                    break
                self._take(entry.key, entry.value, entry.operation, pending)
            gone = set(self._digests) - set(pending)
            pending.update(dict.fromkeys(gone))
            self._apply(pending)
            pending = {}
            self._report(force=True)
            while generation == self._link.generation:
                try:
                    entry = await watcher.updates(timeout=1.0)
                except nats.errors.TimeoutError:
                    if self._quiet():
                        self._stale(self._quiet_reason())
                        return True  # watch again: the subscription may be gone
                    continue
                if entry is None:
                    continue
                if self._take(entry.key, entry.value, entry.operation, pending):
                    self._apply(pending)
                    pending = {}
                    self._report()
            return True
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(watcher.stop(), timeout=_STOP_TIMEOUT_S)

    def _take(
        self, key: str, value: bytes | None, operation: str | None, pending: dict[str, bytes | None]
    ) -> bool:
        """Gather one entry; True when it is the health record that closes a pass."""
        data = None if operation in _DELETED else (value or b"")
        if key == fl.HEALTH_KEY:
            health = fl.FloorHealth.decode(data)
            if health is not None:
                self._health = health
                self._heard_mono = self._clock()
            return health is not None
        if data is not None and len(data) > fl.MAX_VALUE_BYTES:
            return False
        if key == fl.QUEUES_KEY or fl.room_sid(key) is not None:
            pending[key] = data
        return False

    def _apply(self, pending: dict[str, bytes | None]) -> None:
        for key, data in pending.items():
            digest = None if data is None else hashlib.blake2b(data, digest_size=16).digest()
            if digest == self._digests.get(key):
                continue
            if key == fl.QUEUES_KEY:
                queues = fl.decode_queues(data) if data is not None else ()
                if queues is not None:
                    self._queues = queues
                    self._remember(key, digest, 0)
                continue
            sid = fl.room_sid(key)
            if sid is None:
                continue
            if data is None:
                self._drop_room(sid)
                self._remember(key, None, 0)
                continue
            if sid not in self._rooms and len(self._rooms) >= fl.MAX_ROOMS:
                continue
            room = fl.decode_room(sid, data)
            if room is None:
                continue
            size = len(data)
            if self._held_bytes - self._sizes.get(key, 0) + size > _MAX_HELD_BYTES:
                room, size = (room[0], None), 0  # too much held: the room, not who is in it
            self._drop_room(sid)
            self._rooms[sid] = room
            if room[1] is not None:
                for participant in room[1].participants:
                    self._room_of_call[participant.call_sid] = sid
            self._remember(key, digest, size)

    def _remember(self, key: str, digest: bytes | None, size: int) -> None:
        self._held_bytes += size - self._sizes.pop(key, 0)
        if digest is None:
            self._digests.pop(key, None)
        else:
            self._digests[key] = digest
            self._sizes[key] = size

    def _drop_room(self, sid: str) -> None:
        old = self._rooms.pop(sid, None)
        if old is not None and old[1] is not None:
            for participant in old[1].participants:
                if self._room_of_call.get(participant.call_sid) == sid:
                    del self._room_of_call[participant.call_sid]

    # ------------------------------------------------------------------ reporting

    def _quiet(self) -> bool:
        heard = self._heard_mono
        return heard is None or self._clock() - heard > fl.QUIET_AFTER_S

    def _quiet_reason(self) -> str:
        health, heard = self._health, self._heard_mono
        age = ""
        if health is not None and heard is not None:
            age = f" for {max(self._clock() - heard, self._wall() - health.beat):.0f} s"
        return f"The hub has not reported the floor{age} (is 'callboard hub' running?)."

    def _report(self, *, force: bool = False) -> None:
        """A snapshot for the pass the hub just closed (or a stale note if its beat is old)."""
        health = self._health
        if health is None:
            return
        if self._wall() - health.beat > fl.QUIET_AFTER_S:
            self._stale(self._quiet_reason())
            return
        error = f"Hub: {health.error}" if health.error else None
        new_pass = health.at != self._reported_at
        if force or new_pass or error != self._snapshot.error:
            self._reported_at = health.at
            self._publish(error)

    def _stale(self, reason: str) -> None:
        if self._snapshot.error != reason:
            last = self._snapshot
            self._emit(
                FloorSnapshot(
                    queues=last.queues,
                    rooms=last.rooms,
                    placements=last.placements,
                    conferences=last.conferences,
                    stats=last.stats,
                    at=last.at,
                    error=reason,
                )
            )

    def _publish(self, error: str | None) -> None:
        health = self._health
        rooms = {sid: view for sid, (_, view) in self._rooms.items() if view is not None}
        self._emit(
            FloorSnapshot(
                queues=self._queues,
                rooms=rooms,
                placements=build_placements(self._queues, rooms.values(), hidden=self._hidden),
                conferences=tuple(conference for conference, _ in self._rooms.values()),
                stats=health.stats if health is not None else None,
                at=health.at if health is not None else 0.0,
                error=error,
            )
        )

    def _emit(self, snapshot: FloorSnapshot) -> None:
        self._snapshot = snapshot
        if self.on_snapshot is not None:
            try:
                self.on_snapshot(snapshot)
            except Exception:
                _log.exception("floor snapshot listener failed")


__all__ = ["HubFloorSource"]
