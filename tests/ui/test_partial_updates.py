"""What reaches the terminal for a change in the middle of a row: only that part of the row."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from tui.ui import partial_updates

ROW = Strip(
    [
        Segment("  CA0123456789 in  +14155550100 ", Style(color="white")),
        Segment("ringing ", Style(color="yellow")),
        Segment("0:42", Style(bold=True)),
        Segment(" " * 20),
    ]
)


def written(x1: int, x2: int) -> str:
    update = ChopsUpdate([{0: ROW}], [(0, x1, x2)], [[ROW.cell_length]])
    return partial_updates.render_segments(update, Console(color_system="256", width=80))


def test_a_change_mid_row_is_written_from_its_own_segment() -> None:
    duration_at = ROW.cell_length - 24
    text = written(duration_at, duration_at + 4)
    assert text.startswith(f"\x1b[1;{duration_at + 1}H")
    assert "0:42" in text and "ringing" not in text and "CA0123" not in text


def test_a_span_starting_inside_a_segment_starts_at_that_segment() -> None:
    ringing_at = len("  CA0123456789 in  +14155550100 ")
    text = written(ringing_at + 3, ringing_at + 6)
    assert text.startswith(f"\x1b[1;{ringing_at + 1}H") and "ringin" in text
    assert "0:42" not in text


def test_a_whole_row_is_written_as_before() -> None:
    assert "CA0123" in written(0, ROW.cell_length) and "0:42" in written(0, ROW.cell_length)


def test_it_is_installed_by_the_app() -> None:
    assert partial_updates.install()
    assert ChopsUpdate.render_segments is partial_updates.render_segments
