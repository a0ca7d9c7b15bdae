"""Asked before quitting when something would be lost: marks, or a dialog left open."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from tui.ui.screens._common import CallboardModal


class ConfirmQuitScreen(CallboardModal[bool]):
    """Dismisses ``True`` to quit. Focus starts on *Stay*: a stray ``enter`` keeps the console."""

    DEFAULT_CSS = """
    ConfirmQuitScreen #dialog { width: 60; height: auto; }
    ConfirmQuitScreen .question { text-style: bold; margin-bottom: 1; }
    ConfirmQuitScreen .buttons { height: auto; margin-top: 1; }
    ConfirmQuitScreen Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("y", "confirm", "Quit", id="quit-confirm"),
        Binding("n,escape", "cancel", "Stay", id="quit-cancel"),
    ]
    AUTO_FOCUS = "#stay"

    def __init__(self, pending: Sequence[str]) -> None:
        super().__init__()
        self.pending = tuple(pending)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = "Quit Callboard?"
            yield Label("Quit Callboard?", classes="question")
            for line in self.pending:
                yield Label(f"• {line}", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Quit (y)", variant="error", id="quit")
                yield Button("Stay (n)", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
