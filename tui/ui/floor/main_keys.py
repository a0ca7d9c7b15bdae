"""The floor on the main screen: its keys, its palette commands, and the "leaves the room" guard.

:class:`FloorMainKeys` is mixed into :class:`~tui.ui.screens.main.MainScreen`; the screen adds
:data:`FLOOR_BINDINGS` to its own ``BINDINGS`` (so footer, help, palette and the keymap see them)
and calls :meth:`FloorMainKeys.floor_attach` / :meth:`FloorMainKeys.on_floor_update`. An action
on the main screen applies to the call under the cursor, in the room the floor last saw it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from textual.app import SystemCommand
from textual.binding import Binding

from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.floor import where_column
from tui.ui.floor.conference_screen import ConferenceScreen
from tui.ui.floor.control import FloorController
from tui.ui.floor.dialogs import FloorConfirmScreen
from tui.ui.floor.messages import FloorUpdate
from tui.ui.floor.queues_screen import QueuesScreen
from tui.ui.floor.room_actions import RoomActions

FLOOR_BINDINGS: Final = [
    Binding("v", "floor_queues", "Queues", id="floor-queues"),
    Binding("c", "floor_conference", "Conference", id="floor-conference"),
    Binding("l", "floor_listen", "Listen", id="floor-listen"),
    Binding("w", "floor_whisper", "Whisper", show=False, id="floor-whisper"),
    Binding("b", "floor_barge", "Barge", show=False, id="floor-barge"),
    Binding("L", "floor_stop", "Stop listening", show=False, id="floor-stop"),
    Binding("o", "floor_hold", "Hold", show=False, id="floor-hold"),
    Binding("O", "floor_resume", "Resume", show=False, id="floor-resume"),
    Binding("m", "floor_mute", "Mute", show=False, id="floor-mute"),
    Binding("M", "floor_unmute", "Unmute", show=False, id="floor-unmute"),
    Binding("x", "floor_remove", "Remove from conference", show=False, id="floor-remove"),
    Binding("X", "floor_end", "End conference", show=False, id="floor-end"),
    Binding("d", "floor_dequeue", "Dequeue", show=False, id="floor-dequeue"),
    Binding("T", "floor_warm_transfer", "Warm transfer", show=False, id="floor-warm-transfer"),
    Binding("D", "floor_drop_agent", "Drop agent", show=False, id="floor-drop-agent"),
    Binding(
        "p", "floor_pause_recording", "Pause recording", show=False, id="floor-pause-recording"
    ),
    Binding(
        "P", "floor_resume_recording", "Resume recording", show=False, id="floor-resume-recording"
    ),
]
"""Keys of the floor on the main screen; the same ids on the floor screens share a remap."""

FLOOR_VIEWS: Final = frozenset(("floor_queues", "floor_conference"))
FLOOR_WRITES: Final = frozenset(b.action for b in FLOOR_BINDINGS if b.action not in FLOOR_VIEWS)
"""Hidden (and refused) in read-only mode; the two views stay."""

PALETTE: Final = (
    ("Listen", "Dial your device into the selected call's room, muted", "floor_listen"),
    ("Whisper", "Speak to the agent only (coaching)", "floor_whisper"),
    ("Barge", "Speak to everyone in the room", "floor_barge"),
    ("Stop listening", "Take your leg out of the room", "floor_stop"),
    ("Hold", "Put the selected participant on hold", "floor_hold"),
    ("Resume", "Take the selected participant off hold", "floor_resume"),
    ("Mute", "Mute the selected participant", "floor_mute"),
    ("Unmute", "Unmute the selected participant", "floor_unmute"),
    ("Remove from conference", "Take the selected participant out of the room", "floor_remove"),
    ("End conference", "End the selected call's room for everyone", "floor_end"),
    ("Dequeue", "Send the selected waiting caller to a destination", "floor_dequeue"),
    ("Warm transfer", "Dial a third party into the room", "floor_warm_transfer"),
    ("Drop agent", "Take the agent out after a warm transfer", "floor_drop_agent"),
    ("Pause recording", "Pause the call's or the room's recording (PCI)", "floor_pause_recording"),
    ("Resume recording", "Resume the paused recording", "floor_resume_recording"),
)
"""The floor's actions in the command palette, under their plain names."""


