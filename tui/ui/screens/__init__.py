"""Callboard's modal screens.

Each returns a validated value with ``dismiss`` and sends nothing: the caller acts on the value.
"""

from __future__ import annotations

from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.transfer import TransferScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen

__all__ = [
    "CallDetailScreen",
    "ConfirmHangupScreen",
    "HelpScreen",
    "TransferScreen",
    "TwimlEditorScreen",
]
