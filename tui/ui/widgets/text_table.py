"""A small table of text drawn as one widget: columns aligned, the last one wrapping.

A dialog that shows a table as a ``Grid`` of ``Label`` cells pays, for every cell, a compose, a
CSS match and a layout when it opens: the call detail's ~30 fields, child legs and history made
~100 widgets, and the help's 30 bindings 60. :class:`TextTable` lays out the same rows itself
and renders them as one ``Content`` for the width it is given, so opening the dialog costs one
widget per table whatever the number of rows.

Every cell is data, never markup: a ``str`` cell goes through :func:`tui.ui.plain.plain` (the
one sanitiser: no terminal control, no hidden characters, bounded), and a ``Content`` cell is
shown as the caller built it (use ``plain(...)`` for it too). A cell's style comes from CSS, by
a component-class name the subclass declares in ``COMPONENT_CLASSES`` (a role): no style is ever
built from the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import zip_longest
from typing import ClassVar, Literal, TypeAlias

from textual.content import Content
from textual.geometry import Size
from textual.style import Style
from textual.widget import Widget

from tui.ui.plain import plain

GUTTER = 2
"""Cells between two columns (what the grids had as ``grid-gutter: 0 2``)."""

Text: TypeAlias = str | Content
"""A cell's text: a ``str`` is made inert with :func:`~tui.ui.plain.plain`, ``Content`` is kept."""

Cell: TypeAlias = Text | tuple[Text, str]
"""A cell: its text, or ``(text, role)`` where the role (a component class) overrides the
column's. The role must come from code, never from data."""


@dataclass(frozen=True, slots=True)
class Column:
    """How one column is sized, aligned and styled.

    A column is as wide as its widest cell, kept between ``min_width`` and ``max_width`` (and at
    most ``max_share`` of the table's width); the last column takes whatever is left. When the
    last column would get fewer than its ``min_width`` cells, the ``shrink`` columns give up
    cells, widest first, down to their own ``min_width``. A cell wider than its column wraps in
    it (long words fold), as a ``Label`` in a grid cell did.
    """

    align: Literal["left", "right"] = "left"
    min_width: int = 0
    max_width: int | None = None
    max_share: Fraction | None = None
    shrink: bool = False
    role: str = ""
    """The component class styling this column's cells (empty: the widget's own style)."""


class TextTable(Widget):
    """Rows of cells under ``columns``, rendered as one ``Content`` at the widget's width.

    The height follows the width (wrapped cells make taller rows). A subclass usually sets
    ``COLUMNS`` (then ``columns`` need not be passed) and declares the roles its cells and
    columns use in ``COMPONENT_CLASSES``.
    """

    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    """The columns when none are passed."""

    DEFAULT_CSS = """
    TextTable {
        height: auto;
    }
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Cell]],
        columns: Sequence[Column] | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: tuple[Column, ...] = self.COLUMNS if columns is None else tuple(columns)
        self.rows: tuple[tuple[tuple[Content, str], ...], ...] = tuple(
            tuple(self._cell(cell, column) for cell, column in zip(row, self.columns, strict=True))
            for row in rows
        )

    @staticmethod
    def _cell(cell: Cell, column: Column) -> tuple[Content, str]:
        text, role = cell if isinstance(cell, tuple) else (cell, column.role)
        return (text if isinstance(text, Content) else plain(text)), role

    def widths(self, width: int) -> list[int]:
        """Each column's width in cells when the table is ``width`` cells wide."""
        if not self.columns:
            return []
        *fixed, last = self.columns
        widths: list[int] = []
        for index, column in enumerate(fixed):
            natural = max((row[index][0].cell_length for row in self.rows), default=0)
            size = max(natural, column.min_width)
            if column.max_width is not None:
                size = min(size, column.max_width)
            if column.max_share is not None:
                size = min(size, max(int(width * column.max_share), 1))
            widths.append(size)
        room = width - GUTTER * len(fixed)
        shortfall = last.min_width - (room - sum(widths))
        while shortfall > 0:
            give = [i for i, c in enumerate(fixed) if c.shrink and widths[i] > c.min_width]
            if not give:
                break
            widest = max(give, key=widths.__getitem__)
            widths[widest] -= 1
            shortfall -= 1
        widths.append(max(room - sum(widths), 1))
        return widths

    def lines(self, width: int) -> list[Content]:
        """The table as it reads at ``width`` cells, one ``Content`` per terminal line."""
        widths = self.widths(width)
        styles: dict[str, Style] = {}
        out: list[Content] = []
        last = len(widths) - 1
        for row in self.rows:
            wrapped = [
                self._wrap(text, size, column.align, self._style(role, styles), pad=index < last)
                for index, ((text, role), size, column) in enumerate(
                    zip(row, widths, self.columns, strict=True)
                )
            ]
            for parts in zip_longest(*wrapped):
                pieces: list[Content | str] = []
                for index, part in enumerate(parts):
                    if index:
                        pieces.append(" " * GUTTER)
                    pieces.append(part if part is not None else " " * widths[index])
                line = Content.assemble(*pieces)
                out.append(line.truncate(width) if line.cell_length > width else line)
        return out

    @staticmethod
    def _wrap(
        text: Content, width: int, align: str, style: Style | None, *, pad: bool
    ) -> list[Content]:
        """``text`` in lines of at most ``width`` cells, styled as its role says.

        A right-aligned line is padded on the left; with ``pad``, a left-aligned one is padded
        on the right too, so the next column starts where it should.
        """
        lines = text.wrap(width) if text.cell_length > width else [text]
        out = []
        for line in lines:
            styled = line.stylize(style) if style is not None else line
            room = max(width - line.cell_length, 0)
            if align == "right":
                out.append(styled.pad_left(room))
            else:
                out.append(styled.pad_right(room) if pad else styled)
        return out

    def _style(self, role: str, styles: dict[str, Style]) -> Style | None:
        """The style CSS gives ``role`` (``None`` for no role), looked up once per render."""
        if not role:
            return None
        if role not in styles:
            styles[role] = self.get_visual_style(role, partial=True)
        return styles[role]

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as :meth:`lines` makes at ``width`` (wrapping is done there)."""
        return len(self.lines(width))
