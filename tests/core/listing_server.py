"""A tiny Twilio-compatible listing endpoint for tests: it serves whatever pages a test gives it.

The console talks to it through the real SDK over loopback HTTP, exactly as to the simulator;
each server keeps a log of what reached it (path, query, whether ``Authorization`` came along),
so a test can tell a request that was never sent from one that was.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tui.core.credentials import Credentials
from tui.core.secret import Secret

ACCOUNT = "AC" + "a" * 32
TOKEN = "listing-server-token-0123456789"

Page = str | dict[str, object]
Handler = Callable[[web.Request], Page | web.StreamResponse]


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    authorized: bool


@dataclass
class ListingServer:
    base_url: str = ""
    requests: list[Seen] = field(default_factory=list)

    @property
    def listing_path(self) -> str:
        return f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"

    def credentials(self) -> Credentials:
        return Credentials(
            account_sid=ACCOUNT,
            username=ACCOUNT,
            password=Secret(TOKEN),
            api_url=self.base_url,
            source="test listing server",
        )


@asynccontextmanager
async def listing_server(handler: Handler) -> AsyncIterator[ListingServer]:
    """Serve ``handler(request)`` (a page as text or dict, or a response) on a free port."""
    server = ListingServer()

    async def handle(request: web.Request) -> web.StreamResponse:
        server.requests.append(
            Seen(request.path, dict(request.query), "Authorization" in request.headers)
        )
        answer = handler(request)
        if isinstance(answer, web.StreamResponse):
            return answer
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return web.Response(text=text, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()


def page(calls: list[dict[str, object]], next_page_uri: str | None = None) -> dict[str, object]:
    """A listing page in Twilio's envelope (the fields Twilio sends, in its order)."""
    return {
        "calls": calls,
        "end": max(0, len(calls) - 1),
        "first_page_uri": "/2010-04-01/Accounts/x/Calls.json?PageSize=1000&Page=0",
        "next_page_uri": next_page_uri,
        "page": 0,
        "page_size": 1000,
        "previous_page_uri": None,
        "start": 0,
        "uri": "/2010-04-01/Accounts/x/Calls.json?PageSize=1000&Page=0",
    }


def call_record(
    sid_suffix: int, status: str = "in-progress", **fields: object
) -> dict[str, object]:
    """One call in Twilio's shape (every field present, as Twilio sends it)."""
    sid = f"CA{sid_suffix:032x}"
    record: dict[str, object] = {
        "account_sid": ACCOUNT,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": "",
        "date_created": "Tue, 31 Aug 2010 20:36:28 +0000",
        "date_updated": "Tue, 31 Aug 2010 20:36:44 +0000",
        "direction": "inbound",
        "duration": "0",
        "end_time": None,
        "forwarded_from": None,
        "from": "+14155550100",
        "from_formatted": "(415) 555-0100",
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PN" + "0" * 32,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": "Tue, 31 Aug 2010 20:36:29 +0000",
        "status": status,
        "subresource_uris": {},
        "to": "+18889371204",
        "to_formatted": "(888) 937-1204",
        "trunk_sid": None,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json",
    }
    record.update(fields)
    return record
