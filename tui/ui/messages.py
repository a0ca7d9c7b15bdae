"""Textual messages that carry back-end news into the widget tree.

The back end knows nothing of Textual; the app wraps what it reports in these messages so that
screens and widgets react in their own handlers, on the event loop, one message at a time.
"""

from __future__ import annotations

import asyncio

from textual.message import Message

from tui.core.models import PollEvent, PollProgress
from tui.core.session import Backend


class BackendReady(Message):
    """The connection is open: actions can be sent from now on."""

    def __init__(self, backend: Backend, account_name: str) -> None:
        super().__init__()
        self.backend = backend
        self.account_name = account_name


class BackendFailed(Message):
    """The connection could not be opened at all (not a poll failure); ``reason`` is a sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FirstRows(Message):
    """Part of the very first poll pass arrived: calls to show provisionally (first_pass.py).

    ``painted`` is completed by the screen once these rows are on screen (the poller waits for
    it before reading more of the first pass).
    """

    def __init__(self, progress: PollProgress, painted: asyncio.Future[None] | None = None) -> None:
        super().__init__()
        self.progress = progress
        self.painted = painted

    def mark_painted(self) -> None:
        """The rows are on screen (or will never be: the screen is gone)."""
        if self.painted is not None and not self.painted.done():
            self.painted.set_result(None)


class PollUpdate(Message):
    """A poll pass finished, well or badly."""

    def __init__(self, event: PollEvent) -> None:
        super().__init__()
        self.event = event
