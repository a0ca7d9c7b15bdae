"""How fast the simulator builds and serves a floor of 1,000 rooms.

Run: ``uv run pytest tests/benchmarks/bench_sim_floor.py -m benchmark_suite -s``.

The simulator runs on its own loop in a background thread; the benchmark thread is the client.
Figures (median milliseconds):

* ``scene``: :func:`~tui.sim.floor_scene.build_floor_scene` with 1,000 rooms (agent + customer,
  100 held, 200 recorded) and 60 callers in three queues, on a fresh simulator;
* ``rooms``: ``GET Conferences.json?Status=in-progress&PageSize=1000`` (one page, all rooms);
* ``room``: ``GET Conferences/{Sid}/Participants.json`` for one room (what a console pays per room
  it looks into);
* ``queues``: ``GET Queues.json`` and ``GET Queues/{Sid}/Members.json`` for the three queues.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
import requests
from pytest_benchmark.fixture import BenchmarkFixture

from tests.sim.conftest import ThreadedSimulator
from tui.sim import EmbeddedSimulator, ManualClock
from tui.sim.floor_scene import FloorScene, build_floor_scene

pytestmark = pytest.mark.benchmark_suite

ROOMS = 1000
QUEUES = {"Support": 30, "Sales": 20, "Billing": 10}


def scene_of(sim: EmbeddedSimulator) -> FloorScene:
    return build_floor_scene(sim, queues=QUEUES, rooms=ROOMS, held=100, recorded=200)


@pytest.fixture(scope="module")
def floor() -> Iterator[tuple[ThreadedSimulator, FloorScene]]:
    with ThreadedSimulator(EmbeddedSimulator(seed=1, clock=ManualClock())) as threaded:

        async def build() -> FloorScene:
            return scene_of(threaded.sim)

        yield threaded, threaded.run(build)


@pytest.fixture(scope="module")
def session(floor: tuple[ThreadedSimulator, FloorScene]) -> Iterator[requests.Session]:
    sim = floor[0].sim
    with requests.Session() as http:
        http.auth = (sim.account_sid, sim.auth_token)
        yield http


def base(sim: EmbeddedSimulator) -> str:
    return f"{sim.base_url}/2010-04-01/Accounts/{sim.account_sid}"


def report(benchmark: BenchmarkFixture, label: str, size: int | None = None) -> None:
    assert benchmark.stats is not None
    median_ms = benchmark.stats.stats.median * 1000
    tail = f", {size} B" if size is not None else ""
    print(f"\n{label}: median {median_ms:.1f} ms{tail}")


def test_build_scene(benchmark: BenchmarkFixture) -> None:
    async def once() -> float:
        async with EmbeddedSimulator(seed=1, clock=ManualClock()) as sim:
            started = time.perf_counter()
            scene_of(sim)
            return time.perf_counter() - started

    def run() -> float:
        return asyncio.run(once())

    benchmark.pedantic(run, rounds=5, warmup_rounds=1)
    report(benchmark, f"scene: {ROOMS} rooms + 60 queued callers (incl. simulator start/stop)")


def test_list_rooms(
    benchmark: BenchmarkFixture,
    floor: tuple[ThreadedSimulator, FloorScene],
    session: requests.Session,
) -> None:
    url = f"{base(floor[0].sim)}/Conferences.json"

    def fetch() -> int:
        response = session.get(url, params={"Status": "in-progress", "PageSize": str(ROOMS)})
        assert response.status_code == 200
        assert response.content.count(b'"sid": "CF') == ROOMS
        return len(response.content)

    size = fetch()
    benchmark.pedantic(fetch, rounds=20, warmup_rounds=2)
    report(benchmark, f"rooms: one page of {ROOMS} in-progress conferences", size)


def test_one_room(
    benchmark: BenchmarkFixture,
    floor: tuple[ThreadedSimulator, FloorScene],
    session: requests.Session,
) -> None:
    sim, scene = floor
    url = f"{base(sim.sim)}/Conferences/{scene.rooms[500].conference_sid}/Participants.json"

    def fetch() -> int:
        response = session.get(url)
        assert response.status_code == 200 and response.content.count(b'"call_sid": "CA') == 2
        return len(response.content)

    size = fetch()
    benchmark.pedantic(fetch, rounds=50, warmup_rounds=2)
    report(benchmark, f"room: participants of one room (of {ROOMS})", size)


def test_queues_and_members(
    benchmark: BenchmarkFixture,
    floor: tuple[ThreadedSimulator, FloorScene],
    session: requests.Session,
) -> None:
    sim, scene = floor
    root = base(sim.sim)

    def fetch() -> int:
        total = 0
        response = session.get(f"{root}/Queues.json")
        assert response.status_code == 200
        total += len(response.content)
        for queue in scene.queues.values():
            members = session.get(f"{root}/Queues/{queue.sid}/Members.json")
            assert members.status_code == 200
            total += len(members.content)
        return total

    size = fetch()
    benchmark.pedantic(fetch, rounds=30, warmup_rounds=2)
    report(benchmark, "queues: Queues.json + Members.json of 3 queues (60 callers)", size)
