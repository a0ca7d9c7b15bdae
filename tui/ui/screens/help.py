"""The key reference, built from the app's own bindings so it can never drift from them."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

from tui.ui.screens._common import CallboardModal
from tui.ui.widgets.text_table import Column, TextTable

DEFAULT_SECTIONS: Final[tuple[tuple[str, str], ...]] = (
    (
        "Marks",
        "Mark several calls to act on all of them at once. An action applies to every marked "
        "call; with nothing marked it applies to the call under the cursor. The dialog that "
        "opens always names the calls it will touch. Escape clears the marks.",
    ),
    (
        "Filter",
        "The filter narrows the table to calls whose number, SID or status matches what you "
        "type. Enter keeps it, escape clears it.",
    ),
    (
        "Staleness",
        "If a poll fails, the last known calls stay on screen and the header says STALE and "
        "how old they are. A stale row may describe a call that has already ended: Twilio then "
        "refuses the action and the toast says so.",
    ),
    (
        "Read-only",
        "In read-only mode the action keys are hidden and nothing is ever sent to Twilio; you "
        "can still watch, filter, sort and open a call's details.",
    ),
)
"""General notes shown under the keys; the app may pass its own (``sections=``)."""


KEY_COLUMN: Final = 14
"""The key column's least width: the table sits a little in from the frame, as it always has."""


class KeyTable(TextTable):
    """Every ``(key, description)`` pair in one widget: keys right-aligned, then descriptions.

    One widget rather than a ``Label`` per key and per description: each widget costs the open
    a compose, a CSS match and a layout, and 30 bindings made 60 of them. The keys are plain
    text (a key from the user's keymap is data, never markup); the key column is as wide as the
    longest key (at least ``KEY_COLUMN``, at most a third of the width: longer keys fold), and a
    description that does not fit wraps under its own column.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-table--key"}

    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("right", min_width=KEY_COLUMN, max_share=Fraction(1, 3), role="key-table--key"),
        Column(),
    )


class HelpNotes(Widget):
    """All the notes in one widget: a heading line, its paragraph, a blank line between notes.

    One widget for the same reason as :class:`KeyTable`; the text wraps to the dialog's width.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"help-notes--heading"}

    def __init__(self, sections: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: tuple[tuple[str, str], ...] = tuple(sections)

    def render(self) -> Content:
        style = self.get_visual_style("help-notes--heading", partial=True)
        notes = [
            Content.assemble(Content.styled(heading, style), "\n", text)
            for heading, text in self.sections
        ]
        return Content("\n\n").join(notes)


class HelpScreen(CallboardModal[None]):
    """Keys in an aligned two-column table, then short notes on how the console behaves.

    ``bindings`` are ``(key, description)`` pairs exactly as they should appear (the app derives
    them from its ``BINDINGS``). Scrolls when the terminal is short. Two widgets inside the
    frame, whatever the number of keys: opening the help is as cheap as a small dialog.
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(
        self,
        bindings: Sequence[tuple[str, str]],
        *,
        sections: Sequence[tuple[str, str]] = DEFAULT_SECTIONS,
    ) -> None:
        super().__init__()
        self.key_bindings: tuple[tuple[str, str], ...] = tuple(bindings)
        self.sections: tuple[tuple[str, str], ...] = tuple(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog") as dialog:
            dialog.border_title = "Callboard keys"
            dialog.border_subtitle = "esc · ? · q to close"
            yield KeyTable(self.key_bindings, id="keys")
            if self.sections:
                yield HelpNotes(self.sections, id="notes")

    def action_close(self) -> None:
        self.dismiss(None)
