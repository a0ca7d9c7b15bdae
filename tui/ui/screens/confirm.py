"""The last question before calls are hung up: which calls, and what each will become."""

from __future__ import annotations

from typing import Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tui.core.models import ENDED_STATUSES, Call
from tui.ui.plain import data_label, plain
from tui.ui.screens._common import call_route, describe_targets
from tui.ui.screens.live_targets import ActionDialog
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


NOT_SENT: Final = "not sent"
"""The outcome of a call that ended while the dialog was open: nothing is sent to it."""

OUTCOME_CLASSES: Final = {
    "completed": "outcome-completed",
    "canceled": "outcome-canceled",
    "already ended": "outcome-already-ended",
    NOT_SENT: "outcome-not-sent",
}


class ConfirmHangupScreen(ActionDialog[bool]):
    """Ask before hanging up; dismisses ``True`` to go ahead, ``False`` otherwise.

    Focus starts on *Keep*, so a stray ``enter`` never ends a call; ``y`` is the one deliberate key.
    While open it follows the calls it names (:class:`ActionDialog`): a call answered meanwhile
    shows its new outcome, one that ended says so and is not sent anything.
    """

    BINDINGS = [
        Binding("y", "confirm", "Hang up"),
        Binding("n", "cancel", "Keep calls"),
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    AUTO_FOCUS = "#keep"

    def compose(self) -> ComposeResult:
        count = len(self.calls)
        question = "Hang up this call?" if count == 1 else f"Hang up {count} calls?"
        with Vertical(id="dialog", classes="dialog danger") as dialog:
            dialog.border_title = plain(f"Hang up {describe_targets(self.calls)}")
            yield Label(question, classes="question")
            yield self.notes_widget()
            with Grid(id="calls"):
                for index, call in enumerate(self.calls[:MAX_LISTED]):
                    yield data_label(call.short_sid, classes="sid")
                    yield data_label(call_route(call), classes="route")
                    status = Label(id=f"status-{index}", markup=False)
                    outcome = Label(id=f"outcome-{index}", markup=False)
                    self._show_row(call.sid, status, outcome)
                    yield status
                    yield outcome
            if count > MAX_LISTED:
                yield Label(f"and {count - MAX_LISTED} more", classes="more")
            yield Static(self._summary(), id="summary", classes="summary", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Hang up (y)", variant="error", id="hang-up")
                yield Button("Keep (n)", id="keep")

    def _outcome(self, sid: str) -> str:
        """What a hang-up would do to the call now (``not sent`` once it has ended)."""
        now = self.current[sid]
        return NOT_SENT if now is None or now.status in ENDED_STATUSES else hangup_outcome(now)

    def _show_row(self, sid: str, status: Label, outcome: Label) -> None:
        """Fill one call's status and outcome cells from the call as last polled."""
        now = self.current[sid]
        shown = "ended" if now is None else now.status
        status.update(plain(shown, limit=32))
        status.set_classes(f"status {status_class(None if now is None else now.status)}")
        verdict = self._outcome(sid)
        outcome.update(f"→ {verdict}")
        outcome.set_classes(f"outcome {OUTCOME_CLASSES[verdict]}")

    def targets_changed(self) -> None:
        for index, call in enumerate(self.calls[:MAX_LISTED]):
            status = self.query_one(f"#status-{index}", Label)
            outcome = self.query_one(f"#outcome-{index}", Label)
            self._show_row(call.sid, status, outcome)
        self.query_one("#summary", Static).update(self._summary())

    def _summary(self) -> str:
        """One sentence counting what Twilio will do, so a mixed selection holds no surprise."""
        outcomes = [self._outcome(call.sid) for call in self.calls]
        parts = []
        if answered := outcomes.count("completed"):
            parts.append(f"{answered} answered → completed")
        if waiting := outcomes.count("canceled"):
            parts.append(f"{waiting} queued or ringing → canceled")
        if ended := outcomes.count("already ended"):
            parts.append(f"{ended} already ended (Twilio will refuse)")
        if gone := outcomes.count(NOT_SENT):
            parts.append(f"{gone} ended while this dialog was open (nothing sent to it)")
        return "; ".join(parts) + ". This cannot be undone." if parts else "No calls selected."

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "hang-up")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
