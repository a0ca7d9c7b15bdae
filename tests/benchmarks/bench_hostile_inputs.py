"""What hostile listings cost the console: an endless page chain and a 100 MB caller name.

Run: ``uv run pytest tests/benchmarks/bench_hostile_inputs.py -m benchmark_suite -s``.

Figures (printed, and written to ``.results/hostile_inputs.md``):

* endless chain: requests per second the real poller (``run()``, default limits, 2 s interval)
  sends to an endpoint whose every page links to a new one, over the first 10 s and the next
  50 s (with empty pages and with 50-call pages), and how much Python memory the process holds
  at the end (tracemalloc);
* 100 MB ``caller_name``: how long the pass that reads it takes, how long the call's stored
  field is afterwards, and how long the detail's text takes to prepare from it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import tracemalloc
from pathlib import Path

import pytest
from aiohttp import web

from tests.core.listing_server import call_record, listing_server, page
from tui.core.models import PollEvent, PollFailed
from tui.core.poller import LiveCallPoller
from tui.core.text import display_text
from tui.core.twilio_client import TwilioAccess

pytestmark = pytest.mark.benchmark_suite
RESULTS = Path(".results") / "hostile_inputs.md"


def _endless(per_page: int) -> object:
    counter = itertools.count()

    def serve(request: web.Request) -> dict[str, object]:
        n = next(counter)
        calls = [call_record(n * per_page + i + 1) for i in range(per_page)]
        return page(calls, next_page_uri=f"{request.path}?Page={n + 1}&PageToken=PA{n}")

    return serve


@pytest.mark.parametrize("per_page", [0, 50])
async def test_endless_chain_requests_per_second(per_page: int) -> None:
    tracemalloc.start()
    async with listing_server(_endless(per_page)) as api:  # type: ignore[arg-type]
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(access, on_event=events.append, interval_s=2.0)
            task = asyncio.create_task(poller.run())
            await asyncio.sleep(10)
            first = len(api.requests)
            await asyncio.sleep(50)
            second = len(api.requests) - first
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    first_reason = getattr(events[0], "reason", "-") if events else "-"
    lines = [
        f"## Endless page chain, {per_page} calls a page (default limits, 2 s interval)",
        f"- first 10 s: {first / 10:.0f} requests/s ({first} requests)",
        f"- next 50 s: {second / 50:.1f} requests/s ({second} requests)",
        f"- passes: {poller.passes}; first failure: {first_reason}",
        f"- Python memory at the end {current / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB",
    ]
    _write(lines)
    assert events and all(isinstance(e, PollFailed) for e in events)  # never taken as a listing


async def test_a_100_mb_caller_name() -> None:
    huge = "N" * 100_000_000
    text = json.dumps(page([call_record(1, caller_name=huge), call_record(2)]))

    def serve(request: web.Request) -> str | dict[str, object]:
        return text if request.query.get("Status") == "in-progress" else page([])

    async with (
        listing_server(serve) as api,
        TwilioAccess(api.credentials(), timeout_s=60.0) as access,
    ):
        poller = LiveCallPoller(access, on_event=lambda _e: None)
        started = time.perf_counter()
        await poller.poll_once()
        pass_s = time.perf_counter() - started
    call = poller.calls[str(call_record(1)["sid"])]
    name = call.raw["caller_name"]
    assert isinstance(name, str)
    started = time.perf_counter()
    shown = display_text(name)
    detail_ms = (time.perf_counter() - started) * 1000
    _write(
        [
            "## A 100 MB caller_name",
            f"- the pass that read it: {pass_s:.2f} s (download and parse of a 100 MB page)",
            f"- stored field: {len(name):,} characters (cut, ending with '…')",
            f"- the detail's text from it: {detail_ms:.2f} ms ({len(shown):,} characters)",
        ]
    )
    assert len(name) < 10_000


def _write(lines: list[str]) -> None:
    print("\n" + "\n".join(lines))
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n\n")
