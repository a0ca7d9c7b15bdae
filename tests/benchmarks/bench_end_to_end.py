# ruff: noqa: E501  (Markdown table rows read better unbroken)
"""The whole console against a simulator in another process: every target of the performance issue.

Run all benchmarks (excluded from the default test run) with one command::

    uv run pytest tests/benchmarks/bench_*.py -m benchmark_suite -s

or only this one with ``uv run pytest tests/benchmarks/bench_end_to_end.py -m benchmark_suite -s``
(about two minutes). It prints a Markdown table and writes ``.results/end_to_end.md``.

Set-up, and why:

* The simulator runs as ``python -m tui.sim`` in **its own process** (``--manual-clock``), so its CPU
  never counts against the console. Before each measured refresh the benchmark moves the
  simulator's clock by one second (``POST /_sim/advance``): its synthetic traffic then ends,
  starts and changes about 1% of the calls, the churn the issue asks for. The diff sizes of every
  refresh are reported.
* The console is the real app (``CallboardApp``, real poller, real SDK transport over loopback
  HTTP), headless with Pilot at 160x50. It also runs in **a fresh process of its own**
  (``python -m tests.benchmarks.bench_end_to_end``) so RSS and CPU are the console's alone, not
  those of pytest or of the other benchmarks.
* **Longest block**: every callback the event loop runs (``asyncio.events.Handle._run``, which
  carries every task step: HTTP reads, page parsing, the diff, message handlers, the compositor)
  is timed from the moment the refresh is requested (``poller.poll_now()``) until its diff is
  applied and a frame has been composed. The longest one is what a key press can wait behind.
* **First paint**: from the arrival of the last page of the first pass (the data is all there)
  to the end of the first callback that painted table rows.
* **CPU per poll**: ``time.process_time()`` from ``poll_now()`` to the end of ``apply_diff``
  (fetch + parse + diff + apply), against a bare ``json.loads`` of the very same page bytes,
  timed right after each pass in the same process.
* **Key to request**: from just before Pilot delivers the confirming key (``h`` opens the
  confirm dialog, ``y`` sends) to aiohttp's ``on_request_headers_sent`` trace for the
  ``update`` POST, i.e. the request is written to the socket. The baseline runs the Twilio
  guide's script (``tests/benchmarks/loopback_twilio.py``) once per action against the same
  simulator: from spawning it to the moment it hands its request to ``requests``.
* **Baselines for the table**: the same recorded diffs, replayed into Textual's ``DataTable``
  (diff API, and clear-and-refill) and into ``CallTable`` alone, measured identically
  (``tests/benchmarks/bench_table.py``'s ``measure``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.benchmarks.e2e_readme import readme_blocks
from tests.benchmarks.next_targets import first_rows, next_target_rows
from tests.results import write_result

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 50)
SIZES = (1_000, 10_000, 50_000)
REFRESHES = {1_000: 6, 10_000: 6, 50_000: 3}
ADVANCE_S = 1.0
"""Simulated seconds between refreshes: ~1% of the calls end, start or change."""
KEY_PRESSES = 5
CHURN_ADVANCE_S = 600.0
"""Simulated seconds per refresh while every call of start-up is replaced (see the GC figure)."""
CHURN_REFRESHES = 12
SCRIPT_RUNS = 5
IDLE_S = 20.0
IDLE_CALLS = 900

TARGETS = {
    "max_block_ms": 16.0,
    "first_paint_ms": 100.0,
    "cpu_ratio": 2.0,
    "key_ms": 20.0,
    "rss_mb": 150.0,
    "idle_cpu_pct": 3.0,
    "late_gc_ms": 10.0,
}


# ------------------------------------------------------------------------------ the simulator


@dataclass
class SimProcess:
    """``python -m tui.sim`` on 127.0.0.1 with a random port, stopped by :meth:`stop`."""

    process: subprocess.Popen[str]
    base_url: str
    account_sid: str
    auth_token: str

    def _admin(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        basic = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request.add_header("Authorization", f"Basic {basic}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    async def advance(self, seconds: float) -> None:
        await asyncio.to_thread(self._admin, "POST", "/_sim/advance", {"seconds": str(seconds)})

    async def set_faults(self, spec: str) -> None:
        if spec:
            await asyncio.to_thread(self._admin, "POST", "/_sim/faults", {"spec": spec})
        else:
            await asyncio.to_thread(self._admin, "DELETE", "/_sim/faults")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextlib.contextmanager
def simulator(
    calls: int, *, manual_clock: bool = True, seed: int = 3, compact: bool = False
) -> Iterator[SimProcess]:
    """Start the standalone simulator and read its address and credentials from its banner."""
    command = [sys.executable, "-m", "tui.sim", "--port", "0", "--calls", str(calls)]
    command += ["--seed", str(seed)] + (["--manual-clock"] if manual_clock else [])
    command += ["--compact-json"] if compact else []
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    sim: SimProcess | None = None
    try:
        assert process.stdout is not None
        url = sid = token = ""
        deadline = time.monotonic() + 120
        while not (url and sid) and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the simulator exited before it was ready")
            if match := re.search(r"listening on (\S+)", line):
                url = match[1]
            if match := re.search(r"TWILIO_ACCOUNT_SID=(\S+) TWILIO_AUTH_TOKEN=(\S+)", line):
                sid, token = match[1], match[2]
        if not (url and sid):
            raise RuntimeError("the simulator did not start within 120 s")
        sim = SimProcess(process, url, sid, token)
        yield sim
    finally:
        if sim is not None:
            sim.stop()
        elif process.poll() is None:
            process.kill()
            process.wait(timeout=10)


# ------------------------------------------------------------------------------ instruments


@dataclass
class Probe:
    """Everything the instrumented console reports; one per console process."""

    window: list[float] | None = None
    """Callback durations (s) of the refresh being measured, or None between refreshes."""
    paint_pending: bool = False
    first_row_paint_at: float | None = None
    arrivals: list[float] = field(default_factory=list)
    bodies: list[str] | None = None
    json_s: float = 0.0
    applied: list[tuple[float, float, float, int]] = field(default_factory=list)
    """(perf end, process_time end, apply seconds, diff size) per apply_diff call."""
    lines: int = 0
    sent: list[tuple[str, str, float]] = field(default_factory=list)
    """(method, url, perf_counter) when request headers were written."""

    def begin(self) -> None:
        self.window = []

    def end(self) -> list[float]:
        window, self.window = self.window or [], None
        return window


PROBE = Probe()


def install_probes() -> None:
    """Wrap the event loop and a few seams of the console with timers (this process only)."""
    from tui.core import listing as listing_module
    from tui.core import twilio_client
    from tui.ui.widgets.call_table import CallTable

    run = asyncio.events.Handle._run

    def timed_run(handle: asyncio.events.Handle) -> None:
        started = time.perf_counter()
        try:
            run(handle)
        finally:
            ended = time.perf_counter()
            if PROBE.window is not None:
                PROBE.window.append(ended - started)
            if PROBE.paint_pending and PROBE.first_row_paint_at is None:
                PROBE.first_row_paint_at = ended
            PROBE.paint_pending = False

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign, assignment]

    get_text = twilio_client.TwilioAccess.get_text

    async def recorded_get_text(
        self: twilio_client.TwilioAccess, url: str, params: Any = None, **kwargs: Any
    ) -> tuple[str, int, Any]:
        result = await get_text(self, url, params, **kwargs)
        PROBE.arrivals.append(time.perf_counter())
        if PROBE.bodies is not None:
            PROBE.bodies.append(result[0])
        return result

    twilio_client.TwilioAccess.get_text = recorded_get_text  # type: ignore[method-assign]

    class TimedJson:
        """Stands in for the ``json`` module of the listing parser: times every ``json.loads``."""

        def loads(self, text: str | bytes, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return json.loads(text, **kwargs)
            finally:
                PROBE.json_s += time.perf_counter() - started

    listing_module.json = TimedJson()  # type: ignore[assignment]

    apply_diff = CallTable.apply_diff

    def recorded_apply(self: CallTable, diff: Any) -> None:
        started = time.perf_counter()
        apply_diff(self, diff)
        ended = time.perf_counter()
        PROBE.applied.append((ended, time.process_time(), ended - started, len(diff)))

    CallTable.apply_diff = recorded_apply  # type: ignore[method-assign]

    render_line = CallTable.render_line

    def counted_render_line(self: CallTable, y: int) -> Any:
        PROBE.lines += 1
        if y > 0 and self.row_count:
            PROBE.paint_pending = True
        return render_line(self, y)

    CallTable.render_line = counted_render_line  # type: ignore[method-assign]

    async def headers_sent(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestHeadersSentParams
    ) -> None:
        PROBE.sent.append((params.method, str(params.url), time.perf_counter()))

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(headers_sent)

    def open_traced(self: twilio_client._CallboardHttpClient) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(trace_configs=[trace])

    twilio_client._CallboardHttpClient.open = open_traced  # type: ignore[method-assign]


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


# ------------------------------------------------------------------------------ the console


def make_app(sim: SimProcess, interval_s: float = 2.0) -> Any:
    from tui.core.config import load_settings
    from tui.core.credentials import Credentials
    from tui.core.models import PollEvent
    from tui.core.secret import Secret
    from tui.core.session import backend_factory
    from tui.ui.app import CallboardApp

    class BenchApp(CallboardApp):
        """The real app; remembers each poll event and when it was emitted."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.events: list[tuple[float, PollEvent]] = []

        def _on_poll_event(self, event: PollEvent) -> None:
            self.events.append((time.perf_counter(), event))
            super()._on_poll_event(event)

    settings = replace(load_settings(), poll_interval_s=interval_s)
    credentials = Credentials(
        account_sid=sim.account_sid,
        username=sim.account_sid,
        password=Secret(sim.auth_token),
        api_url=sim.base_url,
        source="benchmark simulator",
    )
    return BenchApp(backend_factory(credentials, settings), settings, mode_label="BENCH")


