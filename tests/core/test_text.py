"""The one sanitiser: nothing from outside reaches the terminal as control, markup or disguise."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from tui.core.text import DEFAULT_LIMIT, display_lines, display_text


def _dangerous(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or unicodedata.category(char) in ("Cf", "Zl", "Zp", "Cs", "Co", "Cn")
    )


@given(st.text(max_size=2000))
def test_no_control_or_invisible_character_survives(value: str) -> None:
    shown = display_text(value)
    assert not any(_dangerous(char) for char in shown)
    assert len(shown) <= DEFAULT_LIMIT


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_printable_text_is_shown_unchanged(value: str) -> None:
    if value.isprintable():
        assert display_text(value) == value


def test_terminal_escapes_are_made_visible() -> None:
    hostile = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\r+1555\x08\x00\x7f\x9b"
    shown = display_text(hostile)
    assert "\x1b" not in shown and "\r" not in shown and "\x9b" not in shown
    assert shown.startswith("␛[2J␛]0;owned␇")
    assert "␍+1555␈␀␡" in shown


def test_bidi_and_zero_width_get_a_visible_marker() -> None:
    assert display_text("+1415\u202e5550100") == "+1415⟨U+202E⟩5550100"
    assert display_text("+1\u200b415") == "+1⟨U+200B⟩415"
    assert display_text("\u2066x\u2069") == "⟨U+2066⟩x⟨U+2069⟩"


def test_long_values_are_cut_and_marked() -> None:
    shown = display_text("x" * 10_000, limit=20)
    assert shown == "x" * 19 + "…"


def test_markup_stays_text() -> None:
    shown = display_text("[/x] [bold red]boom[/]")
    assert Text(shown).plain == "[/x] [bold red]boom[/]"


def test_lines_keep_newlines_but_not_carriage_returns() -> None:
    assert display_lines("a\r\nb") == "a␍\nb"


def test_none_is_empty() -> None:
    assert display_text(None) == ""
