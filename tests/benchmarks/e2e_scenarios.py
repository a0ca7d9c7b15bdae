"""What each end-to-end part runs: a size's first poll, refreshes, keys and late-shift GC; the
rate-limit demo; idle CPU; and the table baselines replayed from the recorded diffs.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any

from tests.benchmarks.e2e_console import (
    header_text,
    key_to_request,
    make_app,
    refresh,
    script_per_action,
    settle,
    wait_for,
)
from tests.benchmarks.e2e_gc import full_collection_after_churn
from tests.benchmarks.e2e_probes import PROBE, rss_mb
from tests.benchmarks.e2e_settings import (
    ADVANCE_S,
    IDLE_CALLS,
    IDLE_S,
    KEY_PRESSES,
    REFRESHES,
    SCRIPT_RUNS,
    SIZE,
)
from tests.benchmarks.next_targets import first_rows
from tests.benchmarks.sim_process import SimProcess, simulator


async def run_console(n: int, *, compact: bool = False) -> dict[str, Any]:
    """First paint and steady refreshes at ``n`` calls; at 10k also CPU, RSS, keys, baselines
    (not with ``compact``: that run only repeats the refreshes on compact JSON)."""
    from tui.core.models import PollSucceeded

    out: dict[str, Any] = {"n": n}
    big = n == 10_000 and not compact
    with simulator(n, compact=compact) as sim:
        app = make_app(sim)
        PROBE.first_row_paint_at = PROBE.complete_paint_at = None
        PROBE.complete_applied = False
        arrivals_before, sent_before = len(PROBE.arrivals), len(PROBE.sent)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: bool(app.events), "the first poll", within=300)
            await wait_for(lambda: PROBE.first_row_paint_at is not None, "the first paint")
            await wait_for(lambda: PROBE.complete_paint_at is not None, "the complete paint")
            _, first = app.events[0]
            assert isinstance(first, PollSucceeded), first
            pass_arrivals = PROBE.arrivals[arrivals_before:]
            out["first_poll"] = {
                "requests": first.stats.requests,
                "bytes": first.stats.bytes_received,
                "fetch_ms": first.stats.duration_s * 1000,
                # The whole first poll on screen: the table's first paint once the complete
                # pass was applied (its first rows were painted long before, page by page).
                "paint_after_last_page_ms": ((PROBE.complete_paint_at or 0) - pass_arrivals[-1])
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