async def wait_for(condition: Callable[[], bool], what: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause(0.05)
    await pilot.pause()


def header_text(app: Any) -> str:
    from tui.ui.widgets.status_header import StatusHeader

    return str(app.main_screen.query_one(StatusHeader).render().plain)


async def refresh(pilot: Any, app: Any, *, capture_bodies: bool) -> dict[str, Any]:
    """One measured refresh: poll now, wait for the diff to be applied, let a frame be composed."""
    poller = app.main_screen.backend.poller
    events_before, applied_before = len(app.events), len(PROBE.applied)
    PROBE.bodies = [] if capture_bodies else None
    PROBE.json_s, PROBE.lines = 0.0, 0
    PROBE.begin()
    cpu0, t0 = time.process_time(), time.perf_counter()
    poller.poll_now()
    await wait_for(lambda: len(PROBE.applied) > applied_before, "the refresh to be applied")
    await pilot.pause()
    await pilot.pause()
    blocks = PROBE.end()
    end, cpu_end, apply_s, diff_size = PROBE.applied[applied_before]
    _, event = app.events[events_before]
    figure: dict[str, Any] = {
        "max_block_ms": max(blocks) * 1000,
        "busy_ms": sum(blocks) * 1000,
        "wall_ms": (end - t0) * 1000,
        "cpu_ms": (cpu_end - cpu0) * 1000,
        "json_ms": PROBE.json_s * 1000,
        "apply_ms": apply_s * 1000,
        "diff": diff_size,
        "added": len(event.diff.added),
        "changed": len(event.diff.changed),
        "removed": len(event.diff.removed),
        "lines": PROBE.lines,
        "requests": event.stats.requests,
        "bytes": event.stats.bytes_received,
        "interval_s": event.interval_s,
        "live": event.stats.total_live,
    }
    if PROBE.bodies is not None:
        raw = [body.encode() for body in PROBE.bodies]
        PROBE.bodies = None
        cpu = time.process_time()
        for body in raw:
            json.loads(body)
        figure["bare_json_ms"] = (time.process_time() - cpu) * 1000
        figure["pages_bytes"] = sum(map(len, raw))
        del raw
    return figure


async def key_to_request(pilot: Any, app: Any, *, during_poll: bool) -> dict[str, float]:
    """Hang up the call under the cursor: ``h`` opens the dialog, ``y`` sends; time ``y``."""
    table = app.main_screen.table
    poller = app.main_screen.backend.poller
    await pilot.press("down")
    await settle(pilot)
    call = table.cursor_call
    assert call is not None
    await pilot.press("h")
    await settle(pilot)
    events_before = len(app.events)
    if during_poll:
        arrivals = len(PROBE.arrivals)
        poller.poll_now()
        await wait_for(lambda: len(PROBE.arrivals) >= arrivals + 2, "a poll to be under way")
        events_before = len(app.events) + 1
    sent_before = len(PROBE.sent)
    PROBE.begin()
    pressed = time.perf_counter()
    await pilot.press("y")

    def sent() -> float | None:
        for method, url, at in PROBE.sent[sent_before:]:
            if method == "POST" and call.sid in url:
                return at
        return None

    await wait_for(lambda: sent() is not None, "the update request")
    blocks = PROBE.end()
    latency = ((sent() or 0.0) - pressed) * 1000
    # The action asks for a fresh poll when it is done; let it (and any running pass) finish.
    await wait_for(lambda: len(app.events) > events_before, "the poll after the action")
    await settle(pilot)
    return {"ms": latency, "max_block_ms": max(blocks, default=0.0) * 1000}


def script_per_action(sim: SimProcess, sid: str) -> dict[str, float]:
    """The Twilio guide's way: a fresh Python process per action (see loopback_twilio.py)."""
    from tests.benchmarks.loopback_twilio import SCRIPT, SENT_MARK

    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, sim.base_url, sim.account_sid, sim.auth_token, sid],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    finished = time.time()
    if done.returncode != 0 or "completed" not in done.stdout:
        raise RuntimeError(f"the script failed: {done.stderr[-500:]}")
    sent = float(done.stderr.split(SENT_MARK, 1)[1].split()[0])
    return {"ms": (sent - started) * 1000, "total_ms": (finished - started) * 1000}


