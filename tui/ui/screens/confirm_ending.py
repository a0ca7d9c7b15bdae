"""TwiML that will end the call is confirmed like a hang-up, from inside the editor.

Injected TwiML replaces what a call is doing; when the document runs out (or says
``<Hangup/>``) Twilio hangs up. A supervisor who meant "play a message to the callers on hold"
must not end those calls by accident, so the editor asks here first, with the same shape as the
hang-up confirmation: the calls, why the TwiML ends them, focus on *Back*, ``y`` to go ahead.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tui.core.models import Call
from tui.ui.plain import plain, plain_lines
from tui.ui.screens._common import CallboardModal, describe_targets


class ConfirmEndingScreen(CallboardModal[bool]):
    """Dismisses ``True`` to send TwiML that ends the call(s), ``False`` to go back and edit."""

    BINDINGS = [
        Binding("y", "confirm", "Send and end", id="twiml-ending-confirm"),
        Binding("n", "cancel", "Back to the editor", id="twiml-ending-cancel"),
        Binding("escape", "cancel", "Back", show=False, id="twiml-ending-back"),
    ]
    AUTO_FOCUS = "#back"

    def __init__(self, calls: Sequence[Call], reason: str) -> None:
        super().__init__()
        self.calls: tuple[Call, ...] = tuple(calls)
        self.reason = reason

    def compose(self) -> ComposeResult:
        count = len(self.calls)
        question = (
            "Send this TwiML and end the call?"
            if count == 1
            else f"Send this TwiML and end {count} calls?"
        )
        with Vertical(id="dialog", classes="dialog danger") as dialog:
            dialog.border_title = plain(f"TwiML ends {describe_targets(self.calls)}")
            yield Label(question, classes="question")
            yield Static(plain_lines(self.reason), classes="summary", markup=False)
            yield Static(
                "Like a hang-up, this cannot be undone: the caller hears the TwiML, then the "
                "call ends. To keep the call, end the TwiML with <Redirect> or <Enqueue>, or "
                "<Dial> someone.",
                classes="summary",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Send and end (y)", variant="error", id="send-ending")
                yield Button("Back (n)", id="back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "send-ending")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
