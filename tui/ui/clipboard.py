"""Copy to the supervisor's own clipboard over SSH: OSC 52, written by Callboard itself.

A terminal that supports OSC 52 (xterm, kitty, iTerm2, WezTerm, Windows Terminal, tmux with
``set-clipboard on``) puts the text on the clipboard of the machine the supervisor sits at, not of
the server Callboard runs on; no xclip, no X forwarding. The text travels base64-encoded, so no
byte of it can end the sequence early or reach the terminal as a control; on top of that only
clean, short, single-line text (a SID, a number) is ever copied.
"""

from __future__ import annotations

import base64
from typing import Final

from textual.app import App

from tui.core.text import is_clean

MAX_COPY: Final = 256
"""Longest text copied: SIDs and numbers are far shorter; a terminal may cap OSC 52 lower."""


class NotCopyable(ValueError):
    """The text is not something Callboard copies (control characters, too long, empty)."""


def osc52(text: str) -> str:
    """The OSC 52 sequence that sets the clipboard (``c``) to ``text``."""
    if not text or len(text) > MAX_COPY or not is_clean(text) or "\n" in text:
        raise NotCopyable("only a short, single line of plain text can be copied")
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def copy_to_clipboard(app: App[object], text: str) -> None:
    """Put ``text`` on the terminal's clipboard (and Textual's, for pasting inside the app)."""
    sequence = osc52(text)
    app._clipboard = text
    driver = app._driver
    if driver is not None:
        driver.write(sequence)
        driver.flush()
