"""Choose where to redirect a call: a named destination or a URL typed on the spot.

The screen only checks; the app sends. A choice is validated with :func:`validate_url` and
:func:`validate_method` before the screen is dismissed, so the app never receives a URL Twilio
could not fetch, one with credentials in it, or a method other than POST/GET.

Plain ``http://`` is allowed but takes a second press: the first shows the warning under the URL
("press again to transfer anyway"), the second, on the same URL and method, sends it. Changing the
URL, the method or the highlighted destination resets that.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from tui.core.config import Destination
from tui.core.errors import ValidationError
from tui.core.models import Call
from tui.core.urls import HTTP_METHODS, validate_method, validate_url
from tui.ui.plain import plain, plain_lines
from tui.ui.screens._common import describe_targets
from tui.ui.screens.live_targets import ActionDialog
from tui.ui.widgets.key_footer import KeyFooter


class TransferScreen(ActionDialog[tuple[str, str] | None]):
    """Dismisses ``(url, method)`` with a validated URL and ``"POST"`` or ``"GET"``, or ``None``.

    ``enter`` on a destination chooses it (with the destination's own method); ``enter`` in the URL
    box or ``ctrl+s`` anywhere but the list sends the typed URL with the method picked below it.
    """

    BINDINGS = [
        Binding("ctrl+s", "send", "Transfer"),
        Binding("ctrl+t", "toggle_method", "POST/GET"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, calls: Sequence[Call], destinations: Sequence[Destination]) -> None:
        super().__init__(calls)
        self.destinations: tuple[Destination, ...] = tuple(destinations)
        self._warned: tuple[str, str] | None = None
        """The (url, method) whose plain-http warning has been shown once: the next press sends."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = plain(f"Transfer {describe_targets(self.calls)}")
            dialog.border_subtitle = "Twilio fetches new TwiML from the URL"
            yield self.notes_widget()
            if self.destinations:
                yield Label("Destinations", classes="section")
                yield OptionList(
                    *(self._option(index, d) for index, d in enumerate(self.destinations)),
                    id="destinations",
                )
            else:
                yield Label("No destinations configured: type a URL.", classes="section muted")
            yield Label("Other URL…", classes="section")
            yield Input(placeholder="https://example.com/twiml", id="url")
            with RadioSet(id="method", compact=True):
                for index, method in enumerate(HTTP_METHODS):
                    yield RadioButton(method, value=index == 0, name=method)
            yield Static("", id="message", markup=False)
        yield KeyFooter()

    @staticmethod
    def _option(index: int, destination: Destination) -> Option:
        """Name and method on one line, the URL under it, so similar names are told apart."""
        prompt = Content.from_markup(
            "[b]$name[/b]  [$accent]$method[/]\n[dim]$url[/]",
            name=destination.name,
            method=destination.method,
            url=destination.url,
        )
        return Option(prompt, id=f"destination-{index}")

    def on_mount(self) -> None:
        self.query_one("#destinations" if self.destinations else "#url").focus()

    @property
    def typed_method(self) -> str:
        """The method chosen for a typed URL (POST unless GET is picked)."""
        pressed = self.query_one("#method", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else HTTP_METHODS[0]

    # -- choosing ------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#destinations")
    def _destination_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose_destination(event.option_index)

    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(event.value, self.typed_method, typed=True)

    def action_send(self) -> None:
        """From the list, send the highlighted destination; from anywhere else, the typed URL."""
        if self.destinations:
            destinations = self.query_one("#destinations", OptionList)
            if destinations.has_focus and destinations.highlighted is not None:
                self._choose_destination(destinations.highlighted)
                return
        self._choose(self.query_one("#url", Input).value, self.typed_method, typed=True)

    def action_toggle_method(self) -> None:
        buttons = list(self.query_one("#method", RadioSet).query(RadioButton))
        current = next((i for i, button in enumerate(buttons) if button.value), 0)
        buttons[(current + 1) % len(buttons)].value = True

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _choose_destination(self, index: int) -> None:
        destination = self.destinations[index]
        self._choose(destination.url, destination.method, typed=False)

    def _choose(self, text: str, method: str, *, typed: bool) -> None:
        """Validate, warn once about plain http, then dismiss with what the app should send."""
        try:
            checked = validate_url(text)
            method = validate_method(method)
        except ValidationError as error:
            self._say(str(error), "error")
            if typed:
                self.query_one("#url", Input).focus()
            return
        choice = (checked.url, method)
        if checked.warning and self._warned != choice:
            self._warned = choice
            self._say(f"⚠ {checked.warning} — press again to transfer anyway.", "warning")
            return
        self.dismiss(choice)

    # -- feedback ------------------------------------------------------------------------

    def _say(self, text: str, severity: str) -> None:
        message = self.query_one("#message", Static)
        message.update(plain_lines(text))
        message.set_class(severity == "error", "error")
        message.set_class(severity == "warning", "warning")

    @on(Input.Changed, "#url")
    @on(RadioSet.Changed, "#method")
    @on(OptionList.OptionHighlighted, "#destinations")
    def _choice_changed(self) -> None:
        """Any change of target makes earlier messages (and a pending http warning) obsolete."""
        self._warned = None
        self._say("", "none")
