"""One room: its participants with label, hold, mute and coaching, and every action on it.

Opened with ``c`` on any call in a room. While it is open the floor source looks into this room
every pass (participants, the room's and the legs' recordings), so what it shows is read back
from Twilio within a pass of each action. The selected participant is the target of hold, mute,
remove, whisper (the agent to coach) and drop agent.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.core.floor.models import Participant, RoomView
from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.floor.control import FloorController
from tui.ui.floor.dialogs import FLOOR_STYLESHEET
from tui.ui.floor.monitor_bar import MonitorBar
from tui.ui.floor.room_actions import RoomActions, hide_floor_keys
from tui.ui.widgets.key_footer import KeyFooter

COLUMNS = ("Label", "Call SID", "Number", "Status", "Hold", "Muted", "Coaching", "Rec")


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


class ConferenceScreen(RoomActions, Screen[None]):
    """The participants of one room, refreshed every floor pass, and the room's actions."""

    CSS_PATH = FLOOR_STYLESHEET
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("l", "floor_listen", "Listen", id="floor-listen"),
        Binding("w", "floor_whisper", "Whisper", id="floor-whisper"),
        Binding("b", "floor_barge", "Barge", id="floor-barge"),
        Binding("L", "floor_stop", "Stop listening", id="floor-stop"),
        Binding("o", "floor_hold", "Hold", id="floor-hold"),
        Binding("O", "floor_resume", "Resume", id="floor-resume"),
        Binding("m", "floor_mute", "Mute", id="floor-mute"),
        Binding("M", "floor_unmute", "Unmute", id="floor-unmute"),
        Binding("x", "floor_remove", "Remove", id="floor-remove"),
        Binding("X", "floor_end", "End conference", id="floor-end"),
        Binding("T", "floor_warm_transfer", "Warm transfer", id="floor-warm-transfer"),
        Binding("D", "floor_drop_agent", "Drop agent", show=False, id="floor-drop-agent"),
        Binding("p", "floor_pause_recording", "Pause rec", id="floor-pause-recording"),
        Binding(
            "P", "floor_resume_recording", "Resume rec", show=False, id="floor-resume-recording"
        ),
    ]

    def __init__(
        self,
        controller: FloorController,
        conference_sid: str,
        lookup: Callable[[str], Call | None],
        *,
        focus_call: str | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.conference_sid = conference_sid
        self.lookup = lookup
        self._focus_call = focus_call
        self._shown_version = -1
        if controller.read_only:
            hide_floor_keys(self)

    def compose(self) -> ComposeResult:
        yield MonitorBar(self.controller, id="monitor")
        yield Static("", id="room-title", markup=False)
        yield Static("", id="room-state", markup=False)
        table: DataTable[Text] = DataTable(id="participants", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="room-note", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#participants", DataTable)
        for title in COLUMNS:
            table.add_column(title, key=title.lower())
        self.controller.open_rooms[id(self)] = self.conference_sid
        self.controller.refresh_soon()
        self.set_interval(0.5, self._sync)
        self._sync()
        table.focus()

    def on_unmount(self) -> None:
        self.controller.open_rooms.pop(id(self), None)

    def room_target(self) -> tuple[str, str | None] | None:
        selected = self.selected
        return self.conference_sid, None if selected is None else selected.call_sid

    # ------------------------------------------------------------------ what it shows

    @property
    def view(self) -> RoomView | None:
        return self.controller.room(self.conference_sid)

    @property
    def selected(self) -> Participant | None:
        view = self.view
        table = self.query_one("#participants", DataTable)
        if view is None or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return view.participant(key) if isinstance(key, str) else None

    def _sync(self) -> None:
        if self.controller.version == self._shown_version:
            return
        self._shown_version = self.controller.version
        view = self.view
        live = {c.sid for c in self.controller.snapshot.conferences}
        ended = self.controller.snapshot.stats is not None and self.conference_sid not in live
        name = self.controller.room_name(self.conference_sid)
        title = self.query_one("#room-title", Static)
        title.update(f" Conference {display_text(name, limit=60)}  ({self.conference_sid})")
        self.query_one("#room-state", Static).update(self._state_line(view, ended))
        note = ""
        if self.controller.read_only:
            note = "Read-only mode: the room's actions are off."
        elif self.controller.snapshot.error:
            note = f"Floor data may be stale: {display_text(self.controller.snapshot.error)}"
        self.query_one("#room-note", Static).update(note)
        self._fill(view)

    def _state_line(self, view: RoomView | None, ended: bool) -> str:
        if ended:
            return " This room has ended."
        if view is None:
            return " Looking into the room…"
        count = len(view.participants)
        rec = ""
        if view.recording is not None:
            state = "paused" if view.recording.status == "paused" else "● recording"
            rec = f" · room {state}"
        plural = "s" if count != 1 else ""
        return f" {count} participant{plural} · {display_text(view.conference.status)}{rec}"

    def _fill(self, view: RoomView | None) -> None:
        table = self.query_one("#participants", DataTable)
        keep = self.selected.call_sid if self.selected is not None else self._focus_call
        table.clear()
        if view is None:
            return
        monitor = self.controller.monitor
        for participant in view.participants:
            table.add_row(*self._cells(view, participant, monitor), key=participant.call_sid)
        if keep is not None:
            index = next((i for i, p in enumerate(view.participants) if p.call_sid == keep), None)
            if index is not None:
                table.move_cursor(row=index)
        self._focus_call = None

    def _cells(self, view: RoomView, p: Participant, monitor: object) -> list[Text]:
        call = self.lookup(p.call_sid)
        number = ""
        if call is not None:
            number = call.to if call.direction != "inbound" else call.from_
        label = p.label or ""
        if monitor is not None and getattr(monitor, "call_sid", None) == p.call_sid:
            label = f"{label} (you)".strip()
        recording = view.call_recordings.get(p.call_sid)
        rec = ""
        if recording is not None:
            rec = "paused" if recording.status == "paused" else "●"
        return [
            Text(display_text(label, limit=32)),
            Text(p.call_sid),
            Text(display_text(number, limit=32)),
            Text(display_text(p.status, limit=12)),
            Text(_yes(p.hold)),
            Text(_yes(p.muted)),
            Text(_yes(p.coaching)),
            Text(rec),
        ]
