"""What the call table tests share: calls built directly, a tiny app with only the table.

Widget unit tests compose only the ``CallTable`` and build calls directly, so each test says what
a user would notice without a simulator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.geometry import Region

from tui.core.models import Call, CallDiff
from tui.ui.widgets.call_table import CallTable

SIZE = (140, 40)
NOW = datetime.now(UTC).replace(microsecond=0)


def sid_of(n: int) -> str:
    return f"CA{n:032x}"


def make_call(
    n: int,
    *,
    status: str = "in-progress",
    age_s: float | None = None,
    parent: int | None = None,
    from_: str | None = None,
    direction: str = "inbound",
    answered_by: str | None = None,
    queue_time_ms: int | None = None,
) -> Call:
    """Call ``n`` started ``age_s`` seconds ago, counted from now (default: from the module's
    ``NOW``, higher ``n`` = newer, so calls made in different tests keep one order)."""
    if age_s is None:
        start = NOW - timedelta(seconds=100_000 - n)
    else:
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=age_s)
    return Call(
        sid=sid_of(n),
        parent_call_sid=None if parent is None else sid_of(parent),
        direction=direction,
        from_=from_ or f"+1555{n:07d}",
        to="+15559990000",
        status=status,
        start_time=None if status == "queued" else start,
        date_created=start,
        date_updated="",
        duration=None,
        queue_time_ms=queue_time_ms,
        answered_by=answered_by,
    )


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[Call] = []
        self.selections: list[CallTable.SelectionChanged] = []

    def compose(self) -> ComposeResult:
        yield CallTable()

    def on_call_table_opened(self, message: CallTable.Opened) -> None:
        self.opened.append(message.call)

    def on_call_table_selection_changed(self, message: CallTable.SelectionChanged) -> None:
        self.selections.append(message)


def lines(table: CallTable) -> list[str]:
    """The text on screen, header first, for the rows that exist."""
    return [table.render_line(y).text.rstrip() for y in range(min(table.row_count + 1, 39))]


def add(*calls: Call) -> CallDiff:
    return CallDiff(added=tuple(calls))


def remove(*ns: int) -> CallDiff:
    return CallDiff(removed=tuple(sid_of(n) for n in ns))


def shown_sids(table: CallTable) -> list[str]:
    return [table.get_call_at(i).sid for i in range(table.row_count)]


class RefreshSpy:
    """Records the regions a table asks to repaint (None = the whole widget)."""

    def __init__(self, table: CallTable) -> None:
        self.regions: list[Region | None] = []
        original = table.refresh

        def spy(*regions: Region, **kwargs: bool) -> CallTable:
            self.regions.extend(regions or [None])
            return original(*regions, **kwargs)

        table.refresh = spy  # type: ignore[method-assign]
