"""The filter matches caller names and numbers as people write them, says when nothing
matches, and keeps a child leg's parent in view; the detail shows local times; screenshots
land in a directory that exists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from tests.ui.table_helpers import make_call, sid_of
from tui.core.models import CallDiff
from tui.ui.screens.detail import format_value
from tui.ui.screenshot_dir import screenshot_dir
from tui.ui.widgets.call_table import CallTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CallTable()


def shown(table: CallTable) -> list[str]:
    return [table.get_call_at(i).sid for i in range(table.row_count)]


async def test_filter_by_caller_name_formatted_number_and_parent_of_a_leg() -> None:
    named = replace(make_call(1, from_="+14155550100"), raw={"caller_name": "ALVAREZ MARIA"})
    parent = make_call(2, from_="+442071234567")
    leg = replace(make_call(3, parent=2), to="client:agent_042")
    app = TableApp()
    async with app.run_test(size=(140, 20)) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(CallDiff(added=(named, parent, leg)))
        await pilot.pause()
        table.set_filter("alvarez")
        assert shown(table) == [sid_of(1)]
        table.set_filter("(415) 555-0100")
        assert shown(table) == [sid_of(1)]
        table.set_filter("agent_042")  # the leg matches: its parent stays above it
        assert shown(table) == [sid_of(2), sid_of(3)]
        assert table.render_line(2).text.lstrip().startswith("└")
        # A new leg of call 1 that matches brings call 1 in as well, incrementally.
        table.apply_diff(CallDiff(added=(replace(make_call(4, parent=1), to="client:agent_042"),)))
        assert set(shown(table)) == {sid_of(n) for n in (1, 2, 3, 4)}
        table.apply_diff(CallDiff(removed=(sid_of(3),)))  # the leg left: its parent goes too
        assert set(shown(table)) == {sid_of(1), sid_of(4)}
        table.set_filter("nobody-here")
        await pilot.pause()
        assert table.row_count == 0
        assert "No calls match 'nobody-here'" in table.render_line(1).text


def test_detail_times_are_in_the_tables_zone() -> None:
    twilio = "Tue, 01 Dec 2026 10:15:30 +0000"
    local = datetime(2026, 12, 1, 10, 15, 30, tzinfo=UTC).astimezone()
    assert format_value("start_time", twilio).startswith(local.strftime("%Y-%m-%d %H:%M:%S"))
    assert format_value("to", twilio) == twilio  # only time fields are converted


def test_screenshots_fall_back_when_there_is_no_downloads_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "Downloads"))
    folder = screenshot_dir()
    assert folder.is_dir() and folder == tmp_path / "data" / "callboard" / "screenshots"
    (tmp_path / "Downloads").mkdir()
    assert screenshot_dir() == tmp_path / "Downloads"
