"""After a diff the table repaints only the lines that changed, in work that follows the diff.

Over SSH every repainted line is bytes sent; at 10k calls every row of work is time the keys wait.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from tests.ui.table_helpers import SIZE, RefreshSpy, TableApp, add, make_call, remove, sid_of
from tui.core.models import CallDiff
from tui.ui.widgets.call_table import CallTable


async def test_only_changed_visible_lines_are_repainted() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n) for n in range(1000))))
        await pilot.pause()
        spy = RefreshSpy(table)

        table.apply_diff(CallDiff(changed=(make_call(998, status="ringing"),)))  # row 1
        assert [(r.y, r.height) for r in spy.regions if r is not None] == [(2, 1)]
        assert None not in spy.regions

        spy.regions.clear()
        table.apply_diff(CallDiff(changed=(make_call(5, status="ringing"),)))  # off screen
        assert spy.regions == []

        spy.regions.clear()
        table.apply_diff(remove(4))
        assert spy.regions == []  # left below the viewport: nothing on screen moved

        spy.regions.clear()
        table.apply_diff(remove(997))  # a visible row leaves: rows below shift up
        assert None in spy.regions


async def test_scaling_shape_diff_cost_follows_changes_not_table_size() -> None:
    """Same 100-change diff at 1k and 10k rows: 10k must stay within ~3x of 1k."""

    async def best_apply_time(size: int) -> float:
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(CallTable)
            table.apply_diff(add(*(make_call(n) for n in range(size))))
            await pilot.pause()
            best = float("inf")
            for run in range(7):
                diff = churn(size, run, 34)
                started = time.perf_counter()
                table.apply_diff(diff)
                best = min(best, time.perf_counter() - started)
                await pilot.pause()
            return best

    small, large = await best_apply_time(1_000), await best_apply_time(10_000)
    assert large <= 3 * small + 0.0005, (small, large)


def churn(size: int, run: int, each: int) -> CallDiff:
    """``each`` calls added, removed and changed, spread over the table (run ``run``)."""
    step = max(1, size // each)
    base = 1_000_000 + run * each
    removed: Iterable[int] = range(run, size, step)
    changed = [make_call(n + 1, status="ringing") for n in range(run, size, step)]
    return CallDiff(
        added=tuple(make_call(base + i, age_s=float(i * 7 % 90_000)) for i in range(each)),
        removed=tuple(sid_of(n) for n in list(removed)[:each]),
        changed=tuple(changed[:each]),
    )
