"""The HTTP face of the simulator: Twilio's routes, basic auth, errors, paging, admin routes.

API routes (all JSON, ``.json`` suffix, HTTP basic auth with the Account SID + auth token or an
``SK…`` API key + secret)::

    GET    /2010-04-01/Accounts/{AccountSid}.json
    GET    /2010-04-01/Accounts/{AccountSid}/Calls.json           list (filters, paging)
    POST   /2010-04-01/Accounts/{AccountSid}/Calls.json           create
    GET    /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json     fetch
    POST   /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json     update
    DELETE /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json     delete an ended call
    GET    /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}/Notifications.json
    …      Conferences, Participants, Queues, Members, Call and Conference Recordings:
           see :mod:`tui.sim.floor_routes`

Admin routes (same credentials; never subject to faults)::

    GET    /_sim/stats                       counts by status, requests, webhooks, faults, clock
    GET    /_sim/faults                      the current fault spec and what was injected
    POST   /_sim/faults    spec=SPEC         replace the faults (grammar in tui.sim.faults)
    DELETE /_sim/faults                      back to no faults
    POST   /_sim/advance   seconds=N         move a manual clock (409 on a real clock)
    POST   /_sim/calls     From, To, Twiml|Url[, Method, CallerName]   an inbound call arrives
    POST   /_sim/calls/{Sid}/digits  Digits=…    the caller presses keys (answers a <Gather>)
    POST   /_sim/calls/{Sid}/hangup              the far end hangs up

Every response carries ``Twilio-Request-Id``, ``Twilio-Request-Duration`` and
``Twilio-Concurrent-Requests``, as Twilio's do.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web
from multidict import MultiMapping

from tui.sim import api_errors
from tui.sim.api_errors import ApiError
from tui.sim.api_params import parse_create, parse_list, parse_update
from tui.sim.clock import is_manual
from tui.sim.engine import CallEngine
from tui.sim.faults import DROP, FaultInjector
from tui.sim.floor_routes import add_floor_routes
from tui.sim.paging import PageToken, page_uris, select_page
from tui.sim.serialize import (
    API_VERSION,
    account_payload,
    call_json,
    created_call_json,
    dumps,
    item_separator,
)
from tui.sim.sids import new_sid

log = logging.getLogger(__name__)
_ADMIN_RNG: Final = random.Random("admin")

JSON_TYPE: Final = "application/json"
AUTH_BY_TOKEN: Final = web.RequestKey("auth_by_token", bool)
MAX_REQUEST_LOG: Final = 200_000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class RequestRecord:
    """One request the simulator answered (or dropped: ``status`` 0)."""

    method: str
    path: str
    params: dict[str, str]
    status: int
    at: float
    duration_ms: float
    fault: str | None = None
    error_code: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Credentials:
    account_sid: str
    auth_token: str
    api_key_sid: str
    api_key_secret: str


def _first_values(data: MultiMapping[Any]) -> dict[str, str]:
    single: dict[str, str] = {}
    for key, value in data.items():
        if key not in single and isinstance(value, str):
            single[key] = value
    return single


def json_response(payload: bytes, status: int = 200) -> web.Response:
    return web.Response(body=payload, status=status, content_type=JSON_TYPE, charset="utf-8")


class SimulatorServer:
    """Builds the aiohttp application around one engine, one fault injector, one account."""

    def __init__(
        self,
        *,
        engine: CallEngine,
        faults: FaultInjector,
        credentials: Credentials,
        friendly_name: str,
        created_at: float,
        request_log: list[RequestRecord],
        stats_extra: Callable[[], dict[str, object]] | None = None,
    ) -> None:
        self.engine = engine
        self.faults = faults
        self.credentials = credentials
        self.friendly_name = friendly_name
        self.created_at = created_at
        self.request_log = request_log
        self._stats_extra = stats_extra
        self._id_rng_counter = 0

    # ------------------------------------------------------------------------------ app

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=1024 * 1024)
        prefix = f"/{API_VERSION}/Accounts/{{account}}"
        app.router.add_get(f"/{API_VERSION}/Accounts/{{account}}.json", self.fetch_account)
        app.router.add_get(f"{prefix}/Calls.json", self.list_calls)
        app.router.add_post(f"{prefix}/Calls.json", self.create_call)
        app.router.add_get(f"{prefix}/Calls/{{sid}}.json", self.fetch_call)
        app.router.add_post(f"{prefix}/Calls/{{sid}}.json", self.update_call)
        app.router.add_delete(f"{prefix}/Calls/{{sid}}.json", self.delete_call)
        app.router.add_get(f"{prefix}/Calls/{{sid}}/Notifications.json", self.list_notifications)
        add_floor_routes(app, self.engine, prefix)
        app.router.add_get("/_sim/stats", self.admin_stats)
        app.router.add_get("/_sim/faults", self.admin_get_faults)
        app.router.add_post("/_sim/faults", self.admin_set_faults)
        app.router.add_delete("/_sim/faults", self.admin_clear_faults)
        app.router.add_post("/_sim/advance", self.admin_advance)
        app.router.add_post("/_sim/calls", self.admin_inbound_call)
        app.router.add_post("/_sim/calls/{sid}/digits", self.admin_digits)
        app.router.add_post("/_sim/calls/{sid}/hangup", self.admin_hangup)
        return app

    # ------------------------------------------------------------------------ middleware

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        at = self.engine.now()
        is_api = request.path.startswith(f"/{API_VERSION}/")
        params = _first_values(request.query)
        if request.method == "POST" and request.can_read_body:
            params.update(_first_values(await request.post()))
        fault: str | None = None
        admitted = False
        response: web.StreamResponse
        try:
            if is_api:
                refusal = self.faults.enter()
                if refusal is not None:
                    fault = "concurrency"
                    raise refusal
                admitted = True
                outcome = await self.faults.before()
                if outcome == DROP:
                    fault = "drop"
                    self._record(request, params, 0, at, started, fault, None)
                    if request.transport is not None:
                        request.transport.abort()
                    return web.Response(status=500)
                if isinstance(outcome, ApiError):
                    fault = "error" if outcome.status != 429 else "rate_limit"
                    raise outcome
            self._authenticate(request)
            if is_api:
                self.engine.catch_up()
            response = await handler(request)
        except ApiError as exc:
            response = self._error_response(exc)
        except web.HTTPException as exc:
            response = self._error_response(self._translate(request, exc))
        except Exception:
            log.exception("simulator request failed: %s %s", request.method, request.path)
            response = self._error_response(api_errors.internal_error())
        finally:
            concurrent = self.faults.in_flight
            if admitted:
                self.faults.leave()
        elapsed = time.perf_counter() - started
        response.headers["Twilio-Request-Id"] = self._request_id()
        response.headers["Twilio-Request-Duration"] = f"{elapsed:.3f}"
        response.headers["Twilio-Concurrent-Requests"] = str(max(1, concurrent))
        code = getattr(response, "_sim_error_code", None)
        self._record(request, params, response.status, at, started, fault, code)
        return response

    def _request_id(self) -> str:
        self._id_rng_counter += 1
        return f"RQ{self._id_rng_counter:032x}"

    def _record(
        self,
        request: web.Request,
        params: dict[str, str],
        status: int,
        at: float,
        started: float,
        fault: str | None,
        code: int | None,
    ) -> None:
        self.request_log.append(
            RequestRecord(
                method=request.method,
                path=request.path,
                params=params,
                status=status,
                at=at,
                duration_ms=(time.perf_counter() - started) * 1000,
                fault=fault,
                error_code=code,
            )
        )
        if len(self.request_log) > MAX_REQUEST_LOG:
            del self.request_log[: MAX_REQUEST_LOG // 2]

    def _error_response(self, error: ApiError) -> web.Response:
        response = json_response(dumps(error.body()), status=error.status)
        for name, value in error.headers.items():
            response.headers[name] = value
        response._sim_error_code = error.code  # type: ignore[attr-defined]
        return response

    def _translate(self, request: web.Request, exc: web.HTTPException) -> ApiError:
        if exc.status == 404:
            return api_errors.not_found(request.path)
        if exc.status == 405:
            return api_errors.method_not_allowed(request.method)
        if exc.status == 413:
            return api_errors.invalid_parameter("Request body too large")
        return ApiError(exc.status, exc.status, exc.reason)

    def _authenticate(self, request: web.Request) -> None:
        """Accept the account's SID + token or the API key; the path's account must be ours."""
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise api_errors.authenticate()
        try:
            user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise api_errors.authenticate() from None
        creds = self.credentials
        by_token = hmac.compare_digest(user, creds.account_sid) and hmac.compare_digest(
            password, creds.auth_token
        )
        by_key = hmac.compare_digest(user, creds.api_key_sid) and hmac.compare_digest(
            password, creds.api_key_secret
        )
        if not (by_token or by_key):
            raise api_errors.authenticate()
        request[AUTH_BY_TOKEN] = by_token
        account = request.match_info.get("account")
        if account is not None and account != creds.account_sid:
            raise api_errors.authenticate()

    # ------------------------------------------------------------------------- API handlers

    async def fetch_account(self, request: web.Request) -> web.StreamResponse:
        token = self.credentials.auth_token if request.get(AUTH_BY_TOKEN) else None
        payload = account_payload(
            self.credentials.account_sid, self.friendly_name, token, self.created_at
        )
        return json_response(dumps(payload))

    async def list_calls(self, request: web.Request) -> web.StreamResponse:
        query = _first_values(request.query)
        flt, page_size, page = parse_list(query)
        token_text = query.get("PageToken") or None
        token = PageToken.decode(token_text) if token_text else None
        ordered = self.engine.ordered(flt.status)
        result = select_page(ordered, flt, page_size, token, self.engine.now(), page)
        envelope = page_uris(
            request.path, flt.query_items(query), page_size, page, result, token_text
        )
        body = b"".join(
            (
                b'{"calls": [',
                item_separator().join([call_json(call) for call in result.calls]),
                b"]" + item_separator(),
                dumps(envelope)[1:],
            )
        )
        return json_response(body)

    async def create_call(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        events: list[str] = []
        for value in form.getall("StatusCallbackEvent", []):
            if isinstance(value, str):
                events.extend(value.replace(",", " ").split())
        call = self.engine.create_call(parse_create(_first_values(form), events))
        return json_response(created_call_json(call), status=201)

    async def fetch_call(self, request: web.Request) -> web.StreamResponse:
        call = self.engine.get(request.match_info["sid"])
        if call is None:
            raise api_errors.not_found(request.path)
        return json_response(call_json(call))

    async def update_call(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        if self.engine.get(sid) is None:
            raise api_errors.not_found(request.path)
        update = parse_update(_first_values(await request.post()))
        call = self.engine.update_call(sid, update, request.path)
        return json_response(call_json(call))

    async def delete_call(self, request: web.Request) -> web.StreamResponse:
        self.engine.delete_call(request.match_info["sid"], request.path)
        return web.Response(status=204)

    async def list_notifications(self, request: web.Request) -> web.StreamResponse:
        call = self.engine.get(request.match_info["sid"])
        if call is None:
            raise api_errors.not_found(request.path)
        items = list(reversed(call.notifications))
        payload = {
            "notifications": items,
            "end": max(len(items), 1) - 1,
            "first_page_uri": f"{request.path}?PageSize=50&Page=0",
            "next_page_uri": None,
            "page": 0,
            "page_size": 50,
            "previous_page_uri": None,
            "start": 0,
            "uri": f"{request.path}?PageSize=50&Page=0",
        }
        return json_response(dumps(payload))

    # ------------------------------------------------------------------------ admin handlers

    async def admin_stats(self, request: web.Request) -> web.StreamResponse:
        engine = self.engine
        payload: dict[str, object] = {
            "account_sid": self.credentials.account_sid,
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

    async def admin_get_faults(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.faults.state())

    async def admin_set_faults(self, request: web.Request) -> web.StreamResponse:
        spec = await _admin_param(request, "spec")
        try:
            self.faults.set(spec or "")
        except ValueError as exc:
            raise api_errors.invalid_parameter(f"Invalid fault spec: {exc}") from None
        return web.json_response(self.faults.state())

    async def admin_clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.faults.clear()
        return web.json_response(self.faults.state())

    async def admin_advance(self, request: web.Request) -> web.StreamResponse:
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

    async def admin_inbound_call(self, request: web.Request) -> web.StreamResponse:
        form = _first_values(await request.post())
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

    async def admin_digits(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        if self.engine.get(sid) is None:
            raise api_errors.not_found(request.path)
        digits = await _admin_param(request, "Digits")
        accepted = self.engine.send_digits(sid, digits or "")
        return web.json_response({"accepted": accepted})

    async def admin_hangup(self, request: web.Request) -> web.StreamResponse:
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
