"""The call table as a supervisor sees it: rows come and go, the cursor sticks to its call.

Widget unit tests: a tiny app composes only the ``CallTable`` and calls are built directly
(``table_helpers.py``), so each test says what a user would notice without a simulator.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style

from tests.ui.table_helpers import (
    SIZE,
    TableApp,
    add,
    lines,
    make_call,
    remove,
    shown_sids,
    sid_of,
)
from tui.core.models import CallDiff
from tui.core.thresholds import Thresholds
from tui.ui.widgets.call_format import (
    MARK,
    column_offset,
    format_duration,
    format_queue,
)
from tui.ui.widgets.call_table import CallTable


async def test_rows_appear_and_leave_with_a_diff() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(make_call(1), make_call(2), make_call(3)))
        await pilot.pause()
        assert (table.row_count, table.total_count) == (3, 3)
        screen = "\n".join(lines(table))
        assert all(make_call(n).short_sid in screen for n in (1, 2, 3))

        table.apply_diff(remove(2))
        await pilot.pause()
        screen = "\n".join(lines(table))
        assert make_call(2).short_sid not in screen
        assert table.row_count == 2
        assert table.get_call(sid_of(2)) is None


async def test_cells_line_up_under_their_headers() -> None:
    app = TableApp()
    async with app.run_test(size=(160, SIZE[1])) as pilot:  # room for every column, short SIDs
        table = app.query_one(CallTable)
        call = make_call(
            7, status="ringing", age_s=75, direction="outbound-dial", queue_time_ms=4200
        )
        table.apply_diff(add(call))
        await pilot.pause()
        header, row = lines(table)[:2]
        for title, cell in [
            ("Call SID", call.short_sid),
            ("Dir", "dial"),
            ("From", call.from_),
            ("To", call.to),
            ("Status", "ringing"),
            ("Started", call.start_time.astimezone().strftime("%H:%M:%S")),  # type: ignore[union-attr]
        ]:
            assert row.index(cell) == header.index(title), title
        duration_end = column_offset("duration", table.column_layout) + 8
        expected = int((datetime.now(UTC) - call.start_time).total_seconds())  # type: ignore[operator]
        shown = row[duration_end - 8 : duration_end].split()[-1]
        seconds = 0
        for part in shown.split(":"):  # m:ss or h:mm:ss
            seconds = seconds * 60 + int(part)
        assert abs(seconds - expected) <= 1, shown
        assert header.rstrip().endswith("AMD")
        assert "Dial wait" in header
        assert "4.2s" in row


async def test_cursor_stays_on_its_call_when_rows_arrive_above() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n) for n in range(100))))
        await pilot.pause()
        await pilot.press("down", "down", "down")
        target = table.cursor_call
        assert target is not None and target.sid == sid_of(96)  # newest first
        line_before = table.cursor_index - round(table.scroll_y)

        table.apply_diff(add(*(make_call(n) for n in range(1000, 1010))))  # newer: above
        await pilot.pause()
        assert table.cursor_call == target
        assert table.cursor_index - round(table.scroll_y) == line_before
        assert table.cursor_index == 13


async def test_cursor_moves_to_a_neighbour_when_its_call_leaves() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n) for n in range(10))))
        await pilot.pause()
        await pilot.press("down", "down")
        assert table.cursor_call is not None and table.cursor_call.sid == sid_of(7)
        table.apply_diff(remove(7))
        await pilot.pause()
        assert table.cursor_call is not None and table.cursor_call.sid == sid_of(6)

        await pilot.press("end")
        table.apply_diff(remove(0))  # the last row leaves: take the one above
        await pilot.pause()
        assert table.cursor_call is not None and table.cursor_call.sid == sid_of(1)


async def test_sort_flips_on_the_same_column_and_the_header_says_so() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        numbers = ["+13335550000", "+11115550000", "+12225550000"]
        table.apply_diff(add(*(make_call(n, from_=f) for n, f in enumerate(numbers))))
        await pilot.pause()
        assert "Started▼" in lines(table)[0]  # default: newest first
        assert shown_sids(table) == [sid_of(2), sid_of(1), sid_of(0)]

        table.sort_by("from")
        await pilot.pause()
        assert "From▲" in lines(table)[0]
        assert [table.get_call_at(i).from_ for i in range(3)] == sorted(numbers)

        table.sort_by("from")
        await pilot.pause()
        assert "From▼" in lines(table)[0]
        assert [table.get_call_at(i).from_ for i in range(3)] == sorted(numbers, reverse=True)


async def test_status_sort_follows_the_call_lifecycle() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        statuses = ["in-progress", "queued", "ringing"]
        table.apply_diff(add(*(make_call(n, status=s) for n, s in enumerate(statuses))))
        table.sort_by("status", descending=False)
        await pilot.pause()
        assert [table.get_call_at(i).status for i in range(3)] == [
            "queued",
            "ringing",
            "in-progress",
        ]


async def test_filter_narrows_and_clears() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(
            add(
                make_call(1, status="ringing"),
                make_call(2),
                make_call(3, answered_by="machine_start"),
            )
        )
        table.set_filter("RING")
        await pilot.pause()
        assert shown_sids(table) == [sid_of(1)]
        assert (table.row_count, table.total_count) == (1, 3)

        table.apply_diff(CallDiff(changed=(make_call(2, status="ringing"),)))
        await pilot.pause()
        assert shown_sids(table) == [sid_of(2), sid_of(1)]  # a call that now matches shows up

        table.set_filter("machine")
        assert shown_sids(table) == [sid_of(3)]
        assert table.cursor_call is not None and table.cursor_call.sid == sid_of(3)

        table.set_filter("")
        await pilot.pause()
        assert table.row_count == 3


async def test_marks_toggle_with_space_survive_refreshes_and_leave_with_the_call() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(*(make_call(n) for n in range(5))))
        await pilot.pause()
        await pilot.press("space", "down", "space", "down")
        assert table.marked_sids == {sid_of(4), sid_of(3)}
        assert lines(table)[1].startswith(MARK)

        table.apply_diff(CallDiff(changed=(make_call(4, status="ringing"),), added=(make_call(9),)))
        await pilot.pause()
        assert table.marked_sids == {sid_of(4), sid_of(3)}
        assert [c.sid for c in table.target_calls()] == [sid_of(4), sid_of(3)]

        table.apply_diff(remove(4))
        await pilot.pause()
        assert table.marked_sids == {sid_of(3)}

        await pilot.press("up")  # back onto call 3
        await pilot.press("space")
        assert table.marked_sids == frozenset()
        assert table.target_calls() == [table.cursor_call]
        table.clear_marks()
        assert table.marked_sids == frozenset()


async def test_selection_changes_are_announced() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(make_call(1), make_call(2)))
        await pilot.pause()
        await pilot.press("down", "space")
        await pilot.pause()
        last = app.selections[-1]
        assert last.cursor_sid == sid_of(1)
        assert last.marked == {sid_of(1)}


async def test_enter_opens_the_call_under_the_cursor() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(add(make_call(1), make_call(2)))
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened == [make_call(1)]


async def test_child_legs_sit_under_their_parent_and_move_with_it() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        # the child arrives first: it shows on its own until its parent is there
        table.apply_diff(add(make_call(50, parent=10, direction="outbound-dial")))
        table.apply_diff(add(make_call(10), make_call(20), make_call(30)))
        await pilot.pause()
        assert shown_sids(table) == [sid_of(30), sid_of(20), sid_of(10), sid_of(50)]
        assert "└ " + make_call(50).short_sid in lines(table)[4]
        child = make_call(50, parent=10, direction="outbound-dial")
        assert table.children_of(sid_of(10)) == [child]

        table.sort_by("started", descending=False)
        assert shown_sids(table) == [sid_of(10), sid_of(50), sid_of(20), sid_of(30)]

        table.apply_diff(remove(10))  # orphaned: a row of its own again
        await pilot.pause()
        assert "└ " not in "\n".join(lines(table))


async def test_status_is_coloured_by_component_class_and_stale_dims() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        table.thresholds = Thresholds(long_wait_s=1e9)  # a long wait has its own style
        table.apply_diff(add(make_call(1, status="ringing"), make_call(2, status="queued")))
        await pilot.pause()

        def status_style(index: int, status: str) -> Style:
            strip = table.render_row(index)
            return next(s.style for s in strip if s.text.startswith(status) and s.style)

        ringing = table.get_component_rich_style("call-table--status-ringing", partial=True)
        queued = table.get_component_rich_style("call-table--status-queued", partial=True)
        assert status_style(1, "ringing").color == ringing.color
        assert status_style(0, "queued").color == queued.color
        assert ringing.color != queued.color

        table.stale = True
        await pilot.pause()
        assert all(segment.style and segment.style.dim for segment in table.render_row(1))


async def test_duration_ticks_from_the_start_time() -> None:
    assert format_duration(None) == ""
    assert format_duration(65) == "1:05"
    assert format_duration(3 * 3600 + 62) == "3:01:02"
    assert format_queue(None) == "" and format_queue(1500) == "1.5s"
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CallTable)
        call = make_call(1, age_s=10)
        assert call.start_time is not None
        table.apply_diff(add(call, make_call(2, status="queued")))
        await pilot.pause()
        at = column_offset("duration", table.column_layout)
        started = call.start_time.timestamp()
        assert table.get_call_at(0).sid == sid_of(1)
        assert table.render_row(0, now=started + 59).text[at : at + 8].strip() == "0:59"
        assert table.render_row(0, now=started + 61).text[at : at + 8].strip() == "1:01"
        assert table.render_row(1).text[at : at + 8].strip() == ""  # queued: not started
