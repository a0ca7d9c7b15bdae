"""Shared fixtures: a simulator on loopback, credentials for it, an open TwilioAccess.

Everything here talks real HTTP to :class:`tui.sim.EmbeddedSimulator` through the real twilio SDK
(via :class:`tui.core.twilio_client.TwilioAccess`); nothing in the SDK is mocked. The simulator runs
on a :class:`~tui.sim.ManualClock`, so calls change only when a test says so (``sim.advance`` or
``sim.engine``), while HTTP timeouts and the poller's waits use real time.

Directories that subpackages give their own ``sim`` fixture (``tests/sim``) keep theirs.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web

from tui.core.credentials import Credentials
from tui.core.secret import Secret
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator, ManualClock

SIM_SEED = 1
SIM_LIVE_CALLS = 12
HOLD = '<Response><Pause length="300"/></Response>'


@pytest.fixture(autouse=True)
def fresh_collector() -> Iterator[None]:
    """Each test starts with nothing frozen and the collector on, and leaves it so.

    The app freezes its start-up heap (``gc.freeze()``), pauses the collector while it parses
    and turns the collector's own full collections off while it runs; without this, what one
    test froze or switched off would stay so for every later test (and satisfy a later test's
    "the heap was frozen" check).
    """
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()
    gc.set_threshold(*thresholds)


@pytest.fixture
def tmp_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Callboard's config file and log directory into ``tmp_path`` (never the real home)."""
    log_dir = tmp_path / "logs"
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(log_dir))
    monkeypatch.setenv("CALLBOARD_CONFIG", str(tmp_path / "config.toml"))
    for name in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_REGION",
        "TWILIO_EDGE",
        "CALLBOARD_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def make_simulator(*, live_calls: int = SIM_LIVE_CALLS, seed: int = SIM_SEED) -> EmbeddedSimulator:
    """A small simulator: 127.0.0.1, random port, manual clock (start it with ``async with``)."""
    return EmbeddedSimulator(seed=seed, live_calls=live_calls, traffic=False, clock=ManualClock())


@pytest.fixture
async def sim() -> AsyncIterator[EmbeddedSimulator]:
    """A started simulator with a dozen live calls, per test."""
    async with make_simulator() as simulator:
        yield simulator


def credentials_for(sim: EmbeddedSimulator, *, token: str | None = None) -> Credentials:
    """Credentials that reach ``sim`` (optionally with a wrong ``token``)."""
    return Credentials(
        account_sid=sim.account_sid,
        username=sim.account_sid,
        password=Secret(sim.auth_token if token is None else token),
        api_url=sim.base_url,
        source="test simulator",
    )


@pytest.fixture
def credentials(sim: EmbeddedSimulator) -> Credentials:
    return credentials_for(sim)


@pytest.fixture
async def access(credentials: Credentials) -> AsyncIterator[TwilioAccess]:
    """An open :class:`TwilioAccess` on the simulator (5 s timeout)."""
    async with TwilioAccess(credentials, timeout_s=5.0) as opened:
        yield opened


async def call_status(access: TwilioAccess, sid: str) -> str:
    """What the call is doing now, asked through the SDK (``calls(sid).fetch_async()``)."""
    instance = await access.client.calls(sid).fetch_async()
    return str(instance.status)


def live_sids(sim: EmbeddedSimulator) -> set[str]:
    """The simulator's own view of the live calls (ground truth for the poller)."""
    return {call.sid for call in sim.engine if call.is_live}


class TwimlServer:
    """A tiny TwiML application on loopback that records each fetch Twilio makes of it."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str, dict[str, str]]] = []
        """(method, path, form or query parameters) of each fetch."""
        self.requests: list[tuple[str, dict[str, str], str]] = []
        """(full URL, parameters, ``X-Twilio-Signature``) of each fetch, for signature checks."""
        self.base_url = ""

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else request.query
        params = {k: str(v) for k, v in form.items()}
        self.hits.append((request.method, request.path, params))
        signature = request.headers.get("X-Twilio-Signature", "")
        self.requests.append((str(request.url), params, signature))
        return web.Response(text=HOLD, content_type="text/xml")


@pytest.fixture
async def twiml_server() -> AsyncIterator[TwimlServer]:
    """A :class:`TwimlServer` on 127.0.0.1 (any path answers with an hour-long hold)."""
    server = TwimlServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()
