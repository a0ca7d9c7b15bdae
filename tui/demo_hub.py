"""``callboard --demo --hub``: the simulator, a local nats-server and a hub, for several consoles.

The first console (``--demo --hub``) starts all three in its own process and shows the NATS URL;
more consoles join with ``callboard --demo --hub nats://127.0.0.1:PORT`` (same ``--seed``): they
read the simulator's address from the bucket, derive the demo credentials from the seed, take
their calls from the hub and send their actions to the simulator themselves, as they would to
Twilio. Like :mod:`tui.demo`, this lives outside core and ui: only the CLI knows the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.errors import CallboardError
from tui.core.secret import Secret
from tui.core.session import Backend, BackendFactory, PollListener
from tui.hub import layout
from tui.hub.console import open_hub_backend
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink, shown_url
from tui.hub.service import HubService
from tui.sim import EmbeddedSimulator

DEMO_KEY = "demo.api_url"
"""Where the demo hub leaves the simulator's base URL for joining consoles (no secret)."""


def _credentials(sim: EmbeddedSimulator, api_url: str) -> Credentials:
    return Credentials(
        account_sid=sim.account_sid,
        username=sim.account_sid,
        password=Secret(sim.auth_token),
        api_url=api_url,
        source="demo simulator",
        demo=True,
    )


def demo_hub_factory(
    settings: Settings, *, seed: int, live_calls: int, nats_url: str | None
) -> tuple[BackendFactory, str]:
    """The back-end factory and the header label for ``--demo --hub [URL]``."""
    if nats_url is not None:
        return _joining(settings, seed, nats_url), f"DEMO on hub {shown_url(nats_url)}"
    nats = EmbeddedNats()

    @asynccontextmanager
    async def run(on_event: PollListener) -> AsyncIterator[Backend]:
        async with (
            EmbeddedSimulator(seed=seed, live_calls=live_calls, traffic=True) as sim,
            nats,
        ):
            credentials = _credentials(sim, sim.base_url)
            service = HubService(credentials, settings, nats.url)
            task = asyncio.create_task(service.run(), name="demo hub")
            try:
                if await service.link.wait_connected(10.0):
                    kv = await service.link.bucket(layout.calls_bucket(sim.account_sid))
                    await kv.put(DEMO_KEY, sim.base_url.encode())
                async with open_hub_backend(credentials, settings, on_event, nats.url) as backend:
                    yield backend
            finally:
                service.stop()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(task, timeout=10.0)

    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return run(on_event)

    label = f"DEMO hub {nats.url} · more consoles: callboard --demo --hub {nats.url}"
    return factory, label


def _joining(settings: Settings, seed: int, nats_url: str) -> BackendFactory:
    @asynccontextmanager
    async def run(on_event: PollListener) -> AsyncIterator[Backend]:
        sim = EmbeddedSimulator(seed=seed)  # never started: only its seed-derived credentials
        link = HubLink(nats_url, name="callboard demo join")
        try:
            if not await link.wait_connected(5.0):
                raise CallboardError(f"No demo hub answers at {nats_url}.")
            kv = await link.bucket(layout.calls_bucket(sim.account_sid))
            try:
                entry = await kv.get(DEMO_KEY)
            except Exception:
                raise CallboardError(
                    f"The hub at {nats_url} runs no demo with seed {seed} (try --seed)."
                ) from None
            api_url = (entry.value or b"").decode()
        finally:
            await link.close()
        credentials = _credentials(sim, api_url)
        async with open_hub_backend(credentials, settings, on_event, nats_url) as backend:
            yield backend

    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return run(on_event)

    return factory
