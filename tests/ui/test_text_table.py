"""TextTable's layout on its own: column widths, wrapping under a column, cells kept as data.

The dialogs that use it (help, call detail) are tested through what they paint in
``test_screens.py``; here the widths and lines are read straight from the widget, unmounted,
with columns that have no style role.
"""

from __future__ import annotations

from fractions import Fraction

from textual.content import Content

from tui.ui.widgets.text_table import GUTTER, Column, TextTable


def texts(table: TextTable, width: int) -> list[str]:
    return [line.plain.rstrip() for line in table.lines(width)]


def test_columns_are_as_wide_as_their_widest_cell_and_the_last_takes_the_rest() -> None:
    table = TextTable([("a", "bb", "c"), ("aaaa", "b", "c")], [Column(), Column(), Column()])
    assert table.widths(40) == [4, 2, 40 - 4 - 2 - 2 * GUTTER]
    assert texts(table, 40) == ["a     bb  c", "aaaa  b   c"]


def test_a_capped_column_wraps_its_cells_under_itself_right_aligned() -> None:
    columns = [Column("right", min_width=6, max_width=6), Column()]
    table = TextTable([("one two three", "x"), ("ab", "y")], columns)
    assert table.widths(30) == [6, 22]
    assert texts(table, 30) == ["   one  x", "   two", " three", "    ab  y"]


def test_a_share_caps_a_column_and_a_long_last_cell_wraps_under_its_own_column() -> None:
    columns = [Column(max_share=Fraction(1, 3)), Column()]
    table = TextTable([("k" * 20, "word " * 6)], columns)
    assert table.widths(30) == [10, 18]
    lines = texts(table, 30)
    assert lines[0] == "k" * 10 + "  word word word"
    assert lines[1] == "k" * 10 + "  word word word"
    assert len(lines) == 2


def test_shrinking_columns_give_cells_to_the_last_one_widest_first_down_to_their_minimum() -> None:
    columns = [
        Column(),
        Column(min_width=4, shrink=True),
        Column(min_width=4, shrink=True),
        Column(min_width=10),
    ]
    row = ("t" * 5, "a" * 20, "b" * 8, "message")
    table = TextTable([row], columns)
    # 40 cells: 6 gutters, 5 for the first column, 10 for the last: 19 for the two shrinkers.
    assert table.widths(40) == [5, 11, 8, 10]
    # Not enough room even at their minimum: they stop there and the last column gets what is left.
    assert table.widths(24) == [5, 4, 4, 5]
    assert all(len(line) <= 24 for line in texts(table, 24))


def test_str_cells_are_data_never_markup_or_terminal_control() -> None:
    table = TextTable([("[b]x[/b]", "\x1b[2J\x1b]0;pwned\x07 \u202e")], [Column(), Column()])
    assert texts(table, 60) == ["[b]x[/b]  ␛[2J␛]0;pwned␇ ⟨U+202E⟩"]
    assert not [span for line in table.lines(60) for span in line.spans]


def test_content_cells_are_shown_as_built() -> None:
    table = TextTable([(Content("kept"), "y")], [Column(), Column()])
    assert texts(table, 20) == ["kept  y"]
