"""Floor news for the widget tree."""

from __future__ import annotations

from textual.message import Message

from tui.core.floor.models import FloorSnapshot


class FloorUpdate(Message):
    """A floor pass finished (``snapshot.error`` says what failed, if anything)."""

    def __init__(self, snapshot: FloorSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
