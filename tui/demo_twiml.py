"""The demo's TwiML: transfer destinations and snippets that work against the demo simulator.

A demo with no config file would otherwise offer no transfer destinations (the picker empty, the
screenshots showing what nobody can try). :class:`DemoTwimlServer` serves a few TwiML documents
on a loopback port chosen before the console starts, and :func:`demo_settings` offers them as
destinations and adds snippets whose queues exist on the demo floor. The simulator fetches a
redirect's TwiML over HTTP like Twilio does, so a transfer in the demo really moves the call.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from types import TracebackType
from typing import Final

from aiohttp import web

from tui.core.config import Destination, Settings
from tui.core.snippets import Snippet

DOCUMENTS: Final = {
    "sales": "<Response><Say>Connecting you to Sales.</Say><Enqueue>Sales</Enqueue></Response>",
    "support": "<Response><Say>One moment, please.</Say><Enqueue>Support</Enqueue></Response>",
    "billing": "<Response><Enqueue>Billing</Enqueue></Response>",
    "night": (
        "<Response><Say>We are closed for the night. Please call again after eight.</Say>"
        "<Hangup/></Response>"
    ),
}
TITLES: Final = {
    "sales": "Sales queue",
    "support": "Support queue",
    "billing": "Billing queue",
    "night": "Night service (message, then hang up)",
}

DEMO_SNIPPETS: Final = (
    Snippet(
        key="enqueue",
        title="Send to a queue",
        template="<Response>\n  <Enqueue>{queue}</Enqueue>\n</Response>",
        defaults={"queue": "Support"},
    ),
)
"""Replace the built-in snippet of the same key: a queue that exists on the demo floor."""


class DemoTwimlServer:
    """Serves :data:`DOCUMENTS` at ``/twiml/<name>`` on 127.0.0.1; the port is known at once."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._runner: web.AppRunner | None = None
        self.fetched: list[str] = []
        """Names of the documents fetched so far (by the simulator, as Twilio would)."""

    def url(self, name: str) -> str:
        return f"{self.base_url}/twiml/{name}"

    async def _serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        document = DOCUMENTS.get(name)
        self.fetched.append(name)
        if document is None:
            raise web.HTTPNotFound()
        return web.Response(text=document, content_type="application/xml")

    async def __aenter__(self) -> DemoTwimlServer:
        app = web.Application()
        app.router.add_route("GET", "/twiml/{name}", self._serve)
        app.router.add_route("POST", "/twiml/{name}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._sock.close()


def demo_settings(settings: Settings, server: DemoTwimlServer) -> Settings:
    """``settings`` plus the demo's destinations (first) and snippets."""
    destinations = tuple(
        Destination(name=TITLES[name], url=server.url(name), method="POST") for name in DOCUMENTS
    )
    replaced = {snippet.key for snippet in DEMO_SNIPPETS}
    snippets = tuple(s for s in settings.snippets if s.key not in replaced) + DEMO_SNIPPETS
    return replace(settings, destinations=destinations + settings.destinations, snippets=snippets)
