"""The once-a-second Duration tick repaints the Duration characters that changed, and Status only
where a call just crossed a threshold: over SSH every repainted cell is bytes sent each second."""

from __future__ import annotations

from textual.geometry import Region

from tests.ui.table_helpers import SIZE, RefreshSpy, TableApp, add, make_call
from tui.core.thresholds import Thresholds
from tui.ui.widgets.call_format import column_offset
from tui.ui.widgets.call_table import CallTable


async def test_the_tick_repaints_the_changed_characters_and_only_the_status_of_a_crossing() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n, age_s=30) for n in range(1, 21))))
        await pilot.pause()
        started = table._model.rows[table._model.view.sid_at(0)].start_ts
        assert started is not None
        table._tick_durations(started + 40.5)  # the first tick sees every row once
        spy = RefreshSpy(table)
        status_x = column_offset("status", table.column_layout)
        duration_x = column_offset("duration", table.column_layout)

        def refreshed() -> set[tuple[int, int]]:
            assert None not in spy.regions
            found = {(r.x, r.width) for r in spy.regions if isinstance(r, Region)}
            assert all(isinstance(r, Region) and r.height == 1 for r in spy.regions)
            spy.regions.clear()
            return found

        table._tick_durations(started + 41.5)  # "0:40" -> "0:41": the last digit of each row
        assert refreshed() == {(duration_x + 7, 1)} and table.render_row(0).text.count("0:41")
        table._tick_durations(started + 41.9)  # the same second: nothing to write
        assert refreshed() == set()
        table._tick_durations(started + 50.5)  # "0:41" -> "0:50": two
        assert refreshed() == {(duration_x + 6, 2)}

        table.thresholds = Thresholds(long_call_s=0)  # every call is now a long call
        table._tick_durations(started + 50.7)
        crossed = spy.regions[:]
        assert refreshed() == {(status_x, duration_x + 8 - status_x)} and len(crossed) == 20
        table._tick_durations(started + 50.9)  # nothing crossed since, the same second
        assert refreshed() == set()


async def test_paints_between_two_ticks_show_the_last_tick_s_duration() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(make_call(1, age_s=30)))
        await pilot.pause()
        started = table._model.rows[table._model.view.sid_at(0)].start_ts
        assert started is not None
        at = column_offset("duration", table.column_layout)
        table._tick_durations(started + 61.2)
        assert table.render_line(1).text[at : at + 8] == "    1:01"  # until the next tick
        table._tick_durations(started + 62.2)
        assert table.render_line(1).text[at : at + 8] == "    1:02"
