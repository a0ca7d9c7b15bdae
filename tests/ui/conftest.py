"""Fixtures for driving the whole console with Pilot against a simulator over loopback HTTP.

``tmp_env`` (config and logs in a temporary directory, no credentials from the shell) and
``credentials_for`` come from the root ``tests/conftest.py``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.conftest import credentials_for
from tui.core.config import Settings, load_settings
from tui.core.session import backend_factory
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator, ManualClock
from tui.ui.app import CallboardApp


class RecordingApp(CallboardApp):
    """The real app, remembering every toast it showed so tests can read them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.toasts: list[tuple[str, str, str]] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.toasts.append(
            (kwargs.get("title", ""), message, kwargs.get("severity", "information"))
        )
        super().notify(message, *args, **kwargs)

    def toast_text(self) -> str:
        return "\n".join(f"{title}: {message}" for title, message, _ in self.toasts)


@pytest.fixture
async def sim(tmp_env: Path) -> AsyncIterator[EmbeddedSimulator]:
    """A small seeded simulator whose clock moves only when a test says so."""
    async with EmbeddedSimulator(seed=11, live_calls=12, clock=ManualClock()) as simulator:
        yield simulator


@pytest.fixture
async def twilio(sim: EmbeddedSimulator) -> AsyncIterator[TwilioAccess]:
    """The real SDK, pointed at the simulator: how tests ask what a call is doing now."""
    async with TwilioAccess(credentials_for(sim)) as access:
        yield access


AppMaker = Callable[..., RecordingApp]


@pytest.fixture
def make_app(sim: EmbeddedSimulator, tmp_env: Path) -> AppMaker:
    def make(*, read_only: bool = False, settings: Settings | None = None) -> RecordingApp:
        settings = settings or load_settings()
        settings = replace(settings, poll_interval_s=0.5)
        factory = backend_factory(credentials_for(sim), settings, read_only=read_only)
        return RecordingApp(factory, settings, mode_label="TEST", read_only=read_only)

    return make


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, within: float = 10.0
) -> None:
    """Let the app run until ``condition`` holds (polls are real HTTP round trips)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