async def run_console(n: int, *, compact: bool = False) -> dict[str, Any]:
    """First paint and steady refreshes at ``n`` calls; at 10k also CPU, RSS, keys, baselines
    (not with ``compact``: that run only repeats the refreshes on compact JSON)."""
    from tui.core.models import PollSucceeded

    out: dict[str, Any] = {"n": n}
    big = n == 10_000 and not compact
    with simulator(n, compact=compact) as sim:
        app = make_app(sim)
        PROBE.first_row_paint_at = None
        arrivals_before, sent_before = len(PROBE.arrivals), len(PROBE.sent)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: bool(app.events), "the first poll", within=300)
            await wait_for(lambda: PROBE.first_row_paint_at is not None, "the first paint")
            _, first = app.events[0]
            assert isinstance(first, PollSucceeded), first
            pass_arrivals = PROBE.arrivals[arrivals_before:]
            out["first_poll"] = {
                "requests": first.stats.requests,
                "bytes": first.stats.bytes_received,
                "fetch_ms": first.stats.duration_s * 1000,
                "paint_after_last_page_ms": ((PROBE.first_row_paint_at or 0) - pass_arrivals[-1])
                * 1000,
                "paint_after_first_page_ms": ((PROBE.first_row_paint_at or 0) - pass_arrivals[0])
                * 1000,
                "rows": app.main_screen.table.row_count,
                **first_rows(PROBE.sent[sent_before:], pass_arrivals, PROBE.first_row_paint_at),
            }
            await settle(pilot)
            if big:
                # Measured before the refreshes: from then on the benchmark itself holds every
                # page body (23.8 MB per poll) for its bare-json.loads baseline.
                out["rss_mb"], out["hwm_mb"] = rss_mb()
            initial = dict(app.main_screen.backend.poller.calls)
            refreshes = []
            for _ in range(REFRESHES[n]):
                await sim.advance(ADVANCE_S)
                await settle(pilot)
                refreshes.append(await refresh(pilot, app, capture_bodies=big))
            out["refreshes"] = refreshes
            out["header"] = header_text(app)
            out["diffs"] = [event.diff for _, event in app.events[1:]]
            if big:
                out["keys_idle"] = [
                    await key_to_request(pilot, app, during_poll=False) for _ in range(KEY_PRESSES)
                ]
                out["keys_during_poll"] = [
                    await key_to_request(pilot, app, during_poll=True) for _ in range(3)
                ]
                table = app.main_screen.table
                targets = [
                    call.sid
                    for call in (table.get_call_at(i) for i in range(20, 200))
                    if call.status == "in-progress"
                ][:SCRIPT_RUNS]
                out["script"] = [
                    await asyncio.to_thread(script_per_action, sim, sid) for sid in targets
                ]
                out["gc"] = await full_collection_after_churn(pilot, app, sim, set(initial))
            if n == 1_000:
                out["rate_limit"] = await rate_limit_demo(pilot, app, sim)
        out["initial"] = initial
    return out


