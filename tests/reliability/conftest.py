"""Shared helpers for the reliability tests: a simulator on its own thread, and result files.

The soak test measures how long the console's event loop goes without handling a key. If the
simulator served HTTP on that same loop, its own JSON work (300 calls a page, traffic, timers)
would be charged to the console; on its own thread and loop it behaves like a remote Twilio.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

import pytest

from tests.ui.conftest import make_app, sim, twilio  # noqa: F401  (fixtures)
from tui.sim import EmbeddedSimulator
from tui.sim.server import RequestRecord

T = TypeVar("T")


class ThreadedSimulator:
    """An :class:`EmbeddedSimulator` running on a private event loop in a daemon thread.

    ``sim`` is the simulator object; touch its mutable state only through :meth:`call` /
    :meth:`acall` (which run on the simulator's loop). :meth:`requests` copies the request log.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sim", daemon=True)
        self.sim: EmbeddedSimulator | None = None

    def start(self) -> EmbeddedSimulator:
        self._thread.start()

        async def make() -> EmbeddedSimulator:
            simulator = EmbeddedSimulator(**self._kwargs)
            await simulator.start()
            return simulator

        self.sim = self._submit(make()).result(timeout=30)
        return self.sim

    def stop(self) -> None:
        if self.sim is not None:
            self._submit(self.sim.stop()).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _submit(self, coroutine: Awaitable[T]) -> Future[T]:
        async def run() -> T:
            return await coroutine

        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    async def acall(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the simulator's loop and wait (without blocking ours)."""

        async def run() -> T:
            return function()

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self._loop))

    def requests(self) -> list[RequestRecord]:
        assert self.sim is not None
        return list(self.sim.request_log)


@pytest.fixture
def threaded_sim_factory() -> Iterator[Callable[..., ThreadedSimulator]]:
    """Start simulators on their own threads; all are stopped at the end of the test."""
    started: list[ThreadedSimulator] = []

    def start(**kwargs: Any) -> ThreadedSimulator:
        handle = ThreadedSimulator(**kwargs)
        handle.start()
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.stop()
