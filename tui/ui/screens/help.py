"""The key reference, built from the app's own bindings so it can never drift from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Label, Static

from tui.ui.screens._common import CallboardModal

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


class HelpScreen(CallboardModal[None]):
    """Keys in an aligned two-column table, then short notes on how the console behaves.

    ``bindings`` are ``(key, description)`` pairs exactly as they should appear (the app derives
    them from its ``BINDINGS``). Scrolls when the terminal is short.
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
            with Grid(id="keys"):
                for key, description in self.key_bindings:
                    yield Label(key, classes="key", markup=False)
                    yield Label(description, classes="description", markup=False)
            for heading, text in self.sections:
                yield Label(heading, classes="heading", markup=False)
                yield Static(text, classes="note", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
