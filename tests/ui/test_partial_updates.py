"""What reaches the terminal for a partial update: the same screen as Textual's, in fewer bytes.

Each test paints a "before" screen, then applies one ``ChopsUpdate`` written by Textual's own
``render_segments`` and by Callboard's, each in a small terminal (``tests/ui/ansi_screen.py``),
and compares every cell (character, attributes, colours, link) with the "after" lines as Rich
renders them (``Strip.render``).
"""

from __future__ import annotations

import random

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from tests.ui.ansi_screen import AnsiScreen
from tui.ui import partial_updates

WIDTH = 80
CONSOLE = Console(color_system="256", width=WIDTH, force_terminal=True)
ROW_STYLE = Style(color="grey85", bgcolor="grey11")
DURATION_STYLE = Style(bold=True, reverse=True, color="indian_red", bgcolor="grey11")
CURSOR_STYLE = Style(bold=True, reverse=True, color="indian_red", bgcolor="dodger_blue2")
assert partial_updates.stock_render_segments is not None
STOCK = partial_updates.stock_render_segments


def table_row(n: int, duration: str, style: Style = DURATION_STYLE) -> Strip:
    """A call-table-like row: text, a status cell, the Duration cell and the rest."""
    return Strip(
        [
            Segment(f"  CA{n:012x} in  +14155550100 ", ROW_STYLE),
            Segment("in-progress ", Style(color="green", bgcolor="grey11")),
            Segment(duration.rjust(8), style),
            Segment(" " * 22, ROW_STYLE),
        ],
        WIDTH,
    )


def painted(lines: list[Strip]) -> AnsiScreen:
    """A terminal showing ``lines`` (as a full Textual repaint writes them)."""
    screen = AnsiScreen(WIDTH, len(lines))
    for y, line in enumerate(lines):
        screen.feed(f"\x1b[{y + 1};1H" + line.render(CONSOLE))
    return screen


def update(lines: list[Strip], spans: list[tuple[int, int, int]], cuts: int = 1) -> ChopsUpdate:
    """The compositor's update of ``spans`` of ``lines``, each line in ``cuts`` chops."""
    chops: list[dict[int, Strip | None]] = []
    ends: list[list[int]] = []
    for line in lines:
        edges = sorted({0, WIDTH, *segment_edges(line)[1:cuts]})
        parts = line.divide(edges[1:])
        chops.append(dict(zip(edges, parts, strict=False)))
        ends.append(edges[1:])
    return ChopsUpdate(chops, spans, ends)


def segment_edges(line: Strip) -> list[int]:
    edges, x = [0], 0
    for segment in line:
        x += segment.cell_length
        edges.append(x)
    return edges


def check(
    before: list[Strip],
    after: list[Strip],
    spans: list[tuple[int, int, int]],
    cuts: int = 1,
    stock_too: bool = True,
) -> tuple[int, int]:
    """Both outputs leave exactly the "after" screen; their sizes in bytes (ours, stock)."""
    chops = update(after, spans, cuts)
    ours = partial_updates.render_segments(chops, CONSOLE)
    stock = STOCK(chops, CONSOLE)
    expected = painted(after).rows()
    if stock_too:
        assert painted(before).feed(stock).rows() == expected
    assert painted(before).feed(ours).rows() == expected, repr(ours)
    return len(ours.encode()), len(stock.encode())


def changed_spans(before: list[Strip], after: list[Strip]) -> list[tuple[int, int, int]]:
    """One span per line over its changed cells (what a widget's refresh of them marks)."""
    old, new = painted(before), painted(after)
    spans = []
    for y in range(len(after)):
        changed = [x for x in range(WIDTH) if old.cells[y][x] != new.cells[y][x]]
        if changed:
            spans.append((y, changed[0], changed[-1] + 1))
    return spans


def test_a_duration_tick_leaves_the_same_screen_in_a_fraction_of_the_bytes() -> None:
    before = [table_row(n, f"1:{20 + n % 10:02d}") for n in range(50)]
    after = [table_row(n, f"1:{21 + n % 10:02d}") for n in range(50)]
    before[7] = table_row(7, "1:27", CURSOR_STYLE)
    after[7] = table_row(7, "1:28", CURSOR_STYLE)
    spans = changed_spans(before, after)
    assert {x2 - x1 for _, x1, x2 in spans} == {1, 2}  # "1:29" -> "1:30" changes two
    ours, stock = check(before, after, spans)
    assert ours * 3 < stock, (ours, stock)
    assert ours / len(spans) < 12  # a relative move and the digits, one SGR per style


def test_the_whole_duration_cell_repainted_is_written_once_per_style() -> None:
    before = [table_row(n, "") for n in range(10)]
    after = [table_row(n, "12:34:56") for n in range(10)]
    spans = changed_spans(before, after)
    assert [x2 - x1 for _, x1, x2 in spans] == [8] * 10
    ours, stock = check(before, after, spans)
    assert ours < stock


