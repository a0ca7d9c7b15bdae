"""The once-a-second Duration tick repaints the Duration cells, and Status only where a call just
crossed a threshold: over SSH every repainted cell is bytes sent each second."""

from __future__ import annotations

from textual.geometry import Region

from tests.ui.table_helpers import SIZE, RefreshSpy, TableApp, add, make_call
from tui.core.thresholds import Thresholds
from tui.ui.widgets.call_format import column_offset
from tui.ui.widgets.call_table import CallTable


async def test_the_tick_repaints_durations_and_only_the_status_of_a_crossing() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n, age_s=30) for n in range(1, 21))))
        await pilot.pause()
        table._tick_durations()  # the first tick sees every row once
        spy = RefreshSpy(table)
        table._tick_durations()
        status_x = column_offset("status", table.column_layout)
        duration_x = column_offset("duration", table.column_layout)
        assert [r.x for r in spy.regions if r is not None] == [duration_x]
        assert None not in spy.regions

        spy.regions.clear()
        table.thresholds = Thresholds(long_call_s=0)  # every call is now a long call
        table._tick_durations()
        statuses = [r for r in spy.regions if r is not None and r.x == status_x]
        assert len(statuses) == 20 and all(
            isinstance(r, Region) and r.height == 1 for r in statuses
        )
        spy.regions.clear()
        table._tick_durations()  # nothing crossed since
        assert [r.x for r in spy.regions if r is not None] == [duration_x]
