"""How one call becomes the text of one table row, and what the filter searches in it.

Kept apart from the widget and free of Textual so the formatting can be read, tested and reused
without a running app. The column registry, the layouts and the sort values live in
``call_columns.py``, the single-cell formatters in ``call_cells.py``; every name they define is
still importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.widgets.call_cells import (
    caller_name,
    direction_label,
    elapsed,
    fit,
    format_duration,
    format_duration_cell,
    format_queue,
    format_started,
    start_timestamp,
)
from tui.ui.widgets.call_columns import (
    BLANK,
    COLUMNS,
    DEFAULT_SORT,
    SEPARATOR,
    SORT_VALUES,
    CellKind,
    Column,
    Layout,
    PlacedColumn,
    SortValue,
    blank_value,
    column_offset,
    column_title,
    is_sortable,
    layout_for,
    register_column,
    sort_value,
    sortable_keys,
    unregister_column,
)

CHILD_PREFIX: Final = "└ "
"""Put in front of a child leg's SID so it reads as belonging to the row above."""

_CHILD_PREFIX_WIDTH: Final = 2
"""Cells taken by ``CHILD_PREFIX`` (both characters are one cell wide)."""

MARK: Final = "✓"
WATCHED_MARK: Final = "◉"
"""In the marker cell of a call another supervisor is viewing or acting on (hub consoles)."""


Piece = tuple[str, CellKind]
"""A run of a row's text and what it is: plain text, the status cell or the Duration slot."""


def _sid_cell(call: Call, width: int, is_child: bool) -> str:
    sid = display_text(call.sid, limit=64)  # a SID is data too: an ESC in one must stay inert
    shown = sid if width >= len(sid) + _CHILD_PREFIX_WIDTH else display_text(call.short_sid)
    # The prefix is fitted apart: "└" is not ASCII, and fitting it with the SID would send every
    # child leg down rich's per-character cell measuring (a few ms per full repaint).
    if is_child:
        return CHILD_PREFIX + fit(shown, width - _CHILD_PREFIX_WIDTH)
    return fit(shown, width)


def format_row(
    call: Call, layout: Layout, *, marked: bool, is_child: bool, watched: bool = False
) -> list[Piece]:
    """The static cells of one row as pieces; the ``duration`` piece is a slot the widget fills.

    Called only for rows about to be painted. Consecutive plain cells are merged into one piece
    (with their separators), so a row is at most five segments.
    """
    pieces: list[Piece] = []
    for index, placed in enumerate(layout.columns):
        column, width = placed.column, placed.width
        kind = column.kind
        if kind == "marker":
            text = fit(MARK if marked else WATCHED_MARK if watched else " ", width)
        elif kind == "sid":
            text = _sid_cell(call, width, is_child)
        elif kind == "status":
            text = fit(display_text(call.status), width)
        elif kind == "duration":
            text = ""
        else:
            assert column.cell is not None
            text = fit(column.cell(call), width, right=column.right)
        if kind in ("status", "duration"):
            if index:
                _append_text(pieces, SEPARATOR)
            pieces.append((text, kind))
        else:
            _append_text(pieces, SEPARATOR + text if index else text)
    return pieces


def _append_text(pieces: list[Piece], text: str) -> None:
    if pieces and pieces[-1][1] == "text":
        pieces[-1] = (pieces[-1][0] + text, "text")
    else:
        pieces.append((text, "text"))


def format_header(layout: Layout, sort_column: str, descending: bool) -> str:
    """The header line; the sorted column's title carries ▲ (ascending) or ▼ (descending)."""
    cells = []
    for placed in layout.columns:
        title = placed.column.title
        if placed.column.key == sort_column:
            title = f"{title}{'▼' if descending else '▲'}"
        cells.append(fit(title, placed.width, right=placed.column.right))
    return SEPARATOR.join(cells)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def haystack(call: Call) -> str:
    """What the filter searches, lower-cased once per call version.

    Every searchable column's text, Twilio's full direction, and the numbers' digits alone, so
    a number typed as it is written (``(415) 555-0100``) matches; see :func:`filter_digits`.
    """
    parts = [call.sid, call.from_, call.to, call.status, call.direction, call.answered_by or ""]
    for column in COLUMNS:
        if column.search and column.cell is not None:
            parts.append(column.cell(call))
    parts += [_digits(call.from_), _digits(call.to)]
    return "\n".join(parts).lower()


_NUMBER_CHARS: Final = frozenset("0123456789 +-().")


def filter_digits(text: str) -> str:
    """For a filter that looks like a phone number as people write it, its digits; else ``""``."""
    stripped = text.strip()
    digits = _digits(stripped)
    if len(digits) >= 3 and set(stripped) <= _NUMBER_CHARS and digits != stripped:
        return digits
    return ""


__all__: Sequence[str] = (
    "BLANK",
    "CHILD_PREFIX",
    "COLUMNS",
    "DEFAULT_SORT",
    "MARK",
    "SEPARATOR",
    "SORT_VALUES",
    "WATCHED_MARK",
    "CellKind",
    "Column",
    "Layout",
    "Piece",
    "PlacedColumn",
    "SortValue",
    "blank_value",
    "caller_name",
    "column_offset",
    "column_title",
    "direction_label",
    "elapsed",
    "filter_digits",
    "fit",
    "format_duration",
    "format_duration_cell",
    "format_header",
    "format_queue",
    "format_row",
    "format_started",
    "haystack",
    "is_sortable",
    "layout_for",
    "register_column",
    "sort_value",
    "sortable_keys",
    "start_timestamp",
    "unregister_column",
)