def test_a_span_starting_inside_an_ascii_segment_starts_at_its_first_cell() -> None:
    ringing_at = len("  CA0123456789ab in  +14155550100 ")
    before = [table_row(0x123456789AB, "0:42")]
    after = [before[0]]
    chops = update(after, [(0, ringing_at + 3, ringing_at + 6)])
    text = partial_updates.render_segments(chops, CONSOLE)
    assert (
        text.startswith(f"\x1b[1;{ringing_at + 4}H") and "mpro\x1b" in text and "0:42" not in text
    )


def test_wide_and_combining_characters_are_never_cut() -> None:
    def line(middle: str) -> Strip:
        pad = WIDTH - 3 - Segment(middle).cell_length
        return Strip(
            [Segment("ab ", ROW_STYLE), Segment(middle, DURATION_STYLE), Segment(" " * pad)], WIDTH
        )

    before, after = [line("日本語e\u0301x" + "  ")], [line("日本人e\u0301y" + "  ")]
    check(before, after, [(0, 8, 11)])  # from the second half of 人: all of the segment
    check(before, after, [(0, 7, 11)])
    check([line("éeee日本語  ")], [line("éeeX日本語  ")], [(0, 6, 7)])


def test_unstyled_links_and_empty_styles_are_written_from_the_default_style() -> None:
    link = Style(link="https://example.com", color="red")
    line = Strip(
        [
            Segment("a", ROW_STYLE),
            Segment("bc"),
            Segment("d", Style()),
            Segment("ef", link),
            Segment("g", ROW_STYLE),
            Segment(" " * 73),
        ],
        WIDTH,
    )
    check([Strip.blank(WIDTH)], [line], [(0, 0, WIDTH)], cuts=3)
    assert "\x1b]8;" in partial_updates.render_segments(update([line], [(0, 0, 8)]), CONSOLE)


def test_the_cursor_is_moved_absolutely_after_the_last_column_or_non_ascii() -> None:
    def lines(last: str, glyph: str) -> list[Strip]:
        at_end = Strip([Segment(" " * 79, ROW_STYLE), Segment(last, DURATION_STYLE)], WIDTH)
        inside = Strip([Segment(" ", ROW_STYLE), Segment(glyph, CURSOR_STYLE), Segment(" " * 78)])
        return [at_end, at_end, inside, inside]

    spans = [(0, 79, 80), (1, 79, 80), (2, 1, 2), (3, 1, 2)]
    check(lines("x", "○"), lines("y", "●"), spans)
    text = partial_updates.render_segments(update(lines("y", "●"), spans), CONSOLE)
    assert text.count("H") == 4  # no pending wrap, no width to disagree on
    text = partial_updates.render_segments(update(lines("y", "z"), spans), CONSOLE)
    assert text.count("H") == 3 and "z\x1b[B\bz" in text  # after ASCII: a relative move


TEXTS = ["abc", "  ", "1:23", "日本", "e\u0301", "●x", "…", "xy z", "日"]
STYLES = [None, Style(), ROW_STYLE, DURATION_STYLE, CURSOR_STYLE, Style(underline=True)]


def random_line(rng: random.Random) -> list[Segment]:
    segments, width = [], 0
    while width < WIDTH - 8:
        segment = Segment(rng.choice(TEXTS), rng.choice(STYLES))
        segments.append(segment)
        width += segment.cell_length
    return [*segments, Segment(" " * (WIDTH - width), rng.choice(STYLES))]


def changed(rng: random.Random, segments: list[Segment]) -> list[Segment]:
    """A few segments with other characters of the same widths, or another style."""
    segments = list(segments)
    for _ in range(rng.randint(0, 3)):
        index = rng.randrange(len(segments))
        text, style, _ = segments[index]
        if rng.random() < 0.5:
            style = rng.choice(STYLES)
        else:
            swap = {2: "日本", 1: "ab●"}
            text = "".join(rng.choice(swap[cell_len(c)]) if cell_len(c) else c for c in text)
        segments[index] = Segment(text, style)
    return segments


def test_random_updates_leave_the_same_screen() -> None:
    for seed in range(400):
        rng = random.Random(seed)
        lines = [random_line(rng) for _ in range(4)]
        before = [Strip(segments, WIDTH) for segments in lines]
        after = [Strip(changed(rng, segments), WIDTH) for segments in lines]
        spans = [
            (y, max(0, x1 - rng.randint(0, 3)), min(WIDTH, x2 + rng.randint(0, 3)))
            for y, x1, x2 in changed_spans(before, after)
        ]
        if spans:
            # Textual's own output would cut a wide character at a span's end: only ours here.
            check(before, after, spans, cuts=rng.randint(1, 4), stock_too=False)


def test_it_is_installed_by_the_app() -> None:
    assert partial_updates.install()
    assert ChopsUpdate.render_segments is partial_updates.render_segments