async def full_collection_after_churn(
    pilot: Any, app: Any, sim: SimProcess, initial: set[str]
) -> dict[str, float]:
    """A full garbage collection once every call of start-up has been replaced (a long shift).

    The app freezes the start-up heap after the first poll, so early on a full collection skips
    the calls; hours later every live call is a newer object the collector walks. Measured after
    the simulator has moved on until no call of the first poll is live, then compared with the
    same heap unfrozen (what a collection costs without the freeze).
    """
    poller = app.main_screen.backend.poller
    for _ in range(CHURN_REFRESHES):
        if not initial & poller.calls.keys():
            break
        await sim.advance(CHURN_ADVANCE_S)
        await settle(pilot)
        await refresh(pilot, app, capture_bodies=False)
        app.events.clear()  # the recorded diffs would keep every replaced call alive
    left = len(initial & poller.calls.keys())

    def timed() -> float:
        started = time.perf_counter()
        gc.collect()
        return (time.perf_counter() - started) * 1000

    timed()  # what was pending
    frozen = statistics.median(timed() for _ in range(3))
    tracked = len(gc.get_objects())
    gc.unfreeze()
    try:
        unfrozen = statistics.median(timed() for _ in range(3))
    finally:
        gc.freeze()
    return {"frozen_ms": frozen, "unfrozen_ms": unfrozen, "tracked": tracked, "left": left}


