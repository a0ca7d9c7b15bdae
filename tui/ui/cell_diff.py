"""Which cells of a line of text changed: what a once-a-second tick needs to repaint.

Over SSH every cell repainted is bytes sent (issue #11). A widget that knows the text it showed
and the text it is about to show (the Duration cells, the header's clock) refreshes only the cells
that differ: "1:23" -> "1:24" repaints one cell, not the whole cell of the column. The comparison
is by character only when both texts are made of single-cell characters, where character ``i`` is
cell ``i``; otherwise the whole text counts as changed (a wide or combining character could shift
the cells after it).
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size


def single_cells(text: str) -> bool:
    """Whether every character of ``text`` takes exactly one cell (so it can be cut anywhere)."""
    if text.isascii():
        return text.isprintable()
    return all(get_character_cell_size(char) == 1 for char in text)


def changed_runs(old: str, new: str) -> list[tuple[int, int]]:
    """The cell ranges ``[start, end)`` where ``new`` differs from ``old`` (same styles assumed).

    All of both texts when they cannot be compared character by character; none when equal.
    """
    if old == new:
        return []
    if len(old) != len(new) or not (single_cells(old) and single_cells(new)):
        return [(0, max(cell_len(old), cell_len(new)))]
    runs: list[tuple[int, int]] = []
    start = -1
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if before != after:
            if start < 0:
                start = index
        elif start >= 0:
            runs.append((start, index))
            start = -1
    if start >= 0:
        runs.append((start, len(new)))
    return runs
