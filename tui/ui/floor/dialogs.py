"""The floor's dialogs: a confirm for what cannot be undone, a number to dial, a dequeue target.

Every text from Twilio shown here has already been through :func:`tui.core.text.display_text`
and goes into ``markup=False`` widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.core.config import Destination
from tui.core.errors import ValidationError
from tui.core.floor.addresses import ADDRESS_HELP, validate_address
from tui.ui.plain import plain
from tui.ui.screens._common import CallboardModal
from tui.ui.screens.transfer import TransferScreen
from tui.ui.widgets.key_footer import KeyFooter

FLOOR_STYLESHEET: Final = Path(__file__).with_name("floor.tcss")
"""Styles of the floor screens (queues, conference) and these dialogs."""


class FloorConfirmScreen(CallboardModal[bool]):
    """Ask before a floor action that cannot be undone; ``y`` confirms, ``n``/escape keeps.

    Focus starts on *Keep*, so a stray ``enter`` changes nothing.
    """

    BINDINGS = [
        Binding("y", "confirm", "Yes"),
        Binding("n", "cancel", "No"),
        Binding("escape", "cancel", "Cancel", show=False),
    ]
    AUTO_FOCUS = "#keep"

    def __init__(self, title: str, lines: Sequence[str], *, verb: str, danger: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.lines = tuple(lines)
        self.verb = verb
        self.danger = danger

    def compose(self) -> ComposeResult:
        classes = "dialog danger" if self.danger else "dialog"
        with Vertical(id="dialog", classes=classes) as dialog:
            dialog.border_title = plain(self.title_text)  # titles name rooms and queues
            for line in self.lines:
                yield Static(line, classes="floor-line", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.verb} (y)", variant="error", id="confirm")
                yield Button("Keep (n)", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class DialScreen(CallboardModal[str | None]):
    """Type who to dial into the room (warm transfer); dismisses a validated address."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#address"

    def __init__(self, title: str, explanation: str) -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = plain(self.title_text)  # titles name rooms and queues
            yield Static(self.explanation, classes="floor-line", markup=False)
            yield Label(f"Dial: {ADDRESS_HELP}", classes="section", markup=False)
            yield Input(placeholder="+14155550100, sip:… or client:…", id="address")
            yield Static("", id="message", markup=False)
        yield KeyFooter()

    @on(Input.Submitted, "#address")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            address = validate_address(event.value, what="the number to dial")
        except ValidationError as error:
            message = self.query_one("#message", Static)
            message.update(str(error))
            message.add_class("error")
            return
        self.dismiss(address)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DequeueScreen(TransferScreen):
    """Where to send a waiting caller: a named destination or a typed URL (Twilio's ``Url``)."""

    def __init__(self, title: str, destinations: Sequence[Destination]) -> None:
        super().__init__([], destinations)
        self.title_text = title

    def on_mount(self) -> None:
        super().on_mount()
        dialog = self.query_one("#dialog")
        dialog.border_title = plain(self.title_text)  # titles name rooms and queues
        dialog.border_subtitle = "Twilio fetches the TwiML for the caller from the URL"