async def rate_limit_demo(pilot: Any, app: Any, sim: SimProcess) -> dict[str, Any]:
    """A pass that meets 429s stretches the interval; good passes bring it back."""
    from tui.core.models import PollFailed

    poller = app.main_screen.backend.poller
    before = poller.interval_s
    await sim.set_faults("rate_limit=1.0,retry_after=1")
    count = len(app.events)
    poller.poll_now()
    await wait_for(lambda: len(app.events) > count, "a rate-limited pass")
    _, event = app.events[-1]
    await settle(pilot)
    limited = poller.interval_s
    header = header_text(app)
    await sim.set_faults("")
    count = len(app.events)
    poller.poll_now()
    await wait_for(lambda: len(app.events) > count, "a good pass")
    return {
        "before_s": before,
        "after_429_s": limited,
        "rate_limited": isinstance(event, PollFailed) and event.rate_limited,
        "header": header,
        "after_recovery_s": poller.interval_s,
    }


async def idle_cpu() -> dict[str, Any]:
    """CPU share of one core at about 1,000 live calls (real-time traffic) and a 2 s poll.

    The simulator starts below 1,000 calls so that its traffic never lifts the account over the
    poller's 1,000-call size floor (3 s): the interval in force, read from every pass of the
    window, is reported, and the figure counts only if it was the configured 2 s throughout.
    """
    with simulator(IDLE_CALLS, manual_clock=False) as sim:
        app = make_app(sim, interval_s=2.0)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: bool(app.events), "the first poll")
            await pilot.pause(3.0)
            passes, cpu, wall = len(app.events), time.process_time(), time.perf_counter()
            await asyncio.sleep(IDLE_S)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            window = [event for _, event in app.events[passes:]]
            intervals = sorted({e.interval_s for e in window if hasattr(e, "interval_s")})
            live = [e.stats.total_live for e in window if hasattr(e, "stats")]
            return {
                "pct": 100 * cpu / wall,
                "seconds": wall,
                "passes": len(window),
                "intervals_s": intervals,
                "live_min": min(live, default=0),
                "live_max": max(live, default=0),
            }


async def table_baselines(calls: dict[str, Any], diffs: list[Any]) -> dict[str, Any]:
    """The recorded diffs replayed into CallTable alone and into DataTable, measured alike."""
    from textual.widgets import DataTable

    from tests.benchmarks.bench_table import (
        CallTableApp,
        DataTableApp,
        apply_to_datatable,
        measure,
        populate_datatable,
        refill_datatable,
    )
    from tui.core.models import CallDiff
    from tui.ui.widgets.call_table import CallTable

    out: dict[str, Any] = {}
    async with CallTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(CallTable)
        first = await measure(
            pilot, lambda: table.apply_diff(CallDiff(added=tuple(calls.values()))), table
        )
        figures = [await measure(pilot, partial(table.apply_diff, d), table) for d in diffs]
        out["calltable_first"] = first.max_ms, first.busy_ms
        out["calltable_diff"] = [(f.max_ms, f.busy_ms) for f in figures]
    async with DataTableApp().run_test(size=SIZE) as pilot:
        dt = pilot.app.query_one(DataTable)
        first = await measure(pilot, lambda: populate_datatable(dt, list(calls.values())), dt)
        out["datatable_first"] = first.max_ms, first.busy_ms
        figures = [await measure(pilot, partial(apply_to_datatable, dt, d), dt) for d in diffs[:3]]
        out["datatable_diff"] = [(f.max_ms, f.busy_ms) for f in figures]
        current = dict(calls)
        refills = []
        for diff in diffs[:2]:
            for sid in diff.removed:
                current.pop(sid, None)
            for call in (*diff.added, *diff.changed):
                current[call.sid] = call
            figure = await measure(pilot, lambda: refill_datatable(dt, current), dt)
            refills.append((figure.max_ms, figure.busy_ms))
        out["datatable_refill"] = refills
    return out


