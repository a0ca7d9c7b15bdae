"""A simulator on its own thread and loop, so a test can run `callboard calls …` (which runs
its own ``asyncio.run``) against it in-process, the way a script runs it against Twilio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tui.sim import EmbeddedSimulator, ManualClock

T = TypeVar("T")


class SimThread:
    """An :class:`EmbeddedSimulator` (manual clock: calls change only when a test says so)."""

    def __init__(self, live_calls: int = 8) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sim", daemon=True)
        self._thread.start()
        self.sim = EmbeddedSimulator(
            seed=4, live_calls=live_calls, traffic=False, clock=ManualClock()
        )
        self._submit(self.sim.start()).result(timeout=30)

    def _submit(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def call(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the simulator's loop and return its result."""

        async def run() -> T:
            return function()

        result: T = self._submit(run()).result(timeout=30)
        return result

    def status(self, sid: str) -> str | None:
        record = self.call(lambda: self.sim.engine.get(sid))
        return None if record is None else str(record.status)

    def live_sids(self) -> list[str]:
        return self.call(lambda: [c.sid for c in self.sim.engine if c.is_live])

    def updates(self) -> list[str]:
        """Paths of the update requests (POSTs) the simulator received."""
        return self.call(lambda: [r.path for r in self.sim.request_log if r.method == "POST"])

    def stop(self) -> None:
        self._submit(self.sim.stop()).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture
def sim_thread(tmp_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimThread]:
    """A running simulator; TWILIO_ACCOUNT_SID/AUTH_TOKEN and CALLBOARD_API_URL point at it."""
    handle = SimThread()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", handle.sim.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", handle.sim.auth_token)
    monkeypatch.setenv("CALLBOARD_API_URL", handle.sim.base_url)
    try:
        yield handle
    finally:
        handle.stop()
