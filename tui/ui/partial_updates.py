"""Write only what changed: crop Textual's partial screen updates at their start too.

Textual 8's ``ChopsUpdate.render_segments`` (what the driver writes to the terminal) crops each
changed span at its end but starts it at the left edge of the widget: a change at column 90 of a
full-width table rewrites the row's first 90 cells as well. At 50 rows, the Duration column's
once-a-second tick cost about 12 KB/s over SSH because of it (``tests/benchmarks/
bench_terminal.py``). :func:`install` replaces it with a version that starts each span at the
segment holding its first changed cell (a segment never splits a wide character, so nothing on
screen is half-overwritten); everything else is written as before. If Textual no longer has the
class or method, nothing is patched.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from textual.strip import Strip

try:
    from textual._compositor import ChopsUpdate
except ImportError:  # pragma: no cover - a Textual release that moved it
    ChopsUpdate = None  # type: ignore[assignment, misc]


def _segment_start(strip: Strip, x: int, x1: int) -> int:
    """The screen column where the segment holding column ``x1`` begins (``strip`` at ``x``)."""
    start = x
    for segment in strip:
        width = cell_len(segment.text)
        if start + width > x1:
            return start
        start += width
    return start


def render_segments(self: Any, console: Console) -> str:
    """``ChopsUpdate.render_segments``, each span also cropped at its start."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                append(move_to(x, y).segment.text)
                append(strip.render(console))
                continue
            start = _segment_start(strip, x, x1) if x < x1 else x
            strip = strip.crop(start - x, min(end, x2) - x)
            append(move_to(start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> bool:
    """Patch Textual's partial updates (once); whether the patch is in place."""
    if ChopsUpdate is None or not hasattr(ChopsUpdate, "render_segments"):
        return False
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
    return True
