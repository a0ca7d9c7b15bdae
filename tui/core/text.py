"""The one sanitiser: untrusted text in, safe display text out.

Everything that reaches Callboard from outside — call fields from Twilio, caller names and numbers
the callers themselves control, Twilio's error messages, queue and conference names — passes
through :func:`display_text` before any widget, title, toast or log line shows it. What comes out:

* never terminal control: C0 and C1 control characters and DEL are replaced by a visible sign
  (ESC becomes ``␛``, CR ``␍``, a C1 byte ``�``), so no escape sequence, OSC title, OSC 52
  clipboard write or carriage-return overwrite can reach the supervisor's terminal;
* never deceptive: bidi overrides and isolates, zero-width and other invisible format characters
  are shown as a marker such as ``⟨U+202E⟩``, so one number cannot pass for another;
* bounded: longer than ``limit`` characters, it is cut and ends in ``…``.

The result is a plain ``str``. It is *not* markup-escaped on purpose: widgets build
``rich.text.Text`` / ``textual.content.Content`` objects from it (or pass ``markup=False``), and
never hand data to a markup parser. No CSS class or widget id is ever built from it either: see
:func:`tui.ui.status_styles.status_class` for the one mapping from a status to a style.
"""

from __future__ import annotations

import unicodedata
from typing import Final

DEFAULT_LIMIT: Final = 512
"""Characters shown of one field by default; a caller name or a message longer than this is cut."""

ELLIPSIS: Final = "…"

_CONTROL_PICTURES: Final = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
"""C0 controls and DEL as their Unicode 'control pictures' (␀ … ␟, ␡): visible, inert."""

_REPLACEMENT: Final = "\ufffd"


def _marker(char: str) -> str:
    return f"⟨U+{ord(char):04X}⟩"


def _visible(char: str) -> str:
    """What one non-printable character is shown as."""
    code = ord(char)
    picture = _CONTROL_PICTURES.get(code)
    if picture is not None:
        return picture
    if 0x80 <= code <= 0x9F:
        return _REPLACEMENT
    category = unicodedata.category(char)
    if category == "Zs":
        return " "  # a no-break or ideographic space reads, and is, a space
    if category == "Cs":
        return _REPLACEMENT
    return _marker(char)  # Cf (bidi, zero-width, BOM), Zl, Zp, Co, Cn


def display_text(value: object, *, limit: int = DEFAULT_LIMIT) -> str:
    """``value`` as one line of inert, bounded text for the screen.

    ``None`` becomes ``""``; anything else is ``str()``-ed first. The fast path (printable text,
    which is nearly every call field) costs one ``isprintable`` and returns the same object.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: max(0, limit - 1)]
        cut = True
    else:
        cut = False
    if not text.isprintable():
        text = "".join(char if char.isprintable() else _visible(char) for char in text)
        if len(text) > limit:
            text = text[: max(0, limit - 1)]
            cut = True
    return text + ELLIPSIS if cut else text


def display_lines(value: object, *, limit: int = DEFAULT_LIMIT * 8) -> str:
    """Like :func:`display_text`, but keeps line breaks (``\\n``) for multi-line messages.

    Carriage returns and every other control are still made visible; only LF separates lines.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    if cut:
        text = text[: max(0, limit - 1)]
    lines = [display_text(line, limit=limit) for line in text.split("\n")]
    joined = "\n".join(lines)
    if len(joined) > limit:
        joined = joined[: max(0, limit - 1)]
        cut = True
    return joined + ELLIPSIS if cut else joined


def is_clean(value: str) -> bool:
    """True when ``value`` would be shown unchanged (nothing hidden, nothing cut)."""
    return value.isprintable() and len(value) <= DEFAULT_LIMIT
