"""How long a 10,000-call simulator takes to start (limit 5 s); writes ``.results/sim_start.md``.

Run with the other benchmarks: ``uv run pytest tests/benchmarks -m benchmark_suite``.
"""

from __future__ import annotations

import statistics
import time

import pytest

from tests.results import write_result
from tui.sim import EmbeddedSimulator, ManualClock

pytestmark = pytest.mark.benchmark_suite

LIVE = 10_000
RUNS = 3
LIMIT_S = 5.0


async def test_ten_thousand_live_calls_start_quickly() -> None:
    took = []
    for _ in range(RUNS):
        started = time.perf_counter()
        # A manual clock: on the real one a call may arrive or end before the count is read.
        async with EmbeddedSimulator(seed=10, live_calls=LIVE, clock=ManualClock()) as sim:
            assert sim.engine.live_count == LIVE
            took.append(time.perf_counter() - started)
    text = (
        "# Simulator start-up\n\n"
        f"{LIVE:,} live calls, {RUNS} runs: median {statistics.median(took):.2f} s, "
        f"worst {max(took):.2f} s (limit {LIMIT_S:g} s).\n"
    )
    write_result("sim_start.md", text)
    print("\n" + text)
    assert max(took) < LIMIT_S
