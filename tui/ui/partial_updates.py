"""Write only what changed: Textual's partial screen updates, cropped and written tersely.

Textual 8's ``ChopsUpdate.render_segments`` (what the driver writes to the terminal) crops each
changed span at its end but starts it at the left edge of the widget: a change at column 90 of a
full-width table rewrites the row's first 90 cells as well. Each segment is also written as
``ESC[…m text ESC[0m`` with an absolute cursor move and a newline per line, so a one-character
change costs ~40 bytes. At 50 rows the Duration column's once-a-second tick was what an SSH
session carried most while idle (``tests/benchmarks/bench_terminal.py``; issue #11).

:func:`install` replaces it with a version that writes the same cells with the same characters
and colours, with fewer bytes:

* a span starts at its first changed cell, inside a segment when that segment is made of
  single-cell characters only (the cut never halves a wide character nor separates a combining
  one), else at the segment's start; it ends the same way (extended to its segment's end). Cells
  written beyond a span hold what is on screen anyway (the chops are the composed screen);
* an SGR is written only when the style changes from the one the terminal already has from the
  previous segment of the same update (``ESC[0;…m``: a reset and the new style, exactly what a
  reset then a set leave), with one reset at the end. Textual ends every write with the default
  style, so each update starts from it; a segment without a style or with a hyperlink is written
  as Textual writes it, from the default style;
* the cursor moves by the shortest exact sequence: relative moves (``ESC[B``, backspace…) when the
  position is known, i.e. after printable ASCII that did not reach the last column (no pending
  wrap, no width a terminal could disagree about), else an absolute ``ESC[row;colH``; the newline
  between lines is dropped (every line starts with a move).

If Textual no longer has the class or method, or Rich's styles lack what this reads, nothing is
patched and Textual writes as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from textual.strip import Strip

from tui.ui.cell_diff import single_cells

try:
    from textual._compositor import ChopsUpdate
except ImportError:  # pragma: no cover - a Textual release that moved it
    ChopsUpdate = None  # type: ignore[assignment, misc]

stock_render_segments: Callable[[Any, Console], str] | None = (
    getattr(ChopsUpdate, "render_segments", None) if ChopsUpdate is not None else None
)
"""Textual's own ``ChopsUpdate.render_segments`` (kept for the tests that compare the two)."""

RESET = "\x1b[0m"


def _span_cut(strip: Strip, x: int, x1: int, x2: int) -> tuple[int, int]:
    """The screen columns ``[start, end)`` to write of ``strip`` (at ``x``) for ``[x1, x2)``.

    A cut inside a segment stays where it is when the segment is single-cell characters, else it
    moves out to the segment's edge (more cells written, never part of a character)."""
    start, end = x1, x2
    position = x
    for segment in strip:
        after = position + cell_len(segment.text)
        if position < x1 < after and not single_cells(segment.text):
            start = position
        if position < x2 < after and not single_cells(segment.text):
            end = after
        if after >= x2:
            break
        position = after
    return start, end


def _absolute(x: int, y: int) -> str:
    """CUP to column ``x``, row ``y`` (0-based), omitting what defaults to 1."""
    if x == 0:
        return f"\x1b[{y + 1}H" if y else "\x1b[H"
    return f"\x1b[{y + 1};{x + 1}H"


def _relative(cx: int, cy: int, x: int, y: int) -> str:
    """Relative moves from ``(cx, cy)`` to ``(x, y)`` (CUU/CUD, then CUF or backspaces/CUB)."""
    dy, dx = y - cy, x - cx
    moves = ""
    if dy:
        count = "" if abs(dy) == 1 else str(abs(dy))
        moves = f"\x1b[{count}{'B' if dy > 0 else 'A'}"
    if dx > 0:
        moves += f"\x1b[{'' if dx == 1 else dx}C"
    elif dx < 0:
        moves += "\b" * -dx if dx >= -3 else f"\x1b[{-dx}D"
    return moves


class TerseWriter:
    """Accumulates an update's output, tracking the terminal's cursor and SGR state."""

    def __init__(self, console: Console) -> None:
        self._color_system = console._color_system or ColorSystem.TRUECOLOR
        self._parts: list[str] = []
        self._sgr = ""
        """The SGR parameters in effect ("" = the default style, as at the update's start)."""
        self._cursor: tuple[int, int] | None = None
        """Where the cursor is, when known for sure."""

    def move(self, x: int, y: int) -> None:
        """Put the cursor at column ``x`` of row ``y`` (0-based)."""
        absolute = _absolute(x, y)
        if self._cursor is not None:
            relative = _relative(*self._cursor, x, y)
            if len(relative) < len(absolute):
                absolute = relative
        self._parts.append(absolute)
        self._cursor = (x, y)

    def strip(self, strip: Strip, line_width: int) -> None:
        """Write ``strip`` at the cursor; ``line_width`` is the screen's width (pending wrap)."""
        append = self._parts.append
        known = self._cursor is not None
        for text, style, _control in strip:
            if not text:
                continue
            known = known and text.isascii() and text.isprintable()
            link = style._link if style is not None else None
            ansi = "" if style is None or link else _ansi(style, self._color_system)
            if ansi != self._sgr:
                append(_switch(self._sgr, ansi))
                self._sgr = ansi
            if link:
                append(Strip.render_style(style, text, self._color_system))  # type: ignore[arg-type]
            else:
                append(text)
        if self._cursor is not None:
            x = self._cursor[0] + strip.cell_length
            self._cursor = (x, self._cursor[1]) if known and x < line_width else None

    def finish(self) -> str:
        """The update's bytes, ending in the default style."""
        if self._sgr:
            self._parts.append(RESET)
            self._sgr = ""
        return "".join(self._parts)


def _switch(current: str, wanted: str) -> str:
    """The SGR taking the terminal from parameters ``current`` to ``wanted`` ("" = default)."""
    if not wanted:
        return RESET
    return f"\x1b[0;{wanted}m" if current else f"\x1b[{wanted}m"


def _ansi(style: Style, color_system: ColorSystem) -> str:
    """The SGR parameters of ``style``, as Textual's ``Strip.render`` writes them."""
    ansi = style._ansi
    if ansi is None:
        ansi = Strip.render_ansi(style, color_system)
    return ansi


def render_segments(self: Any, console: Console) -> str:
    """``ChopsUpdate.render_segments``: each span cropped at both ends and written tersely."""
    writer = TerseWriter(console)
    chops = self.chops
    chop_ends = self.chop_ends
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        line_width = ends[-1] if ends else console.width
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                writer.move(x, y)
                writer.strip(strip, line_width)
                continue
            start, stop = _span_cut(strip, x, max(x, x1), min(end, x2))
            if stop <= start:
                continue
            writer.move(start, y)
            writer.strip(strip.crop(start - x, stop - x), line_width)
    return writer.finish()


def install() -> bool:
    """Patch Textual's partial updates (once); whether the patch is in place."""
    if ChopsUpdate is None or stock_render_segments is None:
        return False
    if not all(hasattr(Style(), name) for name in ("_ansi", "_link")):
        return False  # pragma: no cover - a Rich release that renamed them
    if not hasattr(Strip, "render_ansi"):
        return False  # pragma: no cover - a Textual release without it
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
    return True
