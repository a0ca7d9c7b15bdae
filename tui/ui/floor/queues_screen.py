"""Every queue with its size, average and longest wait; the selected queue's members in order.

``d`` dequeues the selected member, ``D`` the head of the queue (Twilio's ``Front``), to a named
destination or a typed URL; both ask before sending, since a caller sent on cannot be put back.
Queues are listed on every floor pass, so this screen is never older than one pass.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui.core.config import Destination
from tui.core.floor.models import Member, QueueView
from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.floor.control import FloorController
from tui.ui.floor.dialogs import FLOOR_STYLESHEET, DequeueScreen, FloorConfirmScreen
from tui.ui.floor.monitor_bar import MonitorBar
from tui.ui.floor.room_actions import hide_floor_keys
from tui.ui.floor.where import format_wait
from tui.ui.widgets.key_footer import KeyFooter

QUEUE_COLUMNS = ("Queue", "Waiting", "Average wait", "Longest wait", "Max")
MEMBER_COLUMNS = ("#", "Call SID", "From", "Waited")


def _short(sid: str) -> str:
    return f"{sid[:2]}…{sid[-8:]}"


class QueuesScreen(Screen[None]):
    """The queues and their members; dequeue from here."""

    CSS_PATH = FLOOR_STYLESHEET
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d", "floor_dequeue", "Dequeue", id="floor-dequeue"),
        Binding("D", "floor_dequeue_head", "Dequeue head", id="floor-dequeue-head"),
        Binding("tab", "app.focus_next", "Queues/members", show=False),
    ]

    def __init__(
        self,
        controller: FloorController,
        destinations: tuple[Destination, ...],
        lookup: Callable[[str], Call | None],
    ) -> None:
        super().__init__()
        self.controller = controller
        self.destinations = destinations
        self.lookup = lookup
        self._shown_version = -1
        if controller.read_only:
            hide_floor_keys(self)
        self._queue_sid: str | None = None
        self._member_sid: str | None = None
        """The member the cursor is on, kept by SID across refills."""
        self.start_with: tuple[str, str] | None = None
        """(Queue SID, Call SID) to select on opening (``d`` on a waiting call)."""

    def compose(self) -> ComposeResult:
        yield MonitorBar(self.controller, id="monitor")
        yield Static(" Queues", id="queues-title", markup=False)
        with Horizontal(id="queues-body"):
            with Vertical(id="queues-left"):
                yield DataTable(id="queues", cursor_type="row", zebra_stripes=True)
            with Vertical(id="queues-right"):
                yield Label("Members (head first)", id="members-title", markup=False)
                yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queues-note", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        queues = self.query_one("#queues", DataTable)
        for title in QUEUE_COLUMNS:
            queues.add_column(title, key=title.lower())
        members = self.query_one("#members", DataTable)
        for title in MEMBER_COLUMNS:
            members.add_column(title, key=title.lower())
        self.set_interval(0.5, self._sync)
        start = self.start_with
        if start is not None:
            self._queue_sid, self._member_sid = start
        self._sync()
        (members if start is not None else queues).focus()

    # ------------------------------------------------------------------ what it shows

    @property
    def queues(self) -> tuple[QueueView, ...]:
        return self.controller.snapshot.queues

    @property
    def selected_queue(self) -> QueueView | None:
        return next((q for q in self.queues if q.queue.sid == self._queue_sid), None)

    @property
    def selected_member(self) -> Member | None:
        view = self.selected_queue
        table = self.query_one("#members", DataTable)
        if view is None or table.row_count == 0:
            return None
        row = table.cursor_row
        return view.members[row] if 0 <= row < len(view.members) else None

    def _sync(self) -> None:
        if self.controller.version == self._shown_version:
            return
        self._shown_version = self.controller.version
        table = self.query_one("#queues", DataTable)
        queues = self.queues
        if self._queue_sid is None and queues:
            busy = next((q for q in queues if q.members), queues[0])
            self._queue_sid = busy.queue.sid
        table.clear()
        for view in queues:
            queue = view.queue
            table.add_row(
                Text(display_text(queue.friendly_name, limit=40)),
                Text(str(queue.current_size), justify="right"),
                Text(format_wait(queue.average_wait_time), justify="right"),
                Text(format_wait(view.longest_wait), justify="right"),
                Text(str(queue.max_size or ""), justify="right"),
                key=queue.sid,
            )
        index = next((i for i, q in enumerate(queues) if q.queue.sid == self._queue_sid), 0)
        if queues:
            table.move_cursor(row=index)
        self._fill_members()
        note = "" if queues else "No queues on this account."
        if self.controller.read_only:
            note = "Read-only mode: dequeue is off."
        elif self.controller.snapshot.error:
            note = f"Floor data may be stale: {display_text(self.controller.snapshot.error)}"
        self.query_one("#queues-note", Static).update(note)

    def _fill_members(self) -> None:
        table = self.query_one("#members", DataTable)
        keep = table.cursor_row
        wanted = self._member_sid
        view = self.selected_queue
        table.clear()
        title = self.query_one("#members-title", Label)
        if view is None:
            title.update("Members")
            return
        title.update(f"Members of {display_text(view.queue.friendly_name, limit=40)} (head first)")
        for member in view.members:
            call = self.lookup(member.call_sid)
            table.add_row(
                Text(str(member.position), justify="right"),
                Text(_short(member.call_sid)),
                Text(display_text(call.from_ if call else "", limit=24)),
                Text(format_wait(member.wait_time), justify="right"),
                key=member.call_sid,
            )
        if view.members:
            rows = [member.call_sid for member in view.members]
            row = rows.index(wanted) if wanted in rows else min(max(keep, 0), len(rows) - 1)
            table.move_cursor(row=row)

    def select_queue(self, queue_sid: str, member_sid: str | None = None) -> None:
        """Show ``queue_sid``'s members (cursor on ``member_sid`` when given)."""
        self._queue_sid, self._member_sid = queue_sid, member_sid
        self._shown_version = -1
        self._sync()

    @on(DataTable.RowHighlighted, "#queues")
    def _queue_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not event.data_table.has_focus or event.cursor_row != event.data_table.cursor_row:
            return  # the table being refilled, not the supervisor choosing a queue
        key = event.row_key.value if event.row_key is not None else None
        if isinstance(key, str) and key != self._queue_sid:
            self._queue_sid = key
            self._member_sid = None
            self._fill_members()

    @on(DataTable.RowHighlighted, "#members")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        stale = event.cursor_row != event.data_table.cursor_row  # a refill's, already moved on
        if event.data_table.has_focus and not stale and event.row_key is not None:
            key = event.row_key.value
            self._member_sid = key if isinstance(key, str) else None

    # ------------------------------------------------------------------ dequeue

    def action_floor_dequeue(self) -> None:
        if self.controller.usable(self) is None:
            return
        member = self.selected_member
        if member is None:
            self.notify("Select a caller in the members list to dequeue.", severity="warning")
            return
        self._dequeue(member.call_sid, f"Dequeue {_short(member.call_sid)}")

    def action_floor_dequeue_head(self) -> None:
        view = self.selected_queue
        if view is None:
            self.notify("Select a queue first.", severity="warning")
            return
        self._dequeue(None, f"Dequeue the head of {display_text(view.queue.friendly_name)}")

    def _dequeue(self, call_sid: str | None, title: str) -> None:
        view = self.selected_queue
        if self.controller.usable(self) is None or view is None:
            return
        queue_sid = view.queue.sid
        queue_name = display_text(view.queue.friendly_name, limit=40)
        picker = DequeueScreen(title, self.destinations)

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            url, method = choice
            who = "the caller at the head" if call_sid is None else _short(call_sid)
            confirm = FloorConfirmScreen(
                title,
                [
                    f"Take {who} out of {queue_name}?",
                    f"Twilio fetches TwiML for the caller from {display_text(url)} ({method}).",
                    "The caller cannot be put back in their place.",
                ],
                verb="Dequeue",
            )

            def confirmed(yes: bool | None) -> None:
                actions = self.controller.usable(self) if yes else None
                if actions is not None:
                    self.controller.perform(
                        self, lambda: actions.dequeue(queue_sid, call_sid, url, method)
                    )

            confirm.on_result = confirmed
            # Deferred: this runs inside the picker's dismiss, before the picker is popped.
            self.app.call_later(self.app.push_screen, confirm)

        picker.on_result = chosen
        self.app.push_screen(picker)
