"""Optional push: Twilio's status callbacks, received once by the hub, reach every console.

Twilio delivers callbacks at least once and in no particular order, and only for calls whose
TwiML or API request asked for them, so REST stays the source of truth; a callback only brings a
change forward to before the next reconcile. Each request is checked with ``X-Twilio-Signature``
(:class:`twilio.request_validator.RequestValidator`, against the public URL Twilio was given)
and refused with 403 if it does not match; a repeat of one already taken (same Call SID,
sequence number and status) is acknowledged and dropped; one that arrives after a later state
of the same call (an ended call is final; otherwise lifecycle order, then sequence number) is
dropped too.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable
from typing import Final

from aiohttp import web
from twilio.request_validator import RequestValidator

from tui.core.models import ENDED_STATUSES, LIVE_STATUSES

_log = logging.getLogger(__name__)

_RANK: Final = {status: rank for rank, status in enumerate(LIVE_STATUSES)}
_ENDED_RANK: Final = len(LIVE_STATUSES)
_REMEMBERED: Final = 50_000


def _rank(status: str) -> int | None:
    if status in ENDED_STATUSES:
        return _ENDED_RANK
    return _RANK.get(status)


class StatusPush:
    """The aiohttp handler; ``apply(sid, status)`` is called once per new, later state."""

    def __init__(self, auth_token: str, public_url: str, apply: Callable[[str, str], None]) -> None:
        self._validator = RequestValidator(auth_token)
        self.public_url = public_url
        self._apply = apply
        self._seen: collections.OrderedDict[tuple[str, str, str], None] = collections.OrderedDict()
        self._latest: dict[str, tuple[int, int]] = {}
        self.accepted = 0
        self.duplicates = 0
        self.stale = 0
        self.refused = 0

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        params = {name: str(value) for name, value in form.items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not self._validator.validate(self.public_url, params, signature):
            self.refused += 1
            _log.warning("status callback with a bad signature refused")
            return web.Response(status=403)
        sid, status = params.get("CallSid", ""), params.get("CallStatus", "")
        rank = _rank(status)
        if not sid.startswith("CA") or rank is None:
            return web.Response(status=204)
        try:
            sequence = int(params.get("SequenceNumber", "0"))
        except ValueError:
            sequence = 0
        key = (sid, str(sequence), status)
        if key in self._seen:
            self.duplicates += 1
            return web.Response(status=204)
        self._seen[key] = None
        if len(self._seen) > _REMEMBERED:
            self._seen.popitem(last=False)
        latest = self._latest.get(sid)
        if latest is not None and (rank, sequence) <= latest:
            self.stale += 1
            return web.Response(status=204)
        self._latest[sid] = (rank, sequence)
        if len(self._latest) > _REMEMBERED:
            del self._latest[next(iter(self._latest))]
        self.accepted += 1
        self._apply(sid, status)
        return web.Response(status=204)


class PushServer:
    """Serves :class:`StatusPush` on ``host:port`` at ``path`` until :meth:`stop`."""

    def __init__(self, push: StatusPush, host: str, port: int, path: str = "/twilio/status"):
        self.push = push
        self.host = host
        self.port = port
        self.path = path
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self.path, self.push.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
