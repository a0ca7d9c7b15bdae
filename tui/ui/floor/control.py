"""The floor's controller in the UI: runs the floor source, keeps what it reported, sends actions.

One per main screen. Screens ask it where a call is, which rooms are open, and hand it the floor
actions to send; it reports each outcome in one toast, as the call actions do, and asks for a
fresh floor pass (and a poll) so the screens show the effect read back from Twilio.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Literal

from textual.widget import Widget

from tui.core.errors import CallboardError
from tui.core.floor.actions import FloorActions, Monitor
from tui.core.floor.models import FloorSnapshot, Placement, RoomView
from tui.core.floor.outcomes import ACTION_TITLES
from tui.core.models import ActionResult, Outcome
from tui.ui.floor.messages import FloorUpdate
from tui.ui.floor.where import WhereBook

if TYPE_CHECKING:
    from tui.core.session import Backend

READ_ONLY_NOTE = "Read-only mode: floor actions are off; nothing was sent."
NOT_CONNECTED = "Not connected yet; nothing was sent."
LEFT_GRACE_S = 3.0


def _short(sid: str) -> str:
    return f"{sid[:2]}…{sid[-8:]}" if len(sid) > 12 else sid


class FloorController:
    """What the screens share about the floor: the last snapshot, the monitor, the actions."""

    def __init__(self, *, read_only: bool) -> None:
        self.read_only = read_only
        self.backend: Backend | None = None
        self.snapshot = FloorSnapshot()
        self.where = WhereBook()
        self.open_rooms: dict[int, str] = {}
        """Rooms shown by open conference screens (screen id → Conference SID)."""
        self.version = 0
        """Bumped on every floor update and every monitor change: screens repaint when it moves."""

    # ------------------------------------------------------------------ wiring

    def attach(self, backend: Backend, host: Widget) -> None:
        """Start the floor source beside the call source; its news goes to ``host``."""
        self.backend = backend
        floor = backend.floor
        if floor is None:
            return

        def post(snapshot: FloorSnapshot) -> None:
            host.post_message(FloorUpdate(snapshot))

        floor.on_snapshot = post
        host.run_worker(floor.run(), name="floor", group="floor", exit_on_error=False)

    @property
    def actions(self) -> FloorActions | None:
        return None if self.backend is None else self.backend.floor_actions

    @property
    def monitor(self) -> Monitor | None:
        actions = self.actions
        return None if actions is None else actions.monitor

    def update(self, snapshot: FloorSnapshot) -> tuple[set[str], str | None]:
        """Take a pass; return the calls whose Where changed and a note if monitoring ended."""
        self.snapshot = snapshot
        changed = self.where.update(snapshot)
        note = None
        monitor = self.monitor
        if monitor is not None and snapshot.error is None and snapshot.stats is not None:
            live = {conference.sid for conference in snapshot.conferences}
            room = snapshot.rooms.get(monitor.conference_sid)
            if monitor.conference_sid not in live:
                note = "The room you were listening to has ended."
            elif (
                room is not None
                and room.participant(monitor.call_sid) is None
                and _left(room, monitor)
            ):
                note = "Your leg has left the room (hung up on your device?)."
            if note is not None and self.actions is not None:
                self.actions.forget_monitor()
        self.version += 1
        return changed, note

    def watch(self, visible_calls: Iterable[str]) -> None:
        floor = None if self.backend is None else self.backend.floor
        if floor is None:
            return
        monitor = self.monitor
        hidden = [monitor.call_sid] if monitor is not None else []
        rooms = set(self.open_rooms.values())
        if monitor is not None:
            rooms.add(monitor.conference_sid)
        floor.watch(visible_calls, rooms, hidden_calls=hidden)

    def refresh_soon(self) -> None:
        backend = self.backend
        if backend is None:
            return
        if backend.floor is not None:
            backend.floor.poll_now()
        backend.source.poll_now()

    # ------------------------------------------------------------------ lookups

    def placement(self, call_sid: str) -> Placement | None:
        return self.where.get(call_sid)

    def room(self, conference_sid: str) -> RoomView | None:
        return self.snapshot.rooms.get(conference_sid)

    def room_name(self, conference_sid: str) -> str:
        room = self.room(conference_sid)
        if room is not None and room.conference.friendly_name:
            return room.conference.friendly_name
        return _short(conference_sid)

    # ------------------------------------------------------------------ acting

    def usable(self, widget: Widget) -> FloorActions | None:
        """The floor actions, or ``None`` after telling the supervisor why not."""
        if self.read_only:
            widget.notify(READ_ONLY_NOTE, severity="warning", markup=False)
            return None
        actions = self.actions
        if actions is None:
            widget.notify(NOT_CONNECTED, severity="warning", markup=False)
        return actions

    def perform(self, widget: Widget, send: Callable[[], Awaitable[ActionResult]]) -> None:
        """Send one floor action in a worker of ``widget`` and report its outcome once."""

        async def run() -> None:
            try:
                result = await send()
            except CallboardError as error:
                widget.notify(
                    str(error), title="Not sent", severity="error", timeout=10, markup=False
                )
                return
            self.report(widget, result)
            self.version += 1
            self.refresh_soon()

        widget.run_worker(run(), group="floor-actions", exit_on_error=False)

    @staticmethod
    def report(widget: Widget, result: ActionResult) -> None:
        title = f"{ACTION_TITLES.get(result.action, str(result.action))} {result.outcome.value}"
        code = f" (Twilio {result.code})" if result.code else ""
        severity: Literal["information", "warning", "error"] = (
            "information"
            if result.outcome is Outcome.APPLIED
            else "warning"
            if result.outcome is Outcome.UNKNOWN
            else "error"
        )
        widget.notify(
            f"{_short(result.sid)}: {result.message}{code}",
            title=title,
            severity=severity,
            timeout=5 if severity == "information" else 10,
            markup=False,
        )


def _left(room: RoomView, monitor: Monitor) -> bool:
    """Missing from a fetch made well after it was dialled (Twilio lists ringing legs too)."""
    return room.fetched_at > monitor.started_at + LEFT_GRACE_S
