"""Claims, presence and the shared audit stream on NATS (see :mod:`tui.core.coordination`).

* Claims: ``create`` on the target's key in the claims bucket (15 s TTL) succeeds for exactly
  one console; the others read who holds it and are refused with that name
  (:mod:`tui.hub.claim_words`). The key is a Call SID (a call, a room's participant, a queue's
  caller), a Conference SID (a whole room) or ``QU….Front`` (a queue's head). A settled claim of
  another console (what it did and how it ended) still refuses the same action until it runs out;
  a different action takes the claim over by compare-and-set on its revision.
* Presence: each console puts ``{CallSID}.{console}`` while its detail screen shows a call (and
  while it acts), refreshed every 10 s; everyone watches the bucket. Marks older than the TTL are
  ignored even before the server removes them.
* Audit: every local audit record is also published to ``callboard.audit.{AC}``; records made
  while NATS is away wait in memory (bounded) and go out on reconnect.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Mapping
from typing import Final

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from tui.core.coordination import ClaimAnswer, PresenceMark
from tui.core.models import Action, ActionResult, Outcome
from tui.core.text import display_text
from tui.hub import layout
from tui.hub.claim_words import refusal
from tui.hub.link import HubLink

_log = logging.getLogger(__name__)

_CLAIM_WAIT_S: Final = 1.0
_UNCOORDINATED: Final = "not coordinated: the hub is unreachable"
_AUDIT_BACKLOG: Final = 10_000


def console_id(operator: str) -> str:
    """A KV-key-safe name for this console: operator, host and process."""
    raw = f"{operator}-{socket.gethostname()}-{os.getpid()}"
    return re.sub(r"[^A-Za-z0-9_-]", "-", raw)[:100]


class NatsClaims:
    """:class:`~tui.core.coordination.ActionClaims` on the account's claims bucket."""

    def __init__(self, link: HubLink, account_sid: str, *, operator: str, console: str) -> None:
        self._link = link
        self._bucket = layout.claims_bucket(account_sid)
        self.operator = operator
        self.console = console
        self._revisions: dict[str, int] = {}

    async def _kv(self) -> KeyValue:
        return await self._link.bucket(self._bucket, ttl_s=layout.CLAIM_TTL_S)

    def _value(self, action: Action, **extra: object) -> bytes:
        record: dict[str, object] = {
            "operator": self.operator,
            "console": self.console,
            "action": str(action),
        }
        record.update(extra, at=time.time())
        return json.dumps(record, separators=(",", ":")).encode()

    async def claim(self, sid: str, action: Action) -> ClaimAnswer:
        try:
            return await asyncio.wait_for(self._claim(sid, action), timeout=_CLAIM_WAIT_S * 3)
        except TimeoutError:
            return ClaimAnswer(True, note=_UNCOORDINATED)

    async def _claim(self, sid: str, action: Action) -> ClaimAnswer:
        if not await self._link.wait_connected(_CLAIM_WAIT_S):
            return ClaimAnswer(True, note=_UNCOORDINATED)
        try:
            kv = await self._kv()
            for _ in range(3):
                try:
                    self._revisions[sid] = await kv.create(sid, self._value(action))
                    return ClaimAnswer(True)
                except KeyWrongLastSequenceError:
                    pass
                try:
                    entry = await kv.get(sid)
                except KeyNotFoundError:
                    continue  # ran out between the two requests: try again
                holder = _parse(entry.value)
                if not _blocks(holder, action, self.console):
                    try:
                        self._revisions[sid] = await kv.update(
                            sid, self._value(action), last=entry.revision
                        )
                        return ClaimAnswer(True)
                    except KeyWrongLastSequenceError:
                        continue
                return ClaimAnswer(False, message=refusal(holder, sid, action))
        except Exception as exc:
            _log.warning("claim on %s could not be asked: %s", sid, exc)
            return ClaimAnswer(True, note=_UNCOORDINATED)
        return ClaimAnswer(True, note=_UNCOORDINATED)

    async def settle(self, result: ActionResult) -> None:
        revision = self._revisions.pop(result.sid, None)
        if revision is None or not self._link.connected:
            return
        value = self._value(result.action, outcome=str(result.outcome))
        with contextlib.suppress(Exception):
            kv = await self._kv()
            await asyncio.wait_for(
                kv.update(result.sid, value, last=revision), timeout=_CLAIM_WAIT_S
            )


