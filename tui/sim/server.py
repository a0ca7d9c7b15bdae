"""The HTTP face of the simulator: Twilio's Calls routes, on top of the gate and admin routes.

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

Admin routes (``/_sim/…``, same credentials, never subject to faults): :mod:`tui.sim.admin_routes`.
Faults, authentication, Twilio's error bodies and the request log: :mod:`tui.sim.request_gate`.

Every response carries ``Twilio-Request-Id``, ``Twilio-Request-Duration`` and
``Twilio-Concurrent-Requests``, as Twilio's do.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from tui.sim import api_errors
from tui.sim.admin_routes import AdminRoutes
from tui.sim.api_params import parse_create, parse_list, parse_update
from tui.sim.engine import CallEngine
from tui.sim.faults import FaultInjector
from tui.sim.floor_routes import add_floor_routes
from tui.sim.paging import PageToken, page_uris, select_page
from tui.sim.request_gate import (
    AUTH_BY_TOKEN,
    Credentials,
    RequestGate,
    RequestRecord,
    first_values,
    json_response,
)
from tui.sim.serialize import (
    API_VERSION,
    account_payload,
    call_json,
    created_call_json,
    dumps,
    item_separator,
)

__all__ = ["Credentials", "RequestRecord", "SimulatorServer", "json_response"]


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
        self.gate = RequestGate(
            engine=engine, faults=faults, credentials=credentials, request_log=request_log
        )
        self.admin = AdminRoutes(
            engine=engine,
            faults=faults,
            account_sid=credentials.account_sid,
            request_log=request_log,
            stats_extra=stats_extra,
        )

    # ------------------------------------------------------------------------------ app

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self.gate.middleware], client_max_size=1024 * 1024)
        prefix = f"/{API_VERSION}/Accounts/{{account}}"
        app.router.add_get(f"/{API_VERSION}/Accounts/{{account}}.json", self.fetch_account)
        app.router.add_get(f"{prefix}/Calls.json", self.list_calls)
        app.router.add_post(f"{prefix}/Calls.json", self.create_call)
        app.router.add_get(f"{prefix}/Calls/{{sid}}.json", self.fetch_call)
        app.router.add_post(f"{prefix}/Calls/{{sid}}.json", self.update_call)
        app.router.add_delete(f"{prefix}/Calls/{{sid}}.json", self.delete_call)
        app.router.add_get(f"{prefix}/Calls/{{sid}}/Notifications.json", self.list_notifications)
        add_floor_routes(app, self.engine, prefix)
        self.admin.add_to(app)
        return app

    # ------------------------------------------------------------------------- API handlers

    async def fetch_account(self, request: web.Request) -> web.StreamResponse:
        token = self.credentials.auth_token if request.get(AUTH_BY_TOKEN) else None
        payload = account_payload(
            self.credentials.account_sid, self.friendly_name, token, self.created_at
        )
        return json_response(dumps(payload))

    async def list_calls(self, request: web.Request) -> web.StreamResponse:
        query = first_values(request.query)
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
        call = self.engine.create_call(parse_create(first_values(form), events))
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
        update = parse_update(first_values(await request.post()))
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
