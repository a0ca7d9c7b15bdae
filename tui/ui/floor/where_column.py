"""The Where column in the live table, declared in the table's column scheme.

The column's cell reads the placements of the floor controller of the main screen that is
running (:func:`use`); until a floor pass has placed a call its cell is blank. The Where text of
a call changes with the floor, not with the call's own record, so the main screen repaints the
rows whose placement changed (``CallTable.refresh_calls``) after each floor pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from tui.core.models import Call
from tui.ui.floor.where import WhereBook, format_where
from tui.ui.widgets.call_columns import Column, register_column

WHERE_KEY: Final = "where"
WHERE_WIDTH: Final = 28
WHERE_WIDE_WIDTH: Final = 44
WHERE_PRIORITY: Final = 1
"""Kept before To and Started when the table is narrow: where a caller is matters more."""


class _Current:
    book: WhereBook = WhereBook()
    lookup: Callable[[str], Call | None] = staticmethod(lambda sid: None)


def use(book: WhereBook, lookup: Callable[[str], Call | None]) -> None:
    """Make the Where column read ``book`` (the running main screen's floor)."""
    _Current.book = book
    _Current.lookup = lookup


def where_cell(call: Call) -> str:
    return format_where(_Current.book.get(call.sid), _Current.lookup)


register_column(
    Column(
        WHERE_KEY,
        "Where",
        WHERE_WIDTH,
        WHERE_PRIORITY,
        cell=where_cell,
        wide_width=WHERE_WIDE_WIDTH,
    ),
    after="duration",
)
