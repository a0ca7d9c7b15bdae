"""The simulator's clock-driven timer heap and background tasks, apart from what calls do.

Split from :mod:`tui.sim.engine`: :class:`TimerHeap` is the base of ``CallEngine`` and holds only
the scheduling (due timers in heap order, the real-clock ticker, ``advance`` for a
:class:`~tui.sim.clock.ManualClock`, and the webhook tasks ``settle`` waits for), so the engine
module is about call lifecycles.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from tui.sim.clock import Clock, is_manual

log = logging.getLogger("tui.sim.engine")
"""The engine's logger, so messages keep the name they had before this split."""

Timer = Callable[[float], None]


class TimerHeap:
    """Timers ordered by due time on one clock, plus the tasks (webhooks) they spawn."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, Timer]] = []
        self._heap_seq = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, tick_interval: float = 0.25) -> None:
        """Start the background ticker (real clock only) that keeps callbacks and traffic going."""
        if self._ticker is None and not is_manual(self.clock):
            self._ticker = asyncio.create_task(self._tick(tick_interval), name="sim-ticker")

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _tick(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                self.catch_up()
            except Exception:  # a bug in one timer must not stop the simulated world
                log.exception("simulator tick failed")

    # ------------------------------------------------------------------------- time and timers

    def now(self) -> float:
        return self.clock.now()

    def catch_up(self) -> None:
        """Run every timer that is due by the clock's current time, in due order."""
        self._run_due(self.clock.now())

    def _run_due(self, until: float) -> None:
        heap = self._heap
        while heap and heap[0][0] <= until:
            due, _, timer = heapq.heappop(heap)
            timer(due)

    async def advance(self, seconds: float = 0.0) -> None:
        """Move time forward by ``seconds`` and make everything due happen, webhooks included.

        With a :class:`~tui.sim.clock.ManualClock` the clock steps to each due event in turn and
        waits for the HTTP requests it triggers before going on. With a real clock only
        ``advance(0)`` is allowed: it runs what is due and waits for pending webhooks.
        """
        if seconds < 0:
            raise ValueError("time only moves forward")
        manual = is_manual(self.clock)
        if seconds and not manual:
            raise RuntimeError(
                "advance(seconds > 0) needs a ManualClock; a real clock moves itself"
            )
        target = self.clock.now() + seconds
        await self.settle()
        while self._heap and self._heap[0][0] <= target:
            due, _, timer = heapq.heappop(self._heap)
            if manual:
                self.clock.set_time(due)  # type: ignore[attr-defined]
            timer(due)
            await self.settle()
        if manual:
            self.clock.set_time(target)  # type: ignore[attr-defined]
        await self.settle()

    async def settle(self) -> None:
        """Wait until no webhook fetch or callback is in flight."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @property
    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def at(self, due: float, timer: Timer) -> None:
        """Run ``timer(due)`` once the clock reaches ``due``."""
        heapq.heappush(self._heap, (due, next(self._heap_seq), timer))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("simulator webhook task failed", exc_info=task.exception())
