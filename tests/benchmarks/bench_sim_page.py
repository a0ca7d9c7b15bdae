"""How fast the simulator serves a 1000-call page from 10,000 live calls.

Run: ``uv run pytest tests/benchmarks/bench_sim_page.py -m benchmark_suite -s``.

The simulator runs on its own event loop in a background thread (as it would beside the console);
the benchmark thread is the client. Three figures:

* ``warm``: ``GET Calls.json?Status=in-progress&PageSize=1000`` with every call's JSON cached,
  which is the steady state when a poll finds few changes;
* ``cold``: the same with every call's cached JSON dropped first (every call changed since the
  last poll: the worst case);
* ``sdk``: the twilio SDK's ``client.calls.page(status=…, page_size=1000)`` over the same HTTP,
  i.e. what a caller waits for including the SDK's parsing into ``CallInstance`` objects.

The printed line gives median milliseconds and the body size in bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from pytest_benchmark.fixture import BenchmarkFixture
from twilio.rest import Client

from tests.sim.conftest import LoopbackHttpClient, ThreadedSimulator
from tui.sim import EmbeddedSimulator, ManualClock

pytestmark = pytest.mark.benchmark_suite

LIVE = 10_000
PAGE = 1000


@pytest.fixture(scope="module")
def big_sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(EmbeddedSimulator(seed=1, live_calls=LIVE, clock=ManualClock())) as sim:
        assert sim.sim.engine.live_count == LIVE
        yield sim


@pytest.fixture(scope="module")
def session(big_sim: ThreadedSimulator) -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.auth = (big_sim.sim.account_sid, big_sim.sim.auth_token)
        yield http


def page_url(sim: EmbeddedSimulator) -> str:
    return f"{sim.base_url}/2010-04-01/Accounts/{sim.account_sid}/Calls.json"


def fetch_page(http: requests.Session, url: str) -> int:
    response = http.get(url, params={"Status": "in-progress", "PageSize": str(PAGE)})
    assert response.status_code == 200
    assert response.content.count(b'"sid": "CA') >= PAGE
    return len(response.content)


def report(benchmark: BenchmarkFixture, label: str, size: int) -> None:
    assert benchmark.stats is not None
    median_ms = benchmark.stats.stats.median * 1000
    benchmark.extra_info["bytes"] = size
    print(f"\n{label}: {PAGE}-call page of {LIVE} live calls: median {median_ms:.1f} ms, {size} B")


def test_warm_page(
    benchmark: BenchmarkFixture, big_sim: ThreadedSimulator, session: requests.Session
) -> None:
    url = page_url(big_sim.sim)
    size = fetch_page(session, url)
    benchmark.pedantic(fetch_page, args=(session, url), rounds=40, warmup_rounds=2)
    report(benchmark, "warm (cached JSON)", size)


def test_cold_page(
    benchmark: BenchmarkFixture, big_sim: ThreadedSimulator, session: requests.Session
) -> None:
    url = page_url(big_sim.sim)

    def drop_caches() -> None:
        for call in big_sim.sim.engine:
            call.json_cache = None

    size = fetch_page(session, url)
    benchmark.pedantic(fetch_page, args=(session, url), setup=drop_caches, rounds=20)
    report(benchmark, "cold (every call re-serialized)", size)


def test_sdk_page(benchmark: BenchmarkFixture, big_sim: ThreadedSimulator) -> None:
    sim = big_sim.sim
    client = Client(sim.account_sid, sim.auth_token, http_client=LoopbackHttpClient(sim.base_url))

    def sdk_page() -> int:
        return len(list(client.calls.page(status="in-progress", page_size=PAGE)))

    assert sdk_page() == PAGE
    benchmark.pedantic(sdk_page, rounds=20, warmup_rounds=1)
    with requests.Session() as http:
        http.auth = (sim.account_sid, sim.auth_token)
        size = fetch_page(http, page_url(sim))
    report(benchmark, "sdk calls.page (parse included)", size)
