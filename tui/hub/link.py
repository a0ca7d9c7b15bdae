"""One NATS connection that keeps itself up, shared by everything a process does on the hub.

nats-py reconnects on its own once connected (``max_reconnect_attempts=-1``); the first connect
is a task too, so a process started before its NATS server keeps trying instead of failing.
Buckets and the audit stream are created on first use by whoever gets there first (hub or
console), with the same configuration, so start-up order does not matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Final

import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType, StreamConfig
from nats.js.errors import BucketNotFoundError, NotFoundError
from nats.js.kv import KeyValue

from tui.hub import layout

_log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S: Final = 10.0
"""JetStream API calls (create a consumer, put): generous, since a busy server answers late."""
CLOSE_TIMEOUT_S: Final = 3.0


class HubLink:
    """A self-healing connection to ``url``; ``state_changed`` is called on (dis)connects."""

    def __init__(
        self, url: str, *, name: str, state_changed: Callable[[bool], None] | None = None
    ) -> None:
        self.url = url
        self.name = name
        self._state_changed = state_changed
        self._client: NatsClient | None = None
        self._connecting: asyncio.Task[NatsClient] | None = None
        self._buckets: dict[str, KeyValue] = {}
        self._listeners: list[Callable[[bool], None]] = []
        self._up = asyncio.Event()
        self._closing = False
        self.generation = 0
        """Bumped on every (re)connect: subscriptions made before it may be gone."""

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    @property
    def client(self) -> NatsClient | None:
        return self._client

    def on_state(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    def _announce(self, up: bool) -> None:
        if up:
            self._up.set()
        else:
            self._up.clear()
        callbacks = [self._state_changed] if self._state_changed else []
        for callback in [*callbacks, *self._listeners]:
            try:
                callback(up)
            except Exception:
                _log.exception("hub link listener failed")

    async def wait_connected(self, timeout_s: float) -> bool:
        """Start (or keep) connecting; True once connected, False if ``timeout_s`` passes first."""
        if self.connected:
            return True
        if self._client is not None:  # connected once: nats-py is reconnecting by itself
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._up.wait(), timeout=timeout_s)
            return self.connected
        if self._connecting is None:
            self._connecting = asyncio.create_task(self._connect(), name="nats connect")
        task = self._connecting
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done or self._closing:
            return False
        self._connecting = None
        try:
            self._client = task.result()
        except Exception as exc:  # e.g. a URL nats-py refuses
            _log.warning("cannot connect to NATS at %s: %s", self.url, exc)
            return False
        self.generation += 1
        self._announce(True)
        return True

    async def _connect(self) -> NatsClient:
        async def disconnected() -> None:
            if self._closing:
                return
            _log.warning("lost the connection to NATS at %s", self.url)
            self._announce(False)

        async def reconnected() -> None:
            _log.info("reconnected to NATS at %s", self.url)
            self._buckets.clear()
            self.generation += 1
            self._announce(True)

        async def error(exc: Exception) -> None:
            _log.info("NATS: %s", exc)

        return await nats.connect(
            servers=[self.url],
            name=self.name,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=2,
            ping_interval=5,
            max_outstanding_pings=2,
            disconnected_cb=disconnected,
            reconnected_cb=reconnected,
            error_cb=error,
        )

    def jetstream(self) -> JetStreamContext:
        if self._client is None:
            raise ConnectionError("not connected to the hub")
        return self._client.jetstream(timeout=REQUEST_TIMEOUT_S)

    async def bucket(self, name: str, *, ttl_s: float | None = None) -> KeyValue:
        """The KV bucket ``name``, created (file storage, history 1) if it does not exist."""
        cached = self._buckets.get(name)
        if cached is not None:
            return cached
        js = self.jetstream()
        try:
            kv = await js.key_value(name)
        except (BucketNotFoundError, NotFoundError):
            kv = await js.create_key_value(
                KeyValueConfig(bucket=name, history=1, ttl=ttl_s, storage=StorageType.FILE)
            )
        self._buckets[name] = kv
        return kv

    async def audit_stream(self) -> None:
        """Make sure the shared audit stream exists (idempotent)."""
        js = self.jetstream()
        try:
            await js.stream_info(layout.AUDIT_STREAM)
        except NotFoundError:
            await js.add_stream(
                StreamConfig(
                    name=layout.AUDIT_STREAM,
                    subjects=[layout.AUDIT_SUBJECTS],
                    storage=StorageType.FILE,
                    max_age=layout.AUDIT_MAX_AGE_S,
                )
            )

    async def close(self) -> None:
        """Close within :data:`CLOSE_TIMEOUT_S`, even if the server is gone or we are cancelled."""
        self._closing = True
        connecting, self._connecting = self._connecting, None
        if connecting is not None:
            connecting.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(connecting, timeout=CLOSE_TIMEOUT_S)
        client, self._client = self._client, None
        if client is None or client.is_closed:
            return
        try:
            await asyncio.wait_for(client.close(), timeout=CLOSE_TIMEOUT_S)
        except Exception as exc:
            _log.info("NATS close did not finish cleanly: %s", type(exc).__name__)
