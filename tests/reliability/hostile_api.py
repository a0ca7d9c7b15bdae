"""A Twilio-compatible API on loopback that serves whatever records a test hands it.

The simulator is a faithful Twilio; this is the opposite: an API that speaks Twilio's shapes
(account, call listing with paging, call fetch and update) but fills them with hostile data, the
way a compromised proxy, a buggy carrier or the callers themselves (numbers and caller names are
theirs) could. Tests drive the real console, through the real twilio SDK, against it.

A second server, :attr:`HostileApi.foreign`, stands for "another host": paging links may point
there, and it records whether any request reached it carrying an ``Authorization`` header.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tui.core.credentials import Credentials
from tui.core.secret import Secret

API = "/2010-04-01"
LIVE = ("queued", "ringing", "in-progress")
DATE = "Wed, 02 Dec 2026 03:00:00 +0000"


def call_sid(n: int) -> str:
    """A well-formed Call SID, different for each ``n``."""
    return f"CA{n:032x}"


def call_record(account_sid: str, sid: str, **fields: Any) -> dict[str, Any]:
    """A Call resource as Twilio writes it, with ``fields`` (Twilio's JSON names) replaced."""
    base = f"{API}/Accounts/{account_sid}/Calls/{sid}"
    record: dict[str, Any] = {
        "account_sid": account_sid,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": "",
        "date_created": DATE,
        "date_updated": DATE,
        "direction": "inbound",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": "+14155550100",
        "from_formatted": "(415) 555-0100",
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": DATE,
        "status": "in-progress",
        "stir_verstat": None,
        "subresource_uris": {"recordings": f"{base}/Recordings.json"},
        "to": "+14155550101",
        "to_formatted": "(415) 555-0101",
        "trunk_sid": None,
        "uri": f"{base}.json",
    }
    record.update(fields)
    return record


@dataclass
class Seen:
    """One request as it arrived."""

    server: str
    method: str
    path: str
    query: Mapping[str, str]
    authorization: bool


@dataclass
class HostileApi:
    """State of the hostile API; change it between polls, the next poll serves the change."""

    account_sid: str = field(default_factory=lambda: "AC" + secrets.token_hex(16))
    auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    friendly_name: str = "Hostile test account"
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """SID → record. A record with a status that is not live is listed under ``in-progress``."""
    next_page: Callable[[str, int], str | None] | None = None
    """``(status, page number) → next_page_uri`` for that page; ``None`` ends the listing."""
    update_answer: Callable[[str, Mapping[str, str]], tuple[int, dict[str, Any]]] | None = None
    """``(sid, form) → (HTTP status, JSON body)`` for POST /Calls/{sid}.json."""
    seen: list[Seen] = field(default_factory=list)
    base_url: str = ""
    foreign_url: str = ""

    def add(self, n: int, **fields: Any) -> str:
        sid = call_sid(n)
        self.records[sid] = call_record(self.account_sid, sid, **fields)
        return sid

    def credentials(self) -> Credentials:
        return Credentials(
            account_sid=self.account_sid,
            username=self.account_sid,
            password=Secret(self.auth_token),
            api_url=self.base_url,
            source="hostile test API",
        )

    def foreign_requests(self) -> list[Seen]:
        return [seen for seen in self.seen if seen.server == "foreign"]

    # -- handlers ----------------------------------------------------------------------------

    def _record(self, server: str, request: web.Request) -> None:
        self.seen.append(
            Seen(
                server,
                request.method,
                request.path,
                dict(request.query),
                "Authorization" in request.headers,
            )
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self._record("api", request)
        path = request.path
        account = f"{API}/Accounts/{self.account_sid}"
        if path == f"{account}.json":
            return _json(
                200,
                {"sid": self.account_sid, "friendly_name": self.friendly_name, "status": "active"},
            )
        if path == f"{account}/Calls.json":
            return self._listing(request)
        if path.startswith(f"{account}/Calls/") and path.endswith(".json"):
            sid = path.rsplit("/", 1)[1].removesuffix(".json")
            if request.method == "POST":
                form = {key: str(value) for key, value in (await request.post()).items()}
                if self.update_answer is not None:
                    status, body = self.update_answer(sid, form)
                    return _json(status, body)
            record = self.records.get(sid)
            if record is None:
                return _json(404, {"code": 20404, "message": "not found", "status": 404})
            return _json(200, record)
        return _json(404, {"code": 20404, "message": "not found", "status": 404})

    def _listing(self, request: web.Request) -> web.Response:
        status = request.query.get("Status", "in-progress")
        page = int(request.query.get("Page", "0"))
        if page == 0:
            calls = [
                record
                for record in self.records.values()
                if (record.get("status") if record.get("status") in LIVE else "in-progress")
                == status
            ]
        else:  # a later page: one fresh call each, so an endless chain is never "empty"
            sid = call_sid(1_000_000 + page * 4 + LIVE.index(status) if status in LIVE else 0)
            calls = [call_record(self.account_sid, sid, status=status)]
        next_uri = self.next_page(status, page) if self.next_page is not None else None
        body = {
            "calls": calls,
            "end": len(calls) - 1,
            "first_page_uri": f"{request.path}?Status={status}&PageSize=50&Page=0",
            "next_page_uri": next_uri,
            "page": page,
            "page_size": 50,
            "previous_page_uri": None,
            "start": 0,
            "uri": f"{request.path}?Status={status}&PageSize=50&Page={page}",
        }
        return _json(200, body)

    async def handle_foreign(self, request: web.Request) -> web.Response:
        self._record("foreign", request)
        return _json(200, {"calls": [], "next_page_uri": None, "page": 1, "page_size": 50})


def _json(status: int, body: object) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


async def _serve(handler: Callable[[web.Request], Any]) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@asynccontextmanager
async def hostile_api() -> AsyncIterator[HostileApi]:
    """Start the hostile API and its foreign host on 127.0.0.1 (random ports)."""
    api = HostileApi()
    runner, api.base_url = await _serve(api.handle)
    foreign, api.foreign_url = await _serve(api.handle_foreign)
    try:
        yield api
    finally:
        await runner.cleanup()
        await foreign.cleanup()


FORBIDDEN_ON_SCREEN = frozenset(
    (
        *map(chr, range(0x20)),
        "\x7f",
        *map(chr, range(0x80, 0xA0)),
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
        *("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"),
    )
)
"""What must never reach the terminal from data: C0, DEL, C1, bidi controls, zero-width."""


def screen_lines(app: Any) -> list[str]:
    """The text of every line Textual would write for the current screen (toasts included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def forbidden_in(text: str) -> list[str]:
    """The forbidden characters in ``text``, as ``U+XXXX`` names (empty when clean)."""
    return sorted({f"U+{ord(char):04X}" for char in text if char in FORBIDDEN_ON_SCREEN})
