"""What one floor pass costs the console at 100 and 1,000 live rooms: requests, and time.

Run: ``uv run pytest tests/benchmarks/bench_floor.py -m benchmark_suite -s``; the table is written
to ``.results/floor.md`` (git-ignored) and printed.

The scene (from :func:`tui.sim.floor_scene.build_floor_scene`): N rooms of agent + customer (a
tenth held, a fifth recorded), 60 callers in three queues. The "screen" is what a supervisor at a
40-line terminal sees: 30 visible calls (15 rooms' customers and agents) and one conference view
open. The floor source runs with its default budget (20) through the real SDK over loopback HTTP.

Figures per pass: requests (first pass, then the largest of ten steady passes), the requests
Twilio would get from asking every room each pass instead, the passes needed until every room has
been looked into once, and the median wall time of a steady pass (simulator in the same process).
"""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import credentials_for
from tui.core.floor.settings import DEFAULT_BUDGET
from tui.core.floor.source import FloorSource
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator, ManualClock
from tui.sim.floor_scene import build_floor_scene

pytestmark = pytest.mark.benchmark_suite

QUEUES = {"Support": 30, "Sales": 20, "Billing": 10}
VISIBLE_ROOMS = 15
STEADY_PASSES = 10
RESULTS = Path(__file__).resolve().parents[2] / ".results" / "floor.md"
_rows: list[str] = []


@pytest.mark.parametrize("rooms", [100, 1000])
async def test_requests_per_pass(rooms: int) -> None:
    async with EmbeddedSimulator(seed=3, clock=ManualClock()) as sim:
        scene = build_floor_scene(sim, queues=QUEUES, rooms=rooms, held=rooms // 10,
                                  recorded=rooms // 5, call_recorded=rooms // 10)  # fmt: skip
        async with TwilioAccess(credentials_for(sim)) as access:
            source = FloorSource(access, request_budget=DEFAULT_BUDGET)
            first = await _pass(source)
            steady = [first]
            passes = 1
            while len(source._fetched_at) < rooms:
                steady.append(await _pass(source))
                passes += 1
            visible = [
                sid
                for room in scene.rooms[:VISIBLE_ROOMS]
                for sid in (room.customer_call_sid, room.agent_call_sid)
            ]
            source.watch(visible, [scene.rooms[0].conference_sid])
            seconds: list[float] = []
            for _ in range(STEADY_PASSES):
                started = time.perf_counter()
                steady.append(await _pass(source))
                seconds.append(time.perf_counter() - started)
            snapshot = source.snapshot
    queues_with_callers = len(QUEUES)
    ceiling = 1 + queues_with_callers + math.ceil(rooms / 1000) + DEFAULT_BUDGET
    naive = 1 + queues_with_callers + math.ceil(rooms / 1000) + 2 * rooms
    assert first <= ceiling and max(steady) <= ceiling
    placed = sum(1 for p in snapshot.placements.values() if p.in_room)
    assert placed >= 2 * rooms  # every leg placed once every room has been seen (+ yours)
    _rows.append(
        f"| {rooms:,} | {first} | {max(steady)} | {ceiling} | {naive:,} | {passes} "
        f"| {statistics.median(seconds) * 1000:.0f} ms |"
    )
    _write()


async def _pass(source: FloorSource) -> int:
    await source.poll_once()
    stats = source.snapshot.stats
    assert stats is not None and source.snapshot.error is None, source.snapshot.error
    return stats.requests


def _write() -> None:
    lines = [
        f"# Floor pass cost (budget {DEFAULT_BUDGET}, 3 queues with callers, "
        f"{2 * VISIBLE_ROOMS} calls on screen, 1 room open)",
        "",
        "| live rooms | requests, first pass | requests, largest steady pass | ceiling "
        "(2 + queues + budget) | asking every room | passes to see every room | "
        "steady pass, median |",
        "|---|---|---|---|---|---|---|",
        *_rows,
        "",
    ]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))
