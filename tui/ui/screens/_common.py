"""What every Callboard dialog shares: one stylesheet, centring, and how targets are named.

Screens load ``tui/ui/styles/screens.tcss`` through ``CSS_PATH``. Textual applies screen CSS to the
whole app, so every rule in that file is scoped under a screen's type name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.textual_workarounds import sweep

STYLESHEET: Final = Path(__file__).resolve().parent.parent / "styles" / "screens.tcss"
"""The one stylesheet for all modal screens (absolute, so it loads wherever the app starts)."""

ResultT = TypeVar("ResultT")


class CallboardModal(ModalScreen[ResultT]):
    """Base for Callboard's dialogs: loads the shared stylesheet.

    The CSS selector ``CallboardModal`` matches every subclass, so centring and the dimmed
    backdrop are written once.
    """

    CSS_PATH = STYLESHEET

    on_result: Callable[[ResultT | None], None] | None = None
    """Called once with the result inside :meth:`dismiss`, before the dialog is popped.

    A ``push_screen`` callback runs later, as a message to the screen underneath, after the
    frame that closes the dialog and after any slices of a poll already waiting on the loop:
    10-30 ms at 10,000 calls. Called here, an action's request is queued in the very callback
    of the key that confirmed it.
    """

    def on_unmount(self) -> None:
        sweep(self.app)  # else Textual keeps this dialog's widgets and every line they rendered

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        hook, self.on_result = self.on_result, None  # a second key before the pop sends nothing
        if hook is not None:
            hook(result)
        return super().dismiss(result)


def describe_targets(calls: Sequence[Call]) -> str:
    """Name the call(s) an action is about: the short SID of one, or how many are marked.

    Inert text (see :mod:`tui.core.text`); put it in a title as ``plain(...)``, never as markup.
    """
    if len(calls) == 1:
        return display_text(calls[0].short_sid)
    if not calls:
        return "no calls"
    return f"{len(calls)} marked calls"


def call_route(call: Call) -> str:
    """``from → to``, with a dash for a missing number (SIP or client legs can lack one).

    Inert text: numbers and client names come from callers.
    """
    return f"{display_text(call.from_ or '—', limit=64)} → {display_text(call.to or '—', limit=64)}"
