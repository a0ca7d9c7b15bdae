"""Write the TwiML to inject into live calls, starting from a snippet, checked as you type.

Injected TwiML replaces what the caller hears at once, and Twilio reports a broken document only
afterwards ("an application error has occurred"). So the screen validates continuously with
:func:`validate_twiml` (debounced) and refuses to return anything that would not pass.

Snippets: choosing one shows a small form of its placeholders (prefilled with its defaults) and
every change to the form re-renders the snippet into the editor, replacing its text; the
replacement is an ordinary edit, so ``ctrl+z`` brings hand edits back. While a placeholder is
missing or invalid the editor shows the bare template and sending is refused with the form's
reason, so a literal ``{message}`` is never spoken to a caller.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from typing import Final

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import LanguageDoesNotExist

from tui.core.errors import TwimlError, ValidationError
from tui.core.models import Call
from tui.core.snippets import Snippet
from tui.core.twiml import MAX_TWIML_CHARS, validate_twiml
from tui.core.twiml_ends import call_ending
from tui.ui.plain import plain, plain_lines
from tui.ui.screens._common import describe_targets
from tui.ui.screens.confirm_ending import ConfirmEndingScreen
from tui.ui.screens.live_targets import ActionDialog
from tui.ui.widgets.key_footer import KeyFooter

VALIDATE_DELAY_S: Final = 0.15
"""Pause after the last keystroke before validating: instant enough, and no work per key."""


def xml_highlighting_available() -> bool:
    """True when tree-sitter and its XML grammar (``textual[syntax]``) are installed.

    Without them the editor is plain text, which works just as well, only without colour.
    """
    return all(
        importlib.util.find_spec(module) is not None
        for module in ("tree_sitter", "tree_sitter_xml")
    )


class TwimlEditorScreen(ActionDialog[str | None]):
    """Dismisses the validated TwiML to send (exactly what :func:`validate_twiml` returned for the
    editor's text: the text with surrounding whitespace removed), or ``None`` on escape.

    The status line says when the TwiML will end the call (:func:`call_ending`); sending such
    TwiML first asks, like a hang-up (:class:`ConfirmEndingScreen`).
    """

    BINDINGS = [
        Binding("ctrl+s", "send", "Send"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, calls: Sequence[Call], snippets: Sequence[Snippet]) -> None:
        super().__init__(calls)
        self.snippets: tuple[Snippet, ...] = tuple(snippets)
        self.snippet: Snippet | None = None
        """The snippet whose form is showing."""
        self._form_text: str | None = None
        """What the form last wrote into the editor."""
        self._form_error: str | None = None
        """Why the form could not render; applies while the editor still holds ``_form_text``."""
        self._validate_timer: Timer | None = None

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        initial = ""
        if self.snippets:
            self.snippet = self.snippets[0]
            initial = self._render_form(self.snippet, dict(self.snippet.defaults))
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = plain(f"Inject TwiML into {describe_targets(self.calls)}")
            dialog.border_subtitle = "replaces what the caller hears now"
            yield self.notes_widget()
            with Horizontal(id="body"):
                with Vertical(id="sidebar"):
                    yield Label("Snippets", classes="section")
                    yield OptionList(
                        *(
                            Option(plain(s.title), id=f"snippet-{i}")
                            for i, s in enumerate(self.snippets)
                        ),
                        id="snippets",
                    )
                    yield Label("Fill in", classes="section")
                    with VerticalScroll(id="form"):
                        yield from self._form_widgets(self.snippet)
                with Vertical(id="main"):
                    yield TextArea(
                        initial,
                        id="editor",
                        show_line_numbers=True,
                        soft_wrap=True,
                        placeholder="<Response>…</Response>",
                    )
                    yield Static("", id="status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        editor = self.editor
        if xml_highlighting_available():
            try:
                editor.language = "xml"
            except LanguageDoesNotExist:
                editor.language = None
        editor.move_cursor(editor.document.end)
        self._focus_start()
        self._validate_now()

    def _focus_start(self) -> None:
        """Focus the first empty field when the snippet still needs a value, else the editor."""
        if self._form_error is not None:
            fields = list(self.query_one("#form").query(Input))
            empty = [field for field in fields if not field.value.strip()]
            if fields:
                (empty or fields)[0].focus()
                return
        self.editor.focus()

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @staticmethod
    def _form_widgets(snippet: Snippet | None) -> list[Label | Input]:
        """A label and an input per placeholder, prefilled with the snippet's defaults."""
        if snippet is None or not snippet.placeholders:
            return [Label("Nothing to fill in.", classes="muted")]
        widgets: list[Label | Input] = []
        for name in snippet.placeholders:
            widgets.append(Label(name.replace("_", " "), classes="field-label", markup=False))
            widgets.append(
                Input(
                    snippet.defaults.get(name, ""),
                    placeholder=name,
                    name=name,
                    classes="field",
                )
            )
        return widgets

    # -- snippets and the form -----------------------------------------------------------

    @on(OptionList.OptionSelected, "#snippets")
    async def _snippet_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        snippet = self.snippets[event.option_index]
        self.snippet = snippet
        form = self.query_one("#form", VerticalScroll)
        await form.remove_children()
        await form.mount_all(self._form_widgets(snippet))
        self._write(self._render_form(snippet, dict(snippet.defaults)))
        fields = form.query(Input)
        if fields:
            fields.first().focus()
        else:
            self.editor.focus()

    @on(Input.Changed, ".field")
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.snippet is None or event.input.parent is None:
            return
        self._write(self._render_form(self.snippet, self._form_values()))

    @on(Input.Submitted, ".field")
    def _field_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on: to the next field, then to the editor."""
        event.stop()
        fields = list(self.query_one("#form").query(Input))
        index = fields.index(event.input) if event.input in fields else len(fields)
        (fields[index + 1] if index + 1 < len(fields) else self.editor).focus()

    def _form_values(self) -> dict[str, str]:
        return {
            field.name: field.value
            for field in self.query_one("#form").query(Input)
            if field.name is not None
        }

    def _render_form(self, snippet: Snippet, values: Mapping[str, str]) -> str:
        """The snippet rendered with ``values``, or its bare template while the form is invalid."""
        try:
            text = snippet.render(values)
        except ValidationError as error:
            text = snippet.template
            self._form_error = str(error)
        else:
            self._form_error = None
        self._form_text = text
        return text

    def _write(self, text: str) -> None:
        """Replace the editor's text as one undoable edit."""
        editor = self.editor
        if editor.text != text:
            editor.replace(text, (0, 0), editor.document.end)

    # -- validation ----------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _editor_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._validate_timer is not None:
            self._validate_timer.stop()
        self._validate_timer = self.set_timer(VALIDATE_DELAY_S, self._validate_now)

    def _check(self) -> str:
        """The TwiML to send, or :class:`ValidationError` saying why not."""
        text = self.editor.text
        if self._form_error is not None and text == self._form_text:
            raise ValidationError(self._form_error)
        return validate_twiml(text)

    def _validate_now(self) -> None:
        """Show on the status line whether the editor's text may be sent, and if not, why."""
        if self._validate_timer is not None:
            self._validate_timer.stop()
            self._validate_timer = None
        try:
            twiml = self._check()
        except ValidationError as error:
            self._show_status(f"✗ {error}", valid=False)
        else:
            size = f"✓ valid TwiML, {len(twiml)}/{MAX_TWIML_CHARS} characters"
            ending = call_ending(twiml)
            if ending.ends:
                self._show_status(f"⚠ {ending.reason}\n{size}", valid=True, ends=True)
            else:
                self._show_status(size, valid=True)

    def _show_status(self, text: str, *, valid: bool, ends: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(plain_lines(text))
        status.set_class(valid, "valid")
        status.set_class(not valid, "invalid")
        status.set_class(ends, "ends")

    # -- actions -------------------------------------------------------------------------

    def action_send(self) -> None:
        """Send only what validates; otherwise stay, and put the cursor where the problem is."""
        self._validate_now()
        try:
            twiml = self._check()
        except TwimlError as error:
            if error.line is not None:
                self._show_line(error.line)
            return
        except ValidationError:
            self._focus_start()
            return
        ending = call_ending(twiml)
        if not ending.ends or not self.live_calls():  # nothing live: the screen sends nothing
            self.dismiss(twiml)
            return

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            # Hand the TwiML over now, in y's own callback (as the hang-up does); the editor
            # closes once the confirmation has (only the topmost screen may be dismissed).
            hook, self.on_result = self.on_result, None
            if hook is not None:
                hook(twiml)
            self.call_later(close)

        def close() -> None:
            self.dismiss(twiml)  # not awaited: Textual refuses that from the screen's own handler

        confirm = ConfirmEndingScreen(self.live_calls(), ending.reason)
        confirm.on_result = answered  # like the hang-up: the send happens in y's own callback
        self.app.push_screen(confirm)

    def _show_line(self, line: int) -> None:
        editor = self.editor
        row = max(0, min(line - 1, editor.document.line_count - 1))
        editor.focus()
        editor.select_line(row)
        editor.scroll_cursor_visible(center=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