def _parse(data: bytes | None) -> dict[str, object]:
    try:
        value = json.loads(data or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _blocks(holder: Mapping[str, object], action: Action, console: str) -> bool:
    """Whether ``holder``'s claim stops ``console`` doing ``action`` now."""
    if holder.get("console") == console:
        return "outcome" not in holder  # our own claim still in flight (another key press)
    outcome = holder.get("outcome")
    if outcome is None:
        return True  # someone is sending right now
    return outcome == str(Outcome.APPLIED) and holder.get("action") == str(action)


class NatsPresence:
    """:class:`~tui.core.coordination.Presence` on the account's presence bucket."""

    def __init__(self, link: HubLink, account_sid: str, *, operator: str, console: str) -> None:
        self._link = link
        self._bucket = layout.presence_bucket(account_sid)
        self.operator = operator
        self.console = console
        self._marks: dict[str, PresenceMark] = {}
        """Other consoles' marks by key ``{sid}.{console}``."""
        self._mine: dict[str, str] = {}
        """This console's own marks: sid → activity."""
        self._viewing: str | None = None
        self._callbacks: list[Callable[[], None]] = []
        self._wake = asyncio.Event()
        self._watched: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ Presence

    def viewing(self, sid: str | None) -> None:
        if self._viewing and self._mine.get(self._viewing) == "viewing":
            self._mine.pop(self._viewing, None)
        self._viewing = sid
        if sid:
            self._mine.setdefault(sid, "viewing")
        self._wake.set()

    def acting(self, sid: str) -> None:
        self._mine[sid] = "acting"
        self._wake.set()

    def others(self, sid: str) -> tuple[PresenceMark, ...]:
        horizon = time.time() - layout.PRESENCE_TTL_S
        prefix = f"{sid}."
        return tuple(
            mark
            for key, mark in sorted(self._marks.items())
            if key.startswith(prefix) and mark.at >= horizon
        )

    def watched(self) -> frozenset[str]:
        return self._watched

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    # ------------------------------------------------------------------ machinery

    async def run(self) -> None:
        """Publish our marks and follow everyone's until cancelled."""
        await asyncio.gather(self._publish_loop(), self._follow_loop(), self._prune_loop())

    async def _publish_loop(self) -> None:
        published: set[str] = set()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=layout.PRESENCE_REFRESH_S)
            self._wake.clear()
            if not await self._link.wait_connected(2.0):
                continue
            try:
                kv = await self._link.bucket(self._bucket, ttl_s=layout.PRESENCE_TTL_S)
                for sid in published - self._mine.keys():
                    await kv.purge(f"{sid}.{self.console}")
                for sid, activity in list(self._mine.items()):
                    value = {"operator": self.operator, "activity": activity, "at": time.time()}
                    await kv.put(f"{sid}.{self.console}", json.dumps(value).encode())
                published = set(self._mine)
                for sid, activity in list(self._mine.items()):
                    if activity == "acting" and sid != self._viewing:
                        self._mine.pop(sid)  # shown once, for one refresh period
            except Exception as exc:
                _log.info("presence not published: %s", exc)
                await asyncio.sleep(1.0)

    async def _follow_loop(self) -> None:
        while True:
            if not await self._link.wait_connected(2.0):
                continue
            generation = self._link.generation
            try:
                kv = await self._link.bucket(self._bucket, ttl_s=layout.PRESENCE_TTL_S)
                watcher = await kv.watchall()
                try:
                    while generation == self._link.generation:
                        with contextlib.suppress(Exception):
                            entry = await watcher.updates(timeout=1.0)
                            if entry is not None:
                                self._take(entry.key, entry.value, entry.operation)
                finally:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(watcher.stop(), timeout=2.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log.info("presence watch ended: %s", exc)
                await asyncio.sleep(1.0)

    def _take(self, key: str, value: bytes | None, operation: str | None) -> None:
        _sid, _, console = key.partition(".")
        if console == self.console:
            return
        if operation in ("DEL", "PURGE"):
            self._marks.pop(key, None)
        else:
            record = _parse(value)
            try:
                at = float(record.get("at", 0.0))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return
            self._marks[key] = PresenceMark(
                operator=display_text(str(record.get("operator", "?"))),
                console=display_text(console),
                activity="acting" if record.get("activity") == "acting" else "viewing",
                at=at,
            )
        self._recompute()

    async def _prune_loop(self) -> None:
        while True:
            await asyncio.sleep(2.0)
            self._recompute()

    def _recompute(self) -> None:
        horizon = time.time() - layout.PRESENCE_TTL_S
        for key in [key for key, mark in self._marks.items() if mark.at < horizon]:
            del self._marks[key]
        watched = frozenset(key.partition(".")[0] for key in self._marks)
        if watched != self._watched:
            self._watched = watched
            for callback in self._callbacks:
                try:
                    callback()
                except Exception:
                    _log.exception("presence listener failed")


class NatsAuditMirror:
    """:class:`~tui.core.coordination.AuditMirror`: a copy of each record on the audit stream."""

    def __init__(self, link: HubLink, account_sid: str) -> None:
        self._link = link
        self._subject = layout.audit_subject(account_sid)
        self._backlog: collections.deque[bytes] = collections.deque(maxlen=_AUDIT_BACKLOG)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self.published = 0

    def publish(self, entry: Mapping[str, object]) -> None:
        """Queue ``entry`` (already scrubbed of secrets by the audit log); any thread."""
        self._backlog.append(json.dumps(dict(entry), separators=(",", ":")).encode())
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            loop.call_soon_threadsafe(wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        ensured = -1
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=5.0)
            self._wake.clear()
            if not self._backlog or not await self._link.wait_connected(2.0):
                continue
            try:
                if ensured != self._link.generation:
                    await self._link.audit_stream()
                    ensured = self._link.generation
                js = self._link.jetstream()
                while self._backlog:
                    await js.publish(self._subject, self._backlog[0])
                    self._backlog.popleft()
                    self.published += 1
            except Exception as exc:
                _log.info("audit copy waits for the hub: %s", exc)
                await asyncio.sleep(1.0)
                self._wake.set()
