"""Which columns the call table has, which fit at a width, and what each column sorts by.

A column is one declaration (:class:`Column`) in :data:`COLUMNS`, or one call to
:func:`register_column` from another room (the floor's "Where", the hub's presence mark). Each has
a *priority*: when the table is narrow, the columns with the largest priority numbers are left
out first; when it is wide, columns that have a ``wide_width`` grow (full Call SIDs). Every
column has a fixed width per layout, which is what lets the table render only the rows on screen.

Split from ``call_format.py`` (which turns a call into a row's text); free of Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from tui.core.models import LIVE_STATUSES, Call
from tui.core.text import display_text
from tui.ui.widgets.call_cells import (
    caller_name,
    direction_label,
    format_queue,
    format_started,
    start_timestamp,
)

SEPARATOR: Final = " "

SortValue = str | float
"""A column's comparable value. Within one column every value has the same type."""

CellKind = Literal["text", "marker", "sid", "status", "duration"]
"""``text`` cells come from ``Column.cell``; the others are filled in by the widget's rules."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the call table.

    ``key`` is what ``CallTable.sort_by`` takes; ``width`` is in terminal cells; ``priority`` 0
    means always shown, higher numbers are dropped first when the table is narrow. ``cell``
    gives a ``text`` column's content (untrusted data must go through ``display_text``);
    ``sort`` its sort value (``None`` = blank, listed last) and ``blank`` a stand-in of the same
    type. ``wide_width`` is the width it takes when the table has room to spare.
    """

    key: str
    title: str
    width: int
    priority: int
    cell: Callable[[Call], str] | None = None
    sort: Callable[[Call], SortValue | None] | None = None
    blank: SortValue = ""
    right: bool = False
    wide_width: int | None = None
    kind: CellKind = "text"
    search: bool = False
    """Whether the filter searches this column's text."""


def _status_rank(call: Call) -> float:
    try:
        return float(LIVE_STATUSES.index(call.status))
    except ValueError:
        return float(len(LIVE_STATUSES))


def _started(call: Call) -> float | None:
    """Sort by start time; a queued call without one sorts by when it was created."""
    moment = call.start_time or call.date_created
    return None if moment is None else moment.timestamp()


def _duration(call: Call) -> float | None:
    start = start_timestamp(call)
    return None if start is None else -start


def _queue(call: Call) -> float | None:
    return None if call.queue_time_ms is None else float(call.queue_time_ms)


COLUMNS: list[Column] = [
    Column("marker", "", 1, 0, kind="marker"),
    Column("sid", "Call SID", 13, 0, sort=lambda c: c.sid, wide_width=36, kind="sid", search=True),
    Column(
        "direction",
        "Dir",
        4,
        5,
        lambda c: display_text(direction_label(c.direction)),
        lambda c: direction_label(c.direction),
        search=True,
    ),
    Column("from", "From", 15, 1, lambda c: display_text(c.from_), lambda c: c.from_, search=True),
    Column("to", "To", 16, 2, lambda c: display_text(c.to), lambda c: c.to, search=True),
    Column("status", "Status", 11, 0, sort=_status_rank, blank=0.0, kind="status", search=True),
    Column("duration", "Duration", 8, 0, sort=_duration, blank=0.0, right=True, kind="duration"),
    Column("started", "Started", 8, 3, lambda c: format_started(c.start_time), _started, 0.0),
    Column("caller", "Caller", 18, 6, caller_name, lambda c: caller_name(c) or None, search=True),
    Column(
        "queue", "Dial wait", 9, 7, lambda c: format_queue(c.queue_time_ms), _queue, 0.0, right=True
    ),
    Column(
        "answered_by",
        "AMD",
        13,
        8,
        lambda c: display_text(c.answered_by or ""),
        lambda c: c.answered_by or None,
        search=True,
    ),
]
"""Display order. ``Dial wait`` is Twilio's ``queue_time`` (time before dialling, not a call
queue); ``AMD`` is answering-machine detection (``answered_by``: human, machine_start, …)."""

_layout_epoch = 0
"""Bumped by :func:`register_column` so cached layouts are rebuilt."""


def register_column(column: Column, *, after: str | None = None) -> None:
    """Add a column (from another room of the console) after the column keyed ``after``.

    Without ``after`` it goes last. Registering a key twice replaces the first declaration.
    """
    global _layout_epoch
    existing = [index for index, known in enumerate(COLUMNS) if known.key == column.key]
    if existing:
        COLUMNS[existing[0]] = column
    elif after is None:
        COLUMNS.append(column)
    else:
        position = next(i for i, known in enumerate(COLUMNS) if known.key == after)
        COLUMNS.insert(position + 1, column)
    _layout_epoch += 1
    _layouts.clear()


