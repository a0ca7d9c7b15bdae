"""Dialogs that name calls keep those calls live while they are open.

A supervisor may read a dialog for a while; meanwhile the calls it names go on: a ringing call is
answered, a caller hangs up. Every poll's diff reaches the open dialog (:meth:`ActionDialog.
calls_changed`), which shows what changed in a note under its title, and :meth:`live_calls` is
what the screen sends to: a call that ended while the dialog was open is never sent anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from textual.css.query import NoMatches
from textual.widgets import Static

from tui.core.models import ENDED_STATUSES, Call, CallDiff
from tui.core.text import display_text
from tui.ui.plain import plain_lines
from tui.ui.screens._common import CallboardModal, ResultT

NOTES_ID: Final = "target-notes"
MAX_NOTES: Final = 4
"""Calls named one by one in the note; the rest are counted."""


class ActionDialog(CallboardModal[ResultT]):
    """A dialog about ``calls`` that follows them while it is open.

    ``calls`` is the selection as it was when the dialog opened; :attr:`current` maps each SID to
    the call as last polled, or ``None`` once it has ended (left the live listing). Subclasses
    yield :meth:`notes_widget` where the note belongs and may override :meth:`targets_changed`.
    """

    def __init__(self, calls: Sequence[Call]) -> None:
        super().__init__()
        self.calls: tuple[Call, ...] = tuple(calls)
        self.current: dict[str, Call | None] = {call.sid: call for call in self.calls}

    def live_calls(self) -> list[Call]:
        """The named calls not known to have ended, as last polled (what an action may go to)."""
        return [
            call
            for call in (self.current[c.sid] for c in self.calls)
            if call is not None and call.status not in ENDED_STATUSES
        ]

    def ended_calls(self) -> list[Call]:
        """The named calls that ended while the dialog was open (as they were when it opened)."""
        live = {call.sid for call in self.live_calls()}
        return [call for call in self.calls if call.sid not in live]

    def calls_changed(self, diff: CallDiff) -> None:
        """Take one poll's diff into account: O(len(diff)), and nothing to do for other calls."""
        touched = False
        current = self.current
        for call in diff.changed:
            if call.sid in current:
                current[call.sid] = call
                touched = True
        for call in diff.added:  # a call listed again (e.g. it came back after a failed pass)
            if call.sid in current:
                current[call.sid] = call
                touched = True
        for sid in diff.removed:
            if sid in current:
                current[sid] = None
                touched = True
        if touched and self.is_mounted:
            self._show_notes()
            self.targets_changed()

    def targets_changed(self) -> None:
        """Hook: a named call changed or ended (the note is already updated)."""

    # -- the note ------------------------------------------------------------------------

    def notes_widget(self) -> Static:
        """The (initially empty) note that says what changed since the dialog opened."""
        notes = Static("", id=NOTES_ID, markup=False)
        notes.display = False
        return notes

    def change_lines(self) -> list[str]:
        """One line per named call that changed or ended since the dialog opened."""
        lines: list[str] = []
        for opened in self.calls:
            now = self.current[opened.sid]
            name = display_text(opened.short_sid)
            if now is None or now.status in ENDED_STATUSES:
                how = "" if now is None else f" ({display_text(now.status, limit=32)})"
                lines.append(f"⚠ {name} ended{how} while this dialog was open: not sent.")
            elif now.status != opened.status:
                lines.append(
                    f"⚠ {name} is now {display_text(now.status, limit=32)}"
                    f" (was {display_text(opened.status, limit=32)})."
                )
            elif now != opened:
                lines.append(f"⚠ {name} changed since this dialog opened.")
        if len(lines) > MAX_NOTES:
            lines = [*lines[:MAX_NOTES], f"… and {len(lines) - MAX_NOTES} more calls changed."]
        return lines

    def _show_notes(self) -> None:
        try:
            notes = self.query_one(f"#{NOTES_ID}", Static)
        except NoMatches:  # a dialog without a note still tracks its calls
            return
        lines = self.change_lines()
        if not self.live_calls():
            lines.append("Every call this dialog names has ended: nothing will be sent.")
        notes.update(plain_lines("\n".join(lines)))
        notes.display = bool(lines)
