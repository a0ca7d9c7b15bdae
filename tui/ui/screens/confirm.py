"""The last question before calls are hung up: which calls, and what each will become."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tui.core.models import Call
from tui.ui.plain import data_label, plain
from tui.ui.screens._common import CallboardModal, call_route, describe_targets
from tui.ui.status_styles import status_class

MAX_LISTED: Final = 8
"""Calls named one by one; the rest are counted, so the dialog fits an 80x24 terminal."""


def hangup_outcome(call: Call) -> str:
    """The status a hang-up leaves the call in, as Twilio names it.

    Answered calls are ended (``completed``); calls still queued or ringing are ``canceled``.
    Anything else has already ended and Twilio will refuse to change it.
    """
    if call.status == "in-progress":
        return "completed"
    if call.status in ("queued", "ringing"):
        return "canceled"
    return "already ended"


class ConfirmHangupScreen(CallboardModal[bool]):
    """Ask before hanging up; dismisses ``True`` to go ahead, ``False`` otherwise.

    Focus starts on *Keep*, so a stray ``enter`` never ends a call; ``y`` is the one deliberate key.
    """

    BINDINGS = [
        Binding("y", "confirm", "Hang up"),
        Binding("n", "cancel", "Keep calls"),
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    AUTO_FOCUS = "#keep"

    def __init__(self, calls: Sequence[Call]) -> None:
        super().__init__()
        self.calls: tuple[Call, ...] = tuple(calls)

    def compose(self) -> ComposeResult:
        count = len(self.calls)
        question = "Hang up this call?" if count == 1 else f"Hang up {count} calls?"
        with Vertical(id="dialog", classes="dialog danger") as dialog:
            dialog.border_title = plain(f"Hang up {describe_targets(self.calls)}")
            yield Label(question, classes="question")
            with Grid(id="calls"):
                for call in self.calls[:MAX_LISTED]:
                    outcome = hangup_outcome(call)
                    yield data_label(call.short_sid, classes="sid")
                    yield data_label(call_route(call), classes="route")
                    yield data_label(call.status, classes=f"status {status_class(call.status)}")
                    yield Label(
                        f"→ {outcome}", classes=f"outcome outcome-{outcome.replace(' ', '-')}"
                    )
            if count > MAX_LISTED:
                yield Label(f"and {count - MAX_LISTED} more", classes="more")
            yield Static(self._summary(), classes="summary", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Hang up (y)", variant="error", id="hang-up")
                yield Button("Keep (n)", id="keep")

    def _summary(self) -> str:
        """One sentence counting what Twilio will do, so a mixed selection holds no surprise."""
        outcomes = [hangup_outcome(call) for call in self.calls]
        parts = []
        if answered := outcomes.count("completed"):
            parts.append(f"{answered} answered → completed")
        if waiting := outcomes.count("canceled"):
            parts.append(f"{waiting} queued or ringing → canceled")
        if ended := outcomes.count("already ended"):
            parts.append(f"{ended} already ended (Twilio will refuse)")
        return "; ".join(parts) + ". This cannot be undone." if parts else "No calls selected."

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "hang-up")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
