"""A bare app for driving one modal screen as a supervisor would, and readers of what it shows.

Shared by the modal-screen tests (``test_screens.py``, ``test_screen_transfer.py``,
``test_screen_twiml_editor.py``): each pushes one screen onto :class:`ScreenHarness` with a
callback and asserts on the text on screen, whether the dialog is still open, and the value the
app would act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Static

from tui.core.models import Call

SIZE = (120, 40)


class ScreenHarness(App[None]):
    """A bare app that pushes one screen and records what it was dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen_under_test = screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.screen_under_test, self.results.append)


def make_call(
    n: int,
    status: str = "in-progress",
    *,
    parent: str | None = None,
    raw: Mapping[str, object] | None = None,
) -> Call:
    sid = f"CA{n:032x}"
    return Call(
        sid=sid,
        parent_call_sid=parent,
        direction="inbound" if parent is None else "outbound-dial",
        from_=f"+1555000{n:04d}",
        to=f"+1555999{n:04d}",
        status=status,
        start_time=datetime(2026, 11, 23, 18, 0, tzinfo=UTC),
        date_created=None,
        date_updated="Mon, 23 Nov 2026 18:00:05 +0000",
        duration=None,
        queue_time_ms=0,
        answered_by=None,
        raw=raw if raw is not None else {},
    )


def screen_text(screen: Screen[Any]) -> str:
    """Everything the labels and statics on a screen currently say, one per line."""
    return "\n".join(str(widget.render()) for widget in screen.query(Static))


def label_texts(screen: Screen[Any], selector: str) -> list[str]:
    return [str(label.render()) for label in screen.query(selector).results(Label)]


def widget_lines(widget: Widget) -> list[str]:
    """The lines one widget shows on screen now, as painted (trailing blanks dropped)."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def table_rows(lines: list[str], starts: list[int]) -> list[list[str]]:
    """The painted ``lines`` of a text table read back as rows of cell texts.

    ``starts`` are the columns' first cells (as a supervisor lines them up by eye). A row begins
    on a line whose first column is not blank; a cell that wrapped onto the next lines is read
    as its lines joined by a space.
    """
    bounds: list[tuple[int, int | None]] = [*pairwise(starts), (starts[-1], None)]
    rows: list[list[list[str]]] = []
    for line in lines:
        cells = [line[start:end].strip() for start, end in bounds]
        if cells[0] or not rows:
            rows.append([[cell] if cell else [] for cell in cells])
        else:
            for parts, cell in zip(rows[-1], cells, strict=True):
                if cell:
                    parts.append(cell)
    return [[" ".join(parts) for parts in row] for row in rows]
