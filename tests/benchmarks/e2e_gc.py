"""Late in a shift: how long a full garbage collection can hold the console at 10,000 calls.

The app freezes the start-up heap, so early on a full collection skips the calls; hours later
every live call (and its table row) is a newer object. The simulator moves on until no call of
the first poll is live; meanwhile every collection the process makes is timed, and each full
one is told apart: run by the collector itself, wherever its thresholds fell (in a poll, under
a key), or by the app's :class:`tui.core.gc_pause.IdleCollector` at a quiet moment (right after
a poll's paint, no key for a second). Then a full collection is timed as it would run at that
moment, and the same heap unfrozen is the baseline (what a collection costs with nothing
frozen). Unfreezing also shows what the start-up freeze kept: garbage found then had been
frozen while still live.
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Any

from tests.benchmarks.e2e_console import refresh, settle
from tests.benchmarks.e2e_settings import CHURN_ADVANCE_S, CHURN_REFRESHES
from tests.benchmarks.sim_process import SimProcess


class CollectionLog:
    """Every collection of this process while installed: (generation, milliseconds, quiet).

    ``quiet``: run by the app's :class:`~tui.core.gc_pause.IdleCollector` at a quiet moment
    (never true for a console without one).
    """

    def __init__(self, app: Any) -> None:
        self.collections: list[tuple[int, float, bool]] = []
        self._started = 0.0
        self._idle = getattr(app, "idle_collector", None)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            elapsed_ms = (time.perf_counter() - self._started) * 1000
            quiet = self._idle is not None and self._idle.collecting
            self.collections.append((info["generation"], elapsed_ms, quiet))

    def __enter__(self) -> CollectionLog:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)

    def full(self, *, quiet: bool) -> list[float]:
        return [ms for gen, ms, q in self.collections if gen == 2 and q == quiet]

    def longest_young(self) -> float:
        return max((ms for gen, ms, _ in self.collections if gen < 2), default=0.0)


def timed_collection() -> tuple[float, int]:
    """(milliseconds, unreachable objects found) of one full collection now."""
    started = time.perf_counter()
    found = gc.collect()
    return (time.perf_counter() - started) * 1000, found


async def full_collection_after_churn(
    pilot: Any, app: Any, sim: SimProcess, initial: set[str]
) -> dict[str, float]:
    """The late-shift figures (see the module's docstring); ``initial``: the first poll's SIDs."""
    poller = app.main_screen.backend.poller
    with CollectionLog(app) as log:
        for _ in range(CHURN_REFRESHES):
            if not initial & poller.calls.keys():
                break
            await sim.advance(CHURN_ADVANCE_S)
            await settle(pilot)
            await refresh(pilot, app, capture_bodies=False)
            app.events.clear()  # the recorded diffs would keep every replaced call alive
        await pilot.pause(0.5)
        await settle(pilot)
    left = len(initial & poller.calls.keys())
    frozen = statistics.median(timed_collection()[0] for _ in range(3))
    tracked = len(gc.get_objects())
    gc.unfreeze()
    try:
        first_ms, kept = timed_collection()  # frees what had been frozen while live
        unfrozen = statistics.median([first_ms, *(timed_collection()[0] for _ in range(2))])
    finally:
        gc.freeze()
    return {
        "frozen_ms": frozen,
        "unfrozen_ms": unfrozen,
        "tracked": tracked,
        "left": left,
        "busy_full": len(log.full(quiet=False)),
        "busy_full_ms": max(log.full(quiet=False), default=0.0),
        "quiet_full": len(log.full(quiet=True)),
        "quiet_full_ms": max(log.full(quiet=True), default=0.0),
        "longest_young_ms": log.longest_young(),
        "kept_by_freezing": kept,
    }
