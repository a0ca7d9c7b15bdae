"""A tiny terminal for the tests: what the cells show after a stream of Textual's escapes.

Enough of a VT100/xterm to compare two outputs cell by cell (character, attributes, colours,
hyperlink): CUP, CUU/CUD/CUF/CUB, backspace, CR/LF, SGR (every form Rich writes, plus the resets
of single attributes) and OSC 8. Wide characters take two cells and a narrow one written over
either half blanks the other half, as xterm does. A relative move or a backspace while a wrap is
pending (after the last column) is ambiguous across terminals, so it fails the test; so does
anything it does not know. Not a dependency (``pyte``) for the few sequences Callboard writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.cells import get_character_cell_size

Look = tuple[frozenset[int], str, str, str]
"""A cell's attributes (SGR numbers), foreground, background and hyperlink."""

DEFAULT: Look = (frozenset(), "", "", "")
WIDE_TAIL = ""
"""The character of the right half of a wide character."""

_TOKEN = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|\x1b\]8;[^;]*;([^\x1b]*)\x1b\\|(.)", re.DOTALL)
_OFF = {22: (1, 2), 23: (3,), 24: (4,), 25: (5, 6), 27: (7,), 28: (8,), 29: (9,)}


@dataclass
class AnsiScreen:
    """``width`` x ``height`` cells, each a character and its look."""

    width: int
    height: int
    x: int = 0
    y: int = 0
    pending_wrap: bool = False
    attrs: set[int] = field(default_factory=set)
    fg: str = ""
    bg: str = ""
    link: str = ""
    cells: list[list[tuple[str, Look]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cells = [[(" ", DEFAULT)] * self.width for _ in range(self.height)]

    def feed(self, data: str) -> AnsiScreen:
        """Apply ``data``; returns ``self``."""
        for match in _TOKEN.finditer(data):
            params, final, url, char = match.groups()
            if final is not None:
                self._csi(params, final)
            elif url is not None:
                self.link = url
            else:
                self._char(char)
        return self

    def rows(self) -> list[list[tuple[str, Look]]]:
        """A copy of the cells, row by row."""
        return [list(row) for row in self.cells]

    def text(self, y: int) -> str:
        """The characters of row ``y``."""
        return "".join(char for char, _ in self.cells[y])

    def _csi(self, params: str, final: str) -> None:
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        if final == "m":
            self._sgr(numbers or [0])
            return
        if final != "H" and self.pending_wrap:
            raise AssertionError(f"relative move ESC[{params}{final} with a wrap pending")
        count = max(1, numbers[0]) if numbers else 1
        if final == "H":
            row = numbers[0] if numbers else 1
            col = numbers[1] if len(numbers) > 1 else 1
            self.y, self.x = max(1, row) - 1, max(1, col) - 1
        elif final == "A":
            self.y = max(0, self.y - count)
        elif final == "B":
            self.y = min(self.height - 1, self.y + count)
        elif final == "C":
            self.x = min(self.width - 1, self.x + count)
        elif final == "D":
            self.x = max(0, self.x - count)
        else:
            raise AssertionError(f"unknown sequence ESC[{params}{final}")
        self.pending_wrap = False

    def _sgr(self, numbers: list[int]) -> None:
        index = 0
        while index < len(numbers):
            number = numbers[index]
            if number == 0:
                self.attrs, self.fg, self.bg = set(), "", ""
            elif number in (38, 48):
                size = 3 if numbers[index + 1] == 5 else 5
                colour = ";".join(map(str, numbers[index : index + size]))[3:]
                if number == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                index += size - 1
            elif 30 <= number <= 37 or 90 <= number <= 97 or number == 39:
                self.fg = "" if number == 39 else str(number)
            elif 40 <= number <= 47 or 100 <= number <= 107 or number == 49:
                self.bg = "" if number == 49 else str(number)
            elif number in _OFF:
                self.attrs.difference_update(_OFF[number])
            elif 1 <= number <= 9 or number in (21, 51, 52, 53):
                self.attrs.add(number)
            else:
                raise AssertionError(f"unknown SGR {number}")
            index += 1

    def _char(self, char: str) -> None:
        if char == "\b":
            if self.pending_wrap:
                raise AssertionError("backspace with a wrap pending")
            self.x = max(0, self.x - 1)
            return
        if char == "\r":
            self.x, self.pending_wrap = 0, False
            return
        if char == "\n":
            self.y, self.pending_wrap = min(self.height - 1, self.y + 1), False
            return
        if not char.isprintable():
            raise AssertionError(f"unexpected control character {char!r}")
        width = get_character_cell_size(char)
        row = self.cells[self.y]
        if width == 0:
            before = row[self.x - 1] if self.x else row[0]
            row[max(0, self.x - 1)] = (before[0] + char, before[1])
            return
        if self.pending_wrap or self.x + width > self.width:
            raise AssertionError("the output wrapped past the last column")
        look: Look = (frozenset(self.attrs), self.fg, self.bg, self.link)
        self._blank_wide_halves(row, self.x, self.x + width)
        row[self.x] = (char, look)
        if width == 2:
            row[self.x + 1] = (WIDE_TAIL, look)
        self.x += width
        if self.x >= self.width:
            self.x, self.pending_wrap = self.width - 1, True

    def _blank_wide_halves(self, row: list[tuple[str, Look]], start: int, end: int) -> None:
        """Writing over half of a wide character blanks its other half."""
        if row[start][0] == WIDE_TAIL and start > 0:
            row[start - 1] = (" ", row[start - 1][1])
        if end < self.width and row[end][0] == WIDE_TAIL:
            row[end] = (" ", row[end][1])
