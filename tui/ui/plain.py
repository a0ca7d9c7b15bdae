"""Untrusted text as Textual ``Content``: the only way data from outside reaches a widget.

:mod:`tui.core.text` makes a string inert (no terminal control, no hidden characters, bounded);
this module wraps the result in :class:`~textual.content.Content`, which Textual renders as it is
and never parses as markup. Use it for every label, border title, option prompt, toast and table
cell that shows a call field, a SID, a number, a status, an account name, a Twilio message, or a
queue or conference name: ``[/x]`` in a SID then shows as ``[/x]`` instead of crashing the console.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Label

from tui.core.text import DEFAULT_LIMIT, display_lines, display_text


def plain(value: object, *, limit: int = DEFAULT_LIMIT) -> Content:
    """One inert line of text (``None`` is empty)."""
    return Content(display_text(value, limit=limit))


def plain_lines(value: object, *, limit: int = DEFAULT_LIMIT * 8) -> Content:
    """Inert text that keeps its line breaks (for messages); every other control is shown."""
    return Content(display_lines(value, limit=limit))


def data_label(value: object, *, classes: str = "", limit: int = DEFAULT_LIMIT) -> Label:
    """A label showing ``value`` as inert text. ``classes`` must come from code, never data."""
    return Label(plain(value, limit=limit), classes=classes, markup=False)
