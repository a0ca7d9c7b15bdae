"""The hub's floor writer: keeps the floor bucket equal to its floor source's last view.

:class:`~tui.core.floor.source.FloorSource` reports each pass synchronously; the snapshot is only
remembered and the writer task woken, so a slow or absent NATS never slows the floor passes. The
writer encodes what changed (a room's value is encoded again only when its view or listing entry
is a new one), puts it, purges the rooms that ended (with a marker that runs out, as ended calls
are purged), then writes ``floor.health``, which closes the pass for consoles, and rewrites it
every :data:`~tui.hub.layout.HEARTBEAT_S` as a heartbeat. After any NATS failure, and at start, it
reads the bucket back and reconciles it, so a restart leaves no ended room behind. Until the
first complete pass nothing but the health is written: a hub that cannot reach Twilio must not
empty the floor other consoles still show.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Final

from nats.js.api import PubAck
from nats.js.kv import KeyValue

from tui.core.floor.models import Conference, FloorSnapshot, RoomView
from tui.hub import floor_layout as fl
from tui.hub import layout
from tui.hub.link import HubLink
from tui.hub.loops import write_until_cancelled

_log = logging.getLogger(__name__)

_BATCH: Final = 256
_ACK_TIMEOUT_S: Final = 10.0
_PURGE: Final = {"KV-Operation": "PURGE", "Nats-Rollup": "sub"}


class FloorMirror:
    """Mirrors the hub's floor snapshots into the account's floor bucket."""

    def __init__(self, link: HubLink, account_sid: str, *, hub_name: str) -> None:
        self._link = link
        self._bucket = fl.floor_bucket(account_sid)
        self._hub_name = hub_name
        self._snapshot: FloorSnapshot | None = None
        self._wanted: dict[str, bytes] = {}
        """What the bucket should hold for the last complete snapshot (health aside)."""
        self._encoded_for: FloorSnapshot | None = None
        self._cache: dict[str, tuple[Conference, RoomView | None, bytes]] = {}
        self._written: dict[str, bytes] = {}
        self._synced = False
        self._generation = -1
        self._wake = asyncio.Event()
        self.writes = 0
        """Puts and purges of rooms and queues sent so far (tests and the log read it)."""
        self.flushed = asyncio.Event()
        """Set after each write of a complete pass (tests wait on it)."""

    def on_snapshot(self, snapshot: FloorSnapshot) -> None:
        """The floor source's listener: remember the view; never blocks."""
        self._snapshot = snapshot
        self._wake.set()

    async def run(self) -> None:
        """Write until cancelled; NATS outages are waited out, then reconciled."""
        await write_until_cancelled(
            self._link, self._wake, self._flush, what="floor bucket", failed=self._unsync
        )

    def _unsync(self) -> None:
        self._synced = False

    async def _flush(self) -> None:
        kv = await self._link.bucket(self._bucket, max_value_size=fl.MAX_VALUE_BYTES)
        if self._link.generation != self._generation:
            self._synced = False
        snapshot = self._snapshot
        if snapshot is None:
            return
        if snapshot.stats is not None:
            if snapshot is not self._encoded_for:
                self._wanted = self._encode(snapshot)
                self._encoded_for = snapshot
            if not self._synced:
                generation = self._link.generation
                self._written = await _read_back(kv)
                self._generation = generation
                self._synced = True
            await self._write(self._wanted)
            self.flushed.set()
        health = fl.FloorHealth.from_snapshot(snapshot, self._hub_name, time.time())
        await kv.put(fl.HEALTH_KEY, health.encode())

    def _encode(self, snapshot: FloorSnapshot) -> dict[str, bytes]:
        """Every key's value for ``snapshot``; rooms whose inputs did not change are reused."""
        wanted = {fl.QUEUES_KEY: fl.encode_queues(snapshot.queues)}
        cache: dict[str, tuple[Conference, RoomView | None, bytes]] = {}
        for conference in snapshot.conferences[: fl.MAX_ROOMS]:
            key = fl.room_key(conference.sid)
            if key is None:
                continue  # not a Conference SID: never a key
            view = snapshot.rooms.get(conference.sid)
            held = self._cache.get(key)
            if held is not None and held[1] is view and held[0] == conference:
                value = held[2]
            else:
                value = fl.encode_room(conference, view)
            cache[key] = (conference, view, value)
            wanted[key] = value
        self._cache = cache
        return wanted

    async def _write(self, wanted: Mapping[str, bytes]) -> None:
        js = self._link.jetstream()
        prefix = f"$KV.{self._bucket}."
        pending: list[asyncio.Future[PubAck]] = []
        for key, value in wanted.items():
            if self._written.get(key) == value:
                continue
            pending.append(await js.publish_async(prefix + key, value))
            self._written[key] = value
            self.writes += 1
            if len(pending) >= _BATCH:
                await _acked(pending)
                pending = []
        for key in [key for key in self._written if key not in wanted]:
            pending.append(
                await js.publish_async(
                    prefix + key, b"", headers=_PURGE, msg_ttl=layout.ENDED_MARKER_TTL_S
                )
            )
            del self._written[key]
            self.writes += 1
            if len(pending) >= _BATCH:
                await _acked(pending)
                pending = []
        await _acked(pending)


async def _read_back(kv: KeyValue) -> dict[str, bytes]:
    """What the bucket holds now (rooms and queues; the health is rewritten anyway)."""
    held: dict[str, bytes] = {}
    watcher = await kv.watchall()
    try:
        while True:
            entry = await watcher.updates(timeout=_ACK_TIMEOUT_S)
            if entry is None:
                break
            if entry.operation is None and entry.key != fl.HEALTH_KEY:
                held[entry.key] = entry.value or b""
    finally:
        await watcher.stop()
    return held


async def _acked(pending: list[asyncio.Future[PubAck]]) -> None:
    if pending:
        await asyncio.wait_for(asyncio.gather(*pending), timeout=_ACK_TIMEOUT_S)
