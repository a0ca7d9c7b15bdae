"""The simulator's admin routes: what tests, the demo and ``callboard sim`` steer it with.

Split from :mod:`tui.sim.server`. Same credentials as the API; never subject to faults::

    GET    /_sim/stats                       counts by status, requests, webhooks, faults, clock
    GET    /_sim/faults                      the current fault spec and what was injected
    POST   /_sim/faults    spec=SPEC         replace the faults (grammar in tui.sim.faults)
    DELETE /_sim/faults                      back to no faults
    POST   /_sim/advance   seconds=N         move a manual clock (409 on a real clock)
    POST   /_sim/calls     From, To, Twiml|Url[, Method, CallerName]   an inbound call arrives
    POST   /_sim/calls/{Sid}/digits  Digits=…    the caller presses keys (answers a <Gather>)
    POST   /_sim/calls/{Sid}/hangup              the far end hangs up

Parameters come from the query, a form body or a JSON body.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from typing import Final

from aiohttp import web

from tui.sim import api_errors
from tui.sim.api_errors import ApiError
from tui.sim.clock import is_manual
from tui.sim.engine import CallEngine
from tui.sim.faults import FaultInjector
from tui.sim.request_gate import RequestRecord, first_values, json_response
from tui.sim.serialize import call_json
from tui.sim.sids import new_sid

_ADMIN_RNG: Final = random.Random("admin")


class AdminRoutes:
    """The ``/_sim/…`` handlers of one simulated account."""

    def __init__(
        self,
        *,
        engine: CallEngine,
        faults: FaultInjector,
        account_sid: str,
        request_log: list[RequestRecord],
        stats_extra: Callable[[], dict[str, object]] | None = None,
    ) -> None:
        self.engine = engine
        self.faults = faults
        self.account_sid = account_sid
        self.request_log = request_log
        self._stats_extra = stats_extra

    def add_to(self, app: web.Application) -> None:
        app.router.add_get("/_sim/stats", self.stats)
        app.router.add_get("/_sim/faults", self.get_faults)
        app.router.add_post("/_sim/faults", self.set_faults)
        app.router.add_delete("/_sim/faults", self.clear_faults)
        app.router.add_post("/_sim/advance", self.advance)
        app.router.add_post("/_sim/calls", self.inbound_call)
        app.router.add_post("/_sim/calls/{sid}/digits", self.digits)
        app.router.add_post("/_sim/calls/{sid}/hangup", self.hangup)

    async def stats(self, request: web.Request) -> web.StreamResponse:
        engine = self.engine
        payload: dict[str, object] = {
            "account_sid": self.account_sid,
            "calls": len(engine),
            "live": engine.live_count,
            "by_status": engine.counts(),
            "requests": len(self.request_log),
            "webhooks_sent": len(engine.webhooks.sent),
            "faults": self.faults.state(),
            "clock": engine.now(),
            "manual_clock": is_manual(engine.clock),
        }
        if self._stats_extra is not None:
            payload.update(self._stats_extra())
        return web.json_response(payload)

    async def get_faults(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.faults.state())

    async def set_faults(self, request: web.Request) -> web.StreamResponse:
        spec = await _admin_param(request, "spec")
        try:
            self.faults.set(spec or "")
        except ValueError as exc:
            raise api_errors.invalid_parameter(f"Invalid fault spec: {exc}") from None
        return web.json_response(self.faults.state())

    async def clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.faults.clear()
        return web.json_response(self.faults.state())

    async def advance(self, request: web.Request) -> web.StreamResponse:
        if not is_manual(self.engine.clock):
            raise ApiError(409, 20001, "The simulator runs on a real clock; it cannot be advanced")
        raw = await _admin_param(request, "seconds")
        try:
            seconds = float(raw or "0")
        except ValueError:
            raise api_errors.invalid_parameter("seconds must be a number") from None
        if seconds < 0:
            raise api_errors.invalid_parameter("seconds must not be negative")
        await self.engine.advance(seconds)
        return web.json_response({"clock": self.engine.now()})

    async def inbound_call(self, request: web.Request) -> web.StreamResponse:
        form = first_values(await request.post())
        from_, to = form.get("From"), form.get("To")
        if not from_ or not to:
            raise api_errors.invalid_parameter("From and To are required", 21201)
        twiml = form.get("Twiml")
        url = form.get("Url")
        try:
            call = self.engine.create_inbound(
                from_=from_,
                to=to,
                twiml=twiml,
                url=url,
                method=(form.get("Method") or "POST").upper(),
                caller_name=form.get("CallerName"),
                phone_number_sid=new_sid("PN", _ADMIN_RNG),
            )
        except ValueError as exc:
            raise api_errors.invalid_parameter(f"Twiml could not be parsed: {exc}", 12100) from None
        return json_response(call_json(call), status=201)

    async def digits(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        if self.engine.get(sid) is None:
            raise api_errors.not_found(request.path)
        digits = await _admin_param(request, "Digits")
        accepted = self.engine.send_digits(sid, digits or "")
        return web.json_response({"accepted": accepted})

    async def hangup(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        call = self.engine.get(sid)
        if call is None:
            raise api_errors.not_found(request.path)
        self.engine.hang_up(sid)
        return json_response(call_json(call))


async def _admin_param(request: web.Request, name: str) -> str | None:
    """A parameter from the query, a form body or a JSON body (admin routes accept all three)."""
    if name in request.query:
        return request.query[name]
    if request.content_type == "application/json":
        try:
            data: Mapping[str, object] = await request.json()
        except json.JSONDecodeError:
            raise api_errors.invalid_parameter("Body is not valid JSON") from None
        value = data.get(name)
        return None if value is None else str(value)
    form = await request.post()
    value = form.get(name)
    return value if isinstance(value, str) else None