def unregister_column(key: str) -> None:
    """Remove a registered column (a room that is switched off, or a test cleaning up)."""
    global _layout_epoch
    COLUMNS[:] = [column for column in COLUMNS if column.key != key]
    _layout_epoch += 1
    _layouts.clear()


def sortable_keys() -> tuple[str, ...]:
    """Every column a table may be sorted by, in the ``s`` key's cycle."""
    keys = [column.key for column in COLUMNS if column.sort is not None]
    keys.sort(key=lambda key: _CYCLE.index(key) if key in _CYCLE else len(_CYCLE))
    return tuple(keys)


_CYCLE: Final = ("started", "duration", "status", "from", "to", "direction", "queue", "sid")
"""The ``s`` key's order; columns not named here follow in display order."""


def column_title(key: str) -> str:
    return next((column.title for column in COLUMNS if column.key == key), key)


@dataclass(frozen=True, slots=True)
class PlacedColumn:
    column: Column
    x: int
    width: int


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns shown at one table width, where each starts and how wide it is."""

    columns: tuple[PlacedColumn, ...]
    row_width: int
    epoch: int

    def find(self, key: str) -> PlacedColumn | None:
        return next((placed for placed in self.columns if placed.column.key == key), None)

    def at(self, x: int) -> PlacedColumn | None:
        """The column under cell ``x`` of a row (separators belong to the column on their left)."""
        for placed in self.columns:
            if x < placed.x + placed.width + len(SEPARATOR):
                return placed
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(placed.column.key for placed in self.columns)


_layouts: dict[int, Layout] = {}


def layout_for(width: int | None) -> Layout:
    """The columns for a table ``width`` cells wide (``None``: every column at normal width).

    Columns are taken in priority order while they fit; what is left over widens the columns
    that have a ``wide_width``. Priority-0 columns are always kept, even if they overflow.
    """
    key = -1 if width is None else max(0, width)
    cached = _layouts.get(key)
    if cached is not None:
        return cached
    sep = len(SEPARATOR)
    chosen: set[str] = set()
    used = -sep
    for column in sorted(COLUMNS, key=lambda c: c.priority):
        need = column.width + sep
        if width is None or column.priority == 0 or used + need <= width:
            chosen.add(column.key)
            used += need
    widths = {column.key: column.width for column in COLUMNS if column.key in chosen}
    if width is not None:
        for column in sorted(COLUMNS, key=lambda c: c.priority):
            grow = (column.wide_width or 0) - column.width
            if column.key in chosen and grow > 0 and used + grow <= width:
                widths[column.key] += grow
                used += grow
    placed: list[PlacedColumn] = []
    x = 0
    for column in COLUMNS:
        if column.key in chosen:
            placed.append(PlacedColumn(column, x, widths[column.key]))
            x += widths[column.key] + sep
    layout = Layout(tuple(placed), max(0, x - sep), _layout_epoch)
    _layouts[key] = layout
    return layout


def column_offset(key: str, layout: Layout | None = None) -> int:
    """The x of a column's first cell within a row, so the widget can refresh just that column."""
    placed = (layout or layout_for(None)).find(key)
    if placed is None:
        raise KeyError(key)
    return placed.x


def sort_value(key: str) -> Callable[[Call], SortValue | None]:
    column = next(column for column in COLUMNS if column.key == key)
    assert column.sort is not None
    return column.sort


def blank_value(key: str) -> SortValue:
    return next(column.blank for column in COLUMNS if column.key == key)


class _SortValues(dict[str, Callable[[Call], "SortValue | None"]]):
    def __missing__(self, key: str) -> Callable[[Call], SortValue | None]:
        return sort_value(key)


SORT_VALUES: Final = _SortValues()
"""Per column, the value a call sorts by; ``None`` means blank (always listed last)."""


class _Blanks(dict[str, SortValue]):
    def __missing__(self, key: str) -> SortValue:
        return blank_value(key)


BLANK: Final = _Blanks()
"""A stand-in of the right type for a blank value, so keys in one column always compare."""


def is_sortable(key: str) -> bool:
    return any(column.key == key and column.sort is not None for column in COLUMNS)


DEFAULT_SORT: Final = ("started", True)