class FloorMainKeys(RoomActions):
    """Floor keys for the main screen (the call under the cursor is the target)."""

    floor: FloorController
    read_only: bool

    def _cursor(self) -> Call | None:
        call: Call | None = self.table.cursor_call  # type: ignore[attr-defined]
        return call

    # ------------------------------------------------------------------ wiring

    def floor_init(self) -> None:
        """In ``__init__``: the controller exists before compose (the monitor bar needs it)."""
        self.floor = FloorController(read_only=self.read_only)
        self.controller = self.floor

    def floor_mount(self) -> None:
        """In ``on_mount``: tell the floor source what is on screen, once a second."""
        self.lookup = self._lookup_call
        where_column.use(self.floor.where, self._lookup_call)
        self._screen.set_interval(1.0, self._floor_watch)

    def _lookup_call(self, sid: str) -> Call | None:
        call: Call | None = self.table.get_call(sid)  # type: ignore[attr-defined]
        return call

    def floor_attach(self, backend: Any) -> None:
        self.floor.attach(backend, self._screen)

    def on_floor_update(self, message: FloorUpdate) -> None:
        changed, note = self.floor.update(message.snapshot)
        if note:
            self._screen.notify(note, title="Monitoring ended", severity="warning", markup=False)
        if changed:
            self.table.refresh_calls(changed)  # type: ignore[attr-defined]

    def _floor_watch(self) -> None:
        table = self.table  # type: ignore[attr-defined]
        top = round(table.scroll_y)
        height = max(1, table.size.height - 1)
        end = min(table.row_count, top + height)
        visible = [table.get_call_at(index).sid for index in range(top, end)]
        self.floor.watch(visible)

    # ------------------------------------------------------------------ targets

    def room_target(self) -> tuple[str, str | None] | None:
        call = self._cursor()
        if call is None:
            self._screen.notify("No call selected.", severity="warning")
            return None
        placement = self.floor.placement(call.sid)
        if placement is None or placement.conference_sid is None:
            monitor = self.floor.monitor
            if monitor is not None and call.sid == monitor.call_sid:
                return monitor.conference_sid, call.sid
            self._screen.notify(
                "This call is not in a conference the floor has seen (yet): open it in the "
                "conference view (c) or wait for the next floor pass.",
                severity="warning",
            )
            return None
        return placement.conference_sid, call.sid

    def action_floor_conference(self) -> None:
        call = self._cursor()
        if call is None:
            self._screen.notify("No call selected.", severity="warning")
            return
        monitor = self.floor.monitor
        placement = self.floor.placement(call.sid)
        room = placement.conference_sid if placement else None
        if room is None and monitor is not None and call.sid == monitor.call_sid:
            room = monitor.conference_sid
        if room is None:
            self._screen.notify("This call is not in a conference room.", severity="warning")
            return
        self._screen.app.push_screen(
            ConferenceScreen(self.floor, room, self.lookup, focus_call=call.sid)
        )

    def action_floor_queues(self) -> None:
        destinations = tuple(self.settings.destinations)  # type: ignore[attr-defined]
        self._screen.app.push_screen(QueuesScreen(self.floor, destinations, self.lookup))

    def action_floor_dequeue(self) -> None:
        call = self._cursor()
        placement = self.floor.placement(call.sid) if call else None
        if call is None or placement is None or placement.queue_sid is None:
            self._screen.notify(
                "The selected call is not waiting in a queue; the queues view (v) lists them.",
                severity="warning",
            )
            return
        screen = QueuesScreen(
            self.floor,
            tuple(self.settings.destinations),  # type: ignore[attr-defined]
            self.lookup,
        )
        screen.start_with = (placement.queue_sid, call.sid)
        self._screen.app.push_screen(screen)

    # ------------------------------------------------------------------ the guard

    def guard_room_exit(
        self, calls: Sequence[Call], verb: str, proceed: Callable[[], object]
    ) -> bool:
        """Before a redirect or TwiML injection: ask if any target is in a conference room.

        Twilio takes a participant whose call gets new TwiML out of its room. Returns ``True``
        when it asked (``proceed`` runs on yes), ``False`` when no target is in a room.
        """
        in_rooms = [
            (call, placement)
            for call in calls
            if (placement := self.floor.placement(call.sid)) is not None and placement.in_room
        ]
        if not in_rooms:
            return False
        lines = [
            f"{len(in_rooms)} of the selected calls {'is' if len(in_rooms) == 1 else 'are'} in "
            "a conference room.",
            f"A {verb} takes a call out of its room: Twilio removes it from the conference"
            " (its agent or customer stays behind).",
        ]
        for call, placement in in_rooms[:4]:
            room = display_text(placement.room_name or placement.conference_sid or "", limit=30)
            lines.append(f"  {call.short_sid} in {room}")
        dialog = FloorConfirmScreen(
            f"{verb.capitalize()} out of a conference?", lines, verb="Go on"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._screen.app.call_later(proceed)

        dialog.on_result = answered
        self._screen.app.push_screen(dialog)
        return True


def floor_commands(screen: FloorMainKeys) -> Iterable[SystemCommand]:
    """The palette's floor entries (only the views in read-only mode)."""
    yield SystemCommand("Queues", "Every queue, its members; dequeue", screen.action_floor_queues)
    yield SystemCommand(
        "Conference", "The selected call's room and participants", screen.action_floor_conference
    )
    if screen.read_only:
        return
    for title, help_text, action in PALETTE:
        yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
