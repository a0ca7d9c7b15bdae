"""Fixtures for the simulator's tests: a live simulator on loopback and real twilio SDK clients.

The SDK always talks to ``https://api.twilio.com``; the loopback HTTP clients below rewrite the
scheme and host to the simulator's ``base_url`` and change nothing else, so every request the
tests make is exactly the one the SDK would send to Twilio.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiohttp import web
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from tui.sim import EmbeddedSimulator, ManualClock

T = TypeVar("T")


def rewrite(url: str, base_url: str) -> str:
    """``https://api.twilio.com/2010-04-01/…`` → ``http://127.0.0.1:PORT/2010-04-01/…``."""
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith("twilio.com"):
        base = urlsplit(base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))
    return url


class LoopbackHttpClient(TwilioHttpClient):
    """The SDK's sync HTTP client, sending to the simulator instead of api.twilio.com."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, rewrite(url, self.base_url), *args, **kwargs)


class LoopbackAsyncHttpClient(AsyncTwilioHttpClient):
    """The SDK's async HTTP client, sending to the simulator instead of api.twilio.com."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return await super().request(method, rewrite(url, self.base_url), *args, **kwargs)


def async_client_for(sim: EmbeddedSimulator, *, api_key: bool = False) -> Client:
    http = LoopbackAsyncHttpClient(sim.base_url)
    if api_key:
        return Client(sim.api_key_sid, sim.api_key_secret, sim.account_sid, http_client=http)
    return Client(sim.account_sid, sim.auth_token, http_client=http)


async def close_async_client(client: Client) -> None:
    http = client.http_client
    assert isinstance(http, AsyncTwilioHttpClient)
    await http.close()


@pytest.fixture
async def sim() -> AsyncIterator[EmbeddedSimulator]:
    """An empty simulator on a manual clock: nothing happens until the test advances it."""
    async with EmbeddedSimulator(seed=11, clock=ManualClock()) as simulator:
        yield simulator


@pytest.fixture
async def client(sim: EmbeddedSimulator) -> AsyncIterator[Client]:
    """The real SDK (async methods) authenticated with the simulator's account SID and token."""
    twilio = async_client_for(sim)
    yield twilio
    await close_async_client(twilio)


class ThreadedSimulator:
    """A simulator on its own event loop in a background thread, for the SDK's blocking client."""

    def __init__(self, simulator: EmbeddedSimulator) -> None:
        self.sim = simulator
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        async def wrapper() -> T:
            return await make()

        future: Future[T] = asyncio.run_coroutine_threadsafe(wrapper(), self.loop)
        return future.result(timeout=60)

    def __enter__(self) -> ThreadedSimulator:
        self._thread.start()
        self.run(self.sim.start)
        return self

    def __exit__(self, *exc: object) -> None:
        self.run(self.sim.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def threaded_sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(EmbeddedSimulator(seed=12, clock=ManualClock())) as threaded:
        yield threaded


@pytest.fixture
def sync_client(threaded_sim: ThreadedSimulator) -> Client:
    sim = threaded_sim.sim
    return Client(sim.account_sid, sim.auth_token, http_client=LoopbackHttpClient(sim.base_url))


@dataclass
class Hit:
    """One request the test application received from the simulator."""

    path: str
    method: str
    url: str
    params: dict[str, str]
    signature: str | None


@dataclass
class TwimlApp:
    """A tiny application server on loopback: serves TwiML by path and records every hit."""

    base_url: str = ""
    documents: dict[str, tuple[int, str]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(self, path: str, body: str, status: int = 200) -> str:
        self.documents[path] = (status, body)
        return self.url(path)

    def hits_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else {}
        params = {key: str(value) for key, value in form.items()}
        self.hits.append(
            Hit(
                request.path,
                request.method,
                str(request.url),
                params,
                request.headers.get("X-Twilio-Signature"),
            )
        )
        status, body = self.documents.get(request.path, (200, "<Response/>"))
        return web.Response(status=status, text=body, content_type="text/xml")


@pytest.fixture
async def twiml_app() -> AsyncIterator[TwimlApp]:
    app = TwimlApp()
    web_app = web.Application()
    web_app.router.add_route("*", "/{tail:.*}", app.handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    app.base_url = f"http://127.0.0.1:{port}"
    yield app
    await runner.cleanup()