PARTS = ("idle", *(str(n) for n in SIZES), "10000-compact")
"""Each runs in a fresh console process: no size inherits another's heap, caches or frozen set."""


async def measure_part(part: str) -> dict[str, Any]:
    """``idle``, or one size: its run (and, at 10,000, the table baselines on its diffs)."""
    install_probes()
    if part == "idle":
        return {"idle": await idle_cpu()}
    n = int(part.removesuffix("-compact"))
    run = await run_console(n, compact=part.endswith("-compact"))
    initial, diffs = run.pop("initial"), run.pop("diffs")
    results: dict[str, Any] = {part: run}
    if part == "10000":
        results["baselines"] = await table_baselines(initial, diffs)
    return results


# ------------------------------------------------------------------------------ the report


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {cpu}, Linux {platform.release()}; "
        f"Python {platform.python_version()}, textual {version('textual')}, "
        f"twilio {version('twilio')}, aiohttp {version('aiohttp')}"
    )


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def render(results: dict[str, Any]) -> tuple[str, list[str]]:
    """The Markdown report, and the targets that failed (empty when all hold)."""
    failed: list[str] = []
    r10 = results["10000"]
    base = results["baselines"]
    lines = [
        "# End to end: the console against a simulator in another process",
        "",
        "Run every benchmark: `uv run pytest tests/benchmarks/bench_*.py -m benchmark_suite -s`",
        "(this one alone: `uv run pytest tests/benchmarks/bench_end_to_end.py -m benchmark_suite -s`).",
        "",
        f"Machine: {machine()}.",
        "Console headless at 160x50 (Pilot), simulator as its own process (`python -m tui.sim`, "
        f"manual clock advanced {ADVANCE_S:g} s before each refresh ≈ 1% churn). Medians over the "
        "refreshes of one run; all ratios are from this same run.",
        "",
        "## Targets at 10,000 live calls",
        "",
        "| target | figure | baseline (same run) | ratio | verdict |",
        "|---|---|---|---|---|",
    ]

    def row(name: str, figure: str, baseline: str, ratio: str, ok: bool | None) -> None:
        """``ok`` None: a figure reported without a target."""
        if ok is False:
            failed.append(name)
        shown = "n/a" if ok is None else verdict(ok)
        lines.append(f"| {name} | {figure} | {baseline} | {ratio} | {shown} |")

    refreshes = r10["refreshes"]
    worst = max(f["max_block_ms"] for f in refreshes)
    dt_diff = med([b for _, b in base["datatable_diff"]])
    dt_diff_max = med([m for m, _ in base["datatable_diff"]])
    ct_diff = med([b for _, b in base["calltable_diff"]])
    row(
        "longest event-loop block during a refresh (fetch, parse, diff, apply, paint) ≤ 16 ms",
        f"{med([f['max_block_ms'] for f in refreshes]):.1f} ms median, {worst:.1f} ms worst "
        f"of {len(refreshes)}",
        f"DataTable diff API, same diffs: {dt_diff_max:.0f} ms block",
        f"{dt_diff_max / max(worst, 1e-9):.0f}x shorter",
        worst <= TARGETS["max_block_ms"],
    )
    keys_poll = r10["keys_during_poll"]
    row(
        "keys stay live during polls (key → request while a 10k pass runs) ≤ 20 ms",
        f"{med([k['ms'] for k in keys_poll]):.1f} ms median, "
        f"{max(k['ms'] for k in keys_poll):.1f} ms worst",
        "",
        "",
        max(k["ms"] for k in keys_poll) <= TARGETS["key_ms"],
    )
    poll_block = max(k["max_block_ms"] for k in keys_poll)
    row(
        "longest event-loop block while a key is handled during a 10k poll ≤ 16 ms",
        f"{med([k['max_block_ms'] for k in keys_poll]):.1f} ms median, {poll_block:.1f} ms worst "
        f"of {len(keys_poll)}",
        "",
        "",
        poll_block <= TARGETS["max_block_ms"],
    )
    first_ms = r10["first_poll"]["paint_after_last_page_ms"]
    dt_first = base["datatable_first"][1]
    row(
        "first paint of 10,000 calls after the data arrives ≤ 100 ms",
        f"{first_ms:.0f} ms (last page in → rows painted)",
        f"DataTable populate + first frame: {dt_first:.0f} ms",
        f"{dt_first / max(first_ms, 1e-9):.0f}x faster",
        first_ms <= TARGETS["first_paint_ms"],
    )
    cpu = med([f["cpu_ms"] for f in refreshes])
    bare = med([f["bare_json_ms"] for f in refreshes])
    row(
        "CPU of one poll (fetch + parse + diff + apply) ≤ 2x bare `json.loads`",
        f"{cpu:.0f} ms ({r10['refreshes'][0]['requests']} requests)",
        f"bare `json.loads` of the same {med([f['pages_bytes'] for f in refreshes]) / 1e6:.1f} MB: "
        f"{bare:.0f} ms",
        f"{cpu / bare:.2f}x",
        cpu / bare <= TARGETS["cpu_ratio"],
    )
    keys = r10["keys_idle"]
    key_ms = med([k["ms"] for k in keys])
    script_ms = med([s["ms"] for s in r10["script"]])
    script_total = med([s["total_ms"] for s in r10["script"]])
    row(
        "key press → update request leaves the process, 10,000 rows ≤ 20 ms",
        f"{key_ms:.1f} ms median, {max(k['ms'] for k in keys):.1f} ms worst",
        f"script per action (start, import twilio, one `update`): {script_ms:.0f} ms to the "
        f"request, {script_total:.0f} ms in all",
        f"{script_ms / key_ms:.0f}x faster",
        max(k["ms"] for k in keys) <= TARGETS["key_ms"],
    )
    row(
        "memory at 10,000 calls ≤ 150 MB RSS",
        f"{r10['rss_mb']:.0f} MB RSS (peak {r10['hwm_mb']:.0f} MB)",
        "",
        "",
        r10["rss_mb"] <= TARGETS["rss_mb"],
    )
    idle = results["idle"]
    intervals = idle["intervals_s"]
    row(
        "idle CPU, about 1,000 calls, 2 s poll ≤ 3% of one core",
        f"{idle['pct']:.2f}% over {idle['seconds']:.0f} s ({idle['passes']} polls, "
        f"{idle['live_min']:,}-{idle['live_max']:,} live calls, interval in force "
        f"{', '.join(f'{i:g}' for i in intervals)} s)",
        "",
        "",
        idle["pct"] <= TARGETS["idle_cpu_pct"] and intervals == [2.0],
    )
    for target in next_target_rows(results):
        row(*target)
    collected = r10["gc"]
    row(
        "full garbage collection at 10,000 calls, every call replaced since start-up ≤ 10 ms "
        "(or moved to idle moments)",
        f"{collected['frozen_ms']:.1f} ms ({collected['tracked']:,} objects tracked"
        + (f"; {collected['left']} start-up calls still live" if collected["left"] else "")
        + ")",
        f"same heap, start-up not frozen: {collected['unfrozen_ms']:.0f} ms",
        f"{collected['unfrozen_ms'] / max(collected['frozen_ms'], 1e-9):.0f}x shorter",
        collected["frozen_ms"] <= TARGETS["late_gc_ms"],
    )
    lines += [
        "",
        f"Table apply + paint of the same {len(base['calltable_diff'])} recorded diffs at 10k: "
        f"CallTable {ct_diff:.1f} ms busy; DataTable diff API {dt_diff:.0f} ms "
        f"({dt_diff / ct_diff:.0f}x), DataTable clear-and-refill "
        f"{med([b for _, b in base['datatable_refill']]):.0f} ms "
        f"({med([b for _, b in base['datatable_refill']]) / ct_diff:.0f}x). "
        f"Key press during a poll: longest block {max(k['max_block_ms'] for k in keys_poll):.1f} ms.",
        "",
        "## Scaling: one refresh at 1k / 10k / 50k live calls (~1% churn)",
        "",
        "| live calls | diff (added/changed/removed) | longest block | busy (loop) | CPU | of which "
        "json.loads | apply_diff | lines painted | requests | bytes | interval in force |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in SIZES:
        rs = results[str(n)]["refreshes"]
        lines.append(
            f"| {n:,} | {med([f['added'] for f in rs]):.0f}/{med([f['changed'] for f in rs]):.0f}/"
            f"{med([f['removed'] for f in rs]):.0f} | {med([f['max_block_ms'] for f in rs]):.1f} ms "
            f"| {med([f['busy_ms'] for f in rs]):.0f} ms | {med([f['cpu_ms'] for f in rs]):.0f} ms "
            f"| {med([f['json_ms'] for f in rs]):.0f} ms | {med([f['apply_ms'] for f in rs]):.2f} ms "
            f"| {med([f['lines'] for f in rs]):.0f} | {rs[-1]['requests']} "
            f"| {rs[-1]['bytes'] / 1e6:.1f} MB | {rs[-1]['interval_s']:g} s |"
        )
    r1, r50 = results["1000"]["refreshes"], results["50000"]["refreshes"]

    def non_json(rs: list[dict[str, Any]]) -> float:
        return med([f["cpu_ms"] - f["json_ms"] for f in rs])

    apply_ratio = med([f["apply_ms"] for f in r50]) / med([f["apply_ms"] for f in r1])
    lines += [
        "",
        f"Longest block 50k ÷ 1k: {med([f['max_block_ms'] for f in r50]) / med([f['max_block_ms'] for f in r1]):.1f}x "
        f"for 50x the calls (the parse is sliced per page, so the block is bounded by a page, not by "
        f"the account). `apply_diff` 50k ÷ 1k: {apply_ratio:.1f}x for {med([f['diff'] for f in r50]) / max(1, med([f['diff'] for f in r1])):.0f}x "
        f"the changes. Lines painted stay at one screen. CPU outside `json.loads` per refresh: "
        f"{non_json(r1):.0f} / {non_json(r10['refreshes']):.0f} / {non_json(r50):.0f} ms — what "
        "remains proportional to the account is reading the listing (HTTP, decode, one signature "
        "per record), which a REST poll cannot avoid.",
        "",
        "## Poll cost and interval",
        "",
        "| live calls | requests per poll | bytes per poll | first pass (fetch) | interval in force | header |",
        "|---|---|---|---|---|---|",
    ]
    for n in SIZES:
        rn = results[str(n)]
        last = rn["refreshes"][-1]
        tail = rn["header"].split("│")[-1].strip()
        lines.append(
            f"| {n:,} | {last['requests']} | {last['bytes'] / 1e6:.2f} MB | "
            f"{rn['first_poll']['fetch_ms']:.0f} ms | {last['interval_s']:g} s | `{tail}` |"
        )
    rl = results["1000"]["rate_limit"]
    lines += [
        "",
        f"Rate limiting (1k, every request answered 429): interval {rl['before_s']:g} s → "
        f"{rl['after_429_s']:g} s after one rate-limited pass (header: "
        f"`{rl['header'].split('│')[-1].strip()}`), back to {rl['after_recovery_s']:g} s after one "
        "good pass.",
        "",
        "## First paint",
        "",
        "| live calls | rows | first pass fetch | last page in → rows painted | first page in → rows painted |",
        "|---|---|---|---|---|",
    ]
    for n in SIZES:
        fp = results[str(n)]["first_poll"]
        lines.append(
            f"| {n:,} | {fp['rows']:,} | {fp['fetch_ms']:.0f} ms | "
            f"{fp['paint_after_last_page_ms']:.0f} ms | {fp['paint_after_first_page_ms']:.0f} ms |"
        )
    return "\n".join(lines) + "\n", failed


# ------------------------------------------------------------------------------ entry points


def child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CALLBOARD_CONFIG"] = str(tmp / "config.toml")
    env["CALLBOARD_LOG_DIR"] = str(tmp / "logs")
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "CALLBOARD_API_URL"):
        env.pop(name, None)
    return env


def main(argv: list[str] | None = None) -> int:
    """The console process: measure everything, write the JSON results to ``--out``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part", choices=PARTS, required=True)
    args = parser.parse_args(argv)
    results = asyncio.run(measure_part(args.part))
    args.out.write_text(json.dumps(results, default=str))
    return 0


@pytest.mark.benchmark_suite
@pytest.mark.timeout(1800)
def test_end_to_end() -> None:
    results: dict[str, Any] = {}
    for part in PARTS:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "results.json"
            command = [sys.executable, "-m", "tests.benchmarks.bench_end_to_end"]
            subprocess.run(
                [*command, "--part", part, "--out", str(out)],
                cwd=ROOT,
                env=child_env(Path(tmp)),
                check=True,
                timeout=600,
            )
            results.update(json.loads(out.read_text()))
    report, failed = render(results)
    print("\n" + report)
    write_result("end_to_end.md", report)
    for name, block in readme_blocks(report).items():
        write_result(f"readme/{name}.md", block)
    assert not failed, f"targets missed: {failed}"


if __name__ == "__main__":
    sys.exit(main())
