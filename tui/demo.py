"""Demo mode: the console on the embedded Twilio simulator, with synthetic traffic.

Lives outside :mod:`tui.core` and :mod:`tui.ui` on purpose: only the CLI (and tests) may know the
simulator exists. The console then talks to it through the real SDK over loopback HTTP, exactly
as it talks to Twilio.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace

from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.floor.settings import SupervisorSettings
from tui.core.secret import Secret
from tui.core.session import Backend, BackendFactory, PollListener, open_backend
from tui.demo_twiml import DemoTwimlServer
from tui.sim import EmbeddedSimulator

DEMO_LABEL = "DEMO — simulated calls"
DEMO_SUPERVISOR = SupervisorSettings(device="client:supervisor", caller_id="+15005550006")
"""Dialled into rooms by Listen/Whisper/Barge in the demo when config.toml names no device."""


def demo_settings(settings: Settings) -> Settings:
    """The settings with a demo supervisor device, unless config.toml sets one."""
    supervisor = settings.floor.supervisor
    if supervisor.can_dial:
        return settings
    device = replace(supervisor, device=DEMO_SUPERVISOR.device, caller_id=DEMO_SUPERVISOR.caller_id)
    return replace(settings, floor=replace(settings.floor, supervisor=device))


def demo_backend_factory(
    settings: Settings,
    *,
    seed: int = 0,
    live_calls: int = 120,
    read_only: bool = False,
    twiml: DemoTwimlServer | None = None,
) -> BackendFactory:
    """A factory that starts a seeded simulator (and ``twiml``, if given), then the back end."""
    settings = demo_settings(settings)

    @asynccontextmanager
    async def run(on_event: PollListener) -> AsyncIterator[Backend]:
        async with contextlib.AsyncExitStack() as stack:
            if twiml is not None:
                await stack.enter_async_context(twiml)
            async with _backend(on_event) as backend:
                yield backend

    @asynccontextmanager
    async def _backend(on_event: PollListener) -> AsyncIterator[Backend]:
        async with EmbeddedSimulator(
            seed=seed, live_calls=live_calls, traffic=True, floor=True
        ) as sim:
            credentials = Credentials(
                account_sid=sim.account_sid,
                username=sim.account_sid,
                password=Secret(sim.auth_token),
                api_url=sim.base_url,
                source="demo simulator",
                demo=True,
            )
            async with open_backend(credentials, settings, on_event, read_only=read_only) as b:
                yield b

    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return run(on_event)

    return factory
