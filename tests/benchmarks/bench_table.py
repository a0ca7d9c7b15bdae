"""CallTable against Textual's DataTable at 1k / 10k / 50k live calls, side by side.

Run: ``uv run pytest tests/benchmarks/bench_table.py -m benchmark_suite -s``. Prints a Markdown
table and writes it to ``.results/table.md``.

How blocking is measured. A supervisor feels the *longest single block* of the event loop: while
one callback runs, no key is handled. So, while an operation is measured, every callback the loop
runs (``asyncio.events.Handle._run``, which also carries every task step) is timed:

* **max block** is the longest callback: for CallTable that is the step that calls
  ``apply_diff`` synchronously, or the screen update that paints the frame, whichever is longer;
  for DataTable it is often its on-idle re-measuring handler.
* **busy** is the sum of all callback times until the app is idle again and a frame has been
  composed (``pilot.pause()`` forces the screen update), i.e. the CPU the change cost in total.
* ``lines`` counts ``render_line`` calls: the paint work, which should follow what is visible.

Each change runs with the garbage collector paused, for both tables, as ``MainScreen`` applies a
poll; otherwise a full collection triggered by the 10k-row fill lands in the measured block.

Headless runs do not write to a terminal, so terminal I/O is excluded for both tables alike.
Figures are medians over a few runs; compare ratios rather than absolute times (shared CI VMs
vary by tens of percent).
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib.metadata import version

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.results import write_result
from tui.core.gc_pause import collector_paused
from tui.core.models import Call, CallDiff
from tui.ui.widgets.call_format import (
    COLUMNS,
    direction_label,
    format_duration_cell,
    format_queue,
    format_started,
    start_timestamp,
)
from tui.ui.widgets.call_table import CallTable

pytestmark = pytest.mark.benchmark_suite

SIZE = (160, 50)
NOW = datetime.now(UTC)
STATUSES = ("queued", "ringing", "in-progress")


def make_call(n: int, status: str | None = None) -> Call:
    start = NOW - timedelta(seconds=(n * 7919) % 86_400)
    status = status or STATUSES[n % 3]
    return Call(
        sid=f"CA{n:032x}",
        parent_call_sid=None,
        direction=("inbound", "outbound-api", "outbound-dial")[n % 3],
        from_=f"+1{(n * 7919) % 10**10:010d}",
        to=f"+1555{n % 10**7:07d}",
        status=status,
        start_time=None if status == "queued" else start,
        date_created=start,
        date_updated="",
        duration=None,
        queue_time_ms=(n % 50) * 100 if n % 4 == 0 else None,
        answered_by="human" if status == "in-progress" else None,
    )


def churn(calls: dict[str, Call], run: int, fraction: float = 0.01) -> CallDiff:
    """``fraction`` of the table added, removed and changed, spread through it."""
    sids = list(calls)
    count = max(1, int(len(sids) * fraction))
    step = len(sids) // count
    removed = sids[run % step :: step][:count]
    changed_sids = [s for s in sids[(run + 1) % step :: step] if s not in removed][:count]
    changed = []
    for sid in changed_sids:
        old = calls[sid]
        status = STATUSES[(STATUSES.index(old.status) + 1) % 3]
        changed.append(make_call(int(sid[2:], 16), status))
    base = 10_000_000 + run * count
    added = [make_call(base + i) for i in range(count)]
    for sid in removed:
        del calls[sid]
    for call in (*changed, *added):
        calls[call.sid] = call
    return CallDiff(added=tuple(added), changed=tuple(changed), removed=tuple(removed))


def cells(call: Call) -> tuple[str, ...]:
    """The same cell text for DataTable (which gets plain strings, the fastest input)."""
    return (
        " ",
        call.short_sid,
        direction_label(call.direction),
        call.from_,
        call.to,
        call.status,
        format_duration_cell(start_timestamp(call)).strip(),
        format_started(call.start_time),
        format_queue(call.queue_time_ms),
        call.answered_by or "",
    )


@dataclass
class Blocks:
    """Callback durations recorded while measuring."""

    durations: list[float] = field(default_factory=list)

    @property
    def max_ms(self) -> float:
        return max(self.durations, default=0.0) * 1000

    @property
    def busy_ms(self) -> float:
        return sum(self.durations) * 1000


@contextmanager
def loop_blocks() -> Iterator[Blocks]:
    """Time every event-loop callback (task steps included) run inside the block."""
    blocks = Blocks()
    original = asyncio.events.Handle._run

    def timed(handle: asyncio.events.Handle) -> None:
        started = time.perf_counter()
        try:
            original(handle)
        finally:
            blocks.durations.append(time.perf_counter() - started)

    asyncio.events.Handle._run = timed  # type: ignore[method-assign, assignment]
    try:
        yield blocks
    finally:
        asyncio.events.Handle._run = original  # type: ignore[method-assign]


@dataclass
class Figure:
    max_ms: float
    busy_ms: float
    lines: int = 0

    def __str__(self) -> str:
        return f"{self.max_ms:.1f} / {self.busy_ms:.1f}"


def median(figures: list[Figure]) -> Figure:
    return Figure(
        statistics.median(f.max_ms for f in figures),
        statistics.median(f.busy_ms for f in figures),
        int(statistics.median(f.lines for f in figures)),
    )


async def settle(pilot: Pilot[None]) -> None:
    """Let the app go idle and compose a frame, twice (timers, idle handlers)."""
    await pilot.pause()
    await pilot.pause(0.02)
    await pilot.pause()


async def measure(pilot: Pilot[None], change: Callable[[], object], table: object) -> Figure:
    """Apply ``change`` inside a task step and let the app paint; see the module docstring."""
    await settle(pilot)
    rendered = [0]
    if isinstance(table, CallTable):
        original = table.render_line

        def counting(y: int) -> object:
            rendered[0] += 1
            return original(y)

        table.render_line = counting  # type: ignore[method-assign,assignment]

    async def step() -> None:
        # As the app applies a poll (MainScreen): with the collector paused, for both tables.
        with collector_paused():
            change()

    with loop_blocks() as blocks:
        await asyncio.get_running_loop().create_task(step())
        await settle(pilot)
    if isinstance(table, CallTable):
        del table.render_line
    return Figure(blocks.max_ms, blocks.busy_ms, rendered[0])


class CallTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CallTable()


class DataTableApp(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row")
        for column in COLUMNS:
            table.add_column(column.title, width=column.width, key=column.key)
        yield table


def populate_datatable(table: DataTable[str], calls: list[Call]) -> None:
    for call in calls:
        table.add_row(*cells(call), key=call.sid)


def apply_to_datatable(table: DataTable[str], diff: CallDiff) -> None:
    """The diff the stock way: update_cell for changes, remove_row and add_row by key."""
    for call in diff.changed:
        table.update_cell(call.sid, "status", call.status)
    for sid in diff.removed:
        table.remove_row(sid)
    for call in diff.added:
        table.add_row(*cells(call), key=call.sid)


def refill_datatable(table: DataTable[str], calls: dict[str, Call]) -> None:
    table.clear()
    populate_datatable(table, list(calls.values()))


# --------------------------------------------------------------------------------------------


async def calltable_first_paint(n: int) -> Figure:
    calls = [make_call(i) for i in range(n)]
    async with CallTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(CallTable)
        return await measure(pilot, lambda: table.apply_diff(CallDiff(added=tuple(calls))), table)


async def datatable_first_paint(n: int) -> Figure:
    calls = [make_call(i) for i in range(n)]
    async with DataTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(DataTable)
        return await measure(pilot, lambda: populate_datatable(table, calls), table)


async def calltable_churn(n: int, runs: int = 5) -> Figure:
    calls = {c.sid: c for c in (make_call(i) for i in range(n))}
    async with CallTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(CallTable)
        table.apply_diff(CallDiff(added=tuple(calls.values())))
        figures = []
        for run in range(runs):
            diff = churn(calls, run)
            figures.append(await measure(pilot, partial(table.apply_diff, diff), table))
        return median(figures)


async def datatable_churn(n: int, runs: int, refill: bool) -> Figure:
    calls = {c.sid: c for c in (make_call(i) for i in range(n))}
    async with DataTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(DataTable)
        populate_datatable(table, list(calls.values()))
        await settle(pilot)
        figures = []
        for run in range(runs):
            diff = churn(calls, run)
            if refill:
                change: Callable[[], object] = lambda: refill_datatable(table, calls)  # noqa: E731
            else:
                change = lambda d=diff: apply_to_datatable(table, d)  # type: ignore[misc] # noqa: E731
            figures.append(await measure(pilot, change, table))
        return median(figures)


async def calltable_sort_and_filter(n: int) -> tuple[Figure, Figure, Figure]:
    calls = [make_call(i) for i in range(n)]
    async with CallTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(CallTable)
        table.apply_diff(CallDiff(added=tuple(calls)))
        sort = await measure(pilot, lambda: table.sort_by("from"), table)
        narrow = await measure(pilot, lambda: table.set_filter("ringing"), table)
        clear = await measure(pilot, lambda: table.set_filter(""), table)
        return sort, narrow, clear


async def datatable_sort(n: int) -> Figure:
    calls = [make_call(i) for i in range(n)]
    async with DataTableApp().run_test(size=SIZE) as pilot:
        table = pilot.app.query_one(DataTable)
        populate_datatable(table, calls)
        await settle(pilot)
        return await measure(pilot, lambda: table.sort("from"), table)


async def memory_per_10k(use_datatable: bool) -> float:
    """KB the table itself holds for 10k calls (the Call objects are built beforehand)."""
    calls = [make_call(i) for i in range(10_000)]
    app: App[None] = DataTableApp() if use_datatable else CallTableApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        if use_datatable:
            populate_datatable(app.query_one(DataTable), calls)
        else:
            app.query_one(CallTable).apply_diff(CallDiff(added=tuple(calls)))
        await settle(pilot)
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return (after - before) / 1024


def ratio(slow: Figure, fast: Figure) -> str:
    return f"{slow.busy_ms / max(fast.busy_ms, 0.01):.0f}x"


async def run_all() -> str:
    idle = median([Figure(0, 0)])
    async with CallTableApp().run_test(size=SIZE) as pilot:
        idle = await measure(pilot, lambda: None, pilot.app.query_one(CallTable))

    ct_first = await calltable_first_paint(10_000)
    dt_first = await datatable_first_paint(10_000)
    ct_churn = {n: await calltable_churn(n) for n in (1_000, 10_000, 50_000)}
    dt_churn = {1_000: await datatable_churn(1_000, 3, False)}
    dt_churn[10_000] = await datatable_churn(10_000, 2, False)
    dt_refill = {1_000: await datatable_churn(1_000, 3, True)}
    dt_refill[10_000] = await datatable_churn(10_000, 1, True)
    ct_sort, ct_filter, ct_unfilter = await calltable_sort_and_filter(10_000)
    dt_sort = await datatable_sort(10_000)
    ct_mem = await memory_per_10k(False)
    dt_mem = await memory_per_10k(True)

    rows = [
        "| operation (max block ms / busy ms) | CallTable | DataTable diff API "
        "| DataTable clear+refill | CallTable lines painted | busy ratio DT÷CT |",
        "|---|---|---|---|---|---|",
        f"| idle baseline | {idle} | | | {idle.lines} | |",
        f"| first paint 10k (apply + first frame) | {ct_first} | {dt_first} (populate) | "
        f"| {ct_first.lines} | {ratio(dt_first, ct_first)} |",
    ]
    for n in (1_000, 10_000, 50_000):
        dt = dt_churn.get(n)
        rf = dt_refill.get(n)
        skipped = "skipped (O(n) per remove)"
        rows.append(
            f"| churn 1%+1%+1% at {n // 1000}k | {ct_churn[n]} | {dt or skipped}"
            f" | {rf or 'skipped'} | {ct_churn[n].lines} | "
            f"{ratio(dt, ct_churn[n]) if dt else '-'} |"
        )
    rows += [
        f"| sort by From at 10k | {ct_sort} | {dt_sort} (`sort`) | | {ct_sort.lines} "
        f"| {ratio(dt_sort, ct_sort)} |",
        f"| filter 'ringing' at 10k | {ct_filter} | n/a | | {ct_filter.lines} | |",
        f"| clear filter at 10k | {ct_unfilter} | n/a | | {ct_unfilter.lines} | |",
        f"| memory per 10k rows (tracemalloc) | {ct_mem:.0f} KB | {dt_mem:.0f} KB | | | "
        f"{dt_mem / max(ct_mem, 1):.1f}x |",
    ]
    shape = ct_churn[50_000].busy_ms / max(ct_churn[1_000].busy_ms, 0.01)
    rows.append("")
    rows.append(f"CallTable churn busy time 50k ÷ 1k: {shape:.1f}x for 50x the calls.")
    return "\n".join(rows)


async def test_call_table_against_datatable() -> None:
    # What earlier benchmarks left in this process (a 10k-call simulator) is collected, and the
    # rest frozen as the app freezes its start-up heap, so no collection of it lands in a figure.
    gc.collect()
    gc.freeze()
    try:
        report = await run_all()
    finally:
        gc.unfreeze()
    write_result(
        "table.md",
        "# CallTable vs DataTable\n\n"
        f"{SIZE[0]}x{SIZE[1]} headless, textual {version('textual')}. "
        "Generated by tests/benchmarks/bench_table.py.\n\n" + report + "\n",
    )
    print("\n" + report)
