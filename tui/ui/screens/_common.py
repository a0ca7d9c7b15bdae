"""What every Callboard dialog shares: one stylesheet, centring, and how targets are named.

Screens load ``tui/ui/styles/screens.tcss`` through ``CSS_PATH``. Textual applies screen CSS to the
whole app, so every rule in that file is scoped under a screen's type name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final, TypeVar

from textual.screen import ModalScreen

from tui.core.models import Call

STYLESHEET: Final = Path(__file__).resolve().parent.parent / "styles" / "screens.tcss"
"""The one stylesheet for all modal screens (absolute, so it loads wherever the app starts)."""

ResultT = TypeVar("ResultT")


class CallboardModal(ModalScreen[ResultT]):
    """Base for Callboard's dialogs: loads the shared stylesheet.

    The CSS selector ``CallboardModal`` matches every subclass, so centring and the dimmed
    backdrop are written once.
    """

    CSS_PATH = STYLESHEET


def describe_targets(calls: Sequence[Call]) -> str:
    """Name the call(s) an action is about: the short SID of one, or how many are marked."""
    if len(calls) == 1:
        return calls[0].short_sid
    if not calls:
        return "no calls"
    return f"{len(calls)} marked calls"


def call_route(call: Call) -> str:
    """``from → to``, with a dash for a missing number (SIP or client legs can lack one)."""
    return f"{call.from_ or '—'} → {call.to or '—'}"
