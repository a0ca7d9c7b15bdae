"""One NATS connection that keeps itself up, shared by everything a process does on the hub.

nats-py reconnects on its own once connected (``max_reconnect_attempts=-1``); the first connect
is a task too, so a process started before its NATS server keeps trying instead of failing.
The link does not trust that alone: a client that nats-py closed by itself (after an
authorization error, say), or one still not back :data:`REPLACE_AFTER_S` into an outage, is
dropped and a fresh connection made. Every user therefore keys its subscriptions on
:attr:`HubLink.generation`, which changes whenever the connection under it may have changed.
Buckets and the audit stream are created on first use by whoever gets there first (hub or
console), with the same configuration, so start-up order does not matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

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
REPLACE_AFTER_S: Final = 10.0
"""An outage longer than this gets a fresh client instead of waiting on nats-py's reconnect."""


def servers_of(url: str) -> list[str]:
    """``nats://a:4222,nats://b:4222`` (a cluster) as the list of servers nats-py expects."""
    return [part.strip() for part in url.split(",") if part.strip()]


def shown_url(url: str) -> str:
    """``url`` fit for a log line or the screen: any ``user:password@`` part becomes ``***@``."""
    shown = []
    for server in servers_of(url):
        try:
            parts = urlsplit(server)
            netloc = parts.netloc
        except ValueError:
            shown.append("(an unreadable URL)")
            continue
        if "@" in netloc:
            server = server.replace(netloc, "***@" + netloc.rpartition("@")[2], 1)
        shown.append(server)
    return ",".join(shown)


class HubLink:
    """A self-healing connection to ``url``; ``state_changed`` is called on (dis)connects."""

    def __init__(
        self, url: str, *, name: str, state_changed: Callable[[bool], None] | None = None
    ) -> None:
        self.url = url
        self.shown_url = shown_url(url)
        """The URL without credentials: the only form that goes to logs and messages."""
        self.name = name
        self._state_changed = state_changed
        self._client: NatsClient | None = None
        self._connecting: asyncio.Task[NatsClient] | None = None
        self._buckets: dict[str, KeyValue] = {}
        self._listeners: list[Callable[[bool], None]] = []
        self._up = asyncio.Event()
        self._down_since: float | None = None
        self._abandoned: set[asyncio.Task[None]] = set()
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
            self._down_since = None
        else:
            self._up.clear()
            if self._down_since is None:
                self._down_since = time.monotonic()
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
            if not self._client.is_closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._up.wait(), timeout=timeout_s)
                if self.connected or not self._stalled():
                    return self.connected
            self._abandon()
            return False
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
            _log.warning("cannot connect to NATS at %s: %s", self.shown_url, self._scrub(exc))
            return False
        self.generation += 1
        self._announce(True)
        return True

    def _scrub(self, exc: BaseException) -> str:
        """An exception's text with any server URL given in full replaced by its shown form."""
        text = str(exc) or type(exc).__name__
        for server in servers_of(self.url):
            text = text.replace(server, shown_url(server))
        return text

    def _stalled(self) -> bool:
        down = self._down_since
        return down is not None and time.monotonic() - down > REPLACE_AFTER_S

    def _abandon(self) -> None:
        """Drop the current client (closed in the background, bounded) for a fresh connect."""
        client, self._client = self._client, None
        self._buckets.clear()
        if self._down_since is None:
            self._down_since = time.monotonic()
        if client is None:
            return
        _log.warning("replacing the NATS client for %s (it did not come back)", self.shown_url)
        if not client.is_closed:
            task = asyncio.get_running_loop().create_task(_close_quietly(client))
            self._abandoned.add(task)
            task.add_done_callback(self._abandoned.discard)

    async def _connect(self) -> NatsClient:
        mine: list[NatsClient] = []
        """The client these callbacks belong to: an abandoned one's events are ignored."""
        errors_this_outage = 0

        def current() -> bool:
            return not self._closing and bool(mine) and mine[0] is self._client

        async def disconnected() -> None:
            if not current():
                return
            _log.warning("lost the connection to NATS at %s", self.shown_url)
            self._announce(False)

        async def reconnected() -> None:
            nonlocal errors_this_outage
            errors_this_outage = 0
            if not current():
                return
            _log.info("reconnected to NATS at %s", self.shown_url)
            self._buckets.clear()
            self.generation += 1
            self._announce(True)

        async def error(exc: Exception) -> None:
            nonlocal errors_this_outage
            errors_this_outage += 1
            # The first error of an outage says why; the retries after it would flood the log.
            level = logging.WARNING if errors_this_outage == 1 else logging.DEBUG
            _log.log(level, "NATS at %s: %s", self.shown_url, self._scrub(exc))

        client = await nats.connect(
            servers=servers_of(self.url),
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
        mine.append(client)
        return client

    def jetstream(self) -> JetStreamContext:
        if self._client is None:
            raise ConnectionError("not connected to the hub")
        return self._client.jetstream(timeout=REQUEST_TIMEOUT_S)

    async def bucket(
        self, name: str, *, ttl_s: float | None = None, max_value_size: int | None = None
    ) -> KeyValue:
        """The KV bucket ``name``, created (file storage, history 1) if it does not exist."""
        cached = self._buckets.get(name)
        if cached is not None:
            return cached
        js = self.jetstream()
        try:
            kv = await js.key_value(name)
        except (BucketNotFoundError, NotFoundError):
            kv = await js.create_key_value(
                KeyValueConfig(
                    bucket=name,
                    history=1,
                    ttl=ttl_s,
                    storage=StorageType.FILE,
                    max_value_size=max_value_size,
                )
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
        for task in list(self._abandoned):
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, timeout=CLOSE_TIMEOUT_S)
        if client is not None:
            await _close_quietly(client)


async def _close_quietly(client: NatsClient) -> None:
    if client.is_closed:
        return
    try:
        await asyncio.wait_for(client.close(), timeout=CLOSE_TIMEOUT_S)
    except Exception as exc:
        _log.info("NATS close did not finish cleanly: %s", type(exc).__name__)
