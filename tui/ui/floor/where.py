"""The Where column: one short sentence per call, from the floor source's placements.

"in queue Support #3 for 2:10", "on hold · ● rec · with agent alice", "muted · in room sales-12":
the state comes first, so a narrow column still shows it.
Every name in it comes from Twilio (queue names, labels, identities) and passes through
:func:`tui.core.text.display_text` here, before any widget sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from tui.core.floor.models import FloorSnapshot, Placement
from tui.core.models import Call
from tui.core.text import display_text

WHERE_WIDTH: Final = 30
_CLIENT: Final = "client:"


def format_wait(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def identity(call: Call | None) -> str | None:
    """A ``client:`` identity (an agent's device) on either end of a call, without the prefix."""
    if call is None:
        return None
    for end in (call.to, call.from_):
        if end.startswith(_CLIENT) and len(end) > len(_CLIENT):
            return end[len(_CLIENT) :]
    return None


def other_party(placement: Placement, lookup: Callable[[str], Call | None]) -> str | None:
    """Who the call is with: ``agent NAME`` for a ``client:`` leg, else another leg's label."""
    numbers = []
    for sid in placement.others:
        call = lookup(sid)
        name = identity(call)
        if name:
            return f"agent {name}"
        if call is not None:
            numbers.append(call.from_ if call.direction == "inbound" else call.to)
    return placement.agent_label or next((number for number in numbers if number), None)


def room_flags(placement: Placement) -> list[str]:
    flags = []
    if placement.hold:
        flags.append("on hold")
    if placement.muted:
        flags.append("muted")
    if placement.coaching:
        flags.append("coaching")
    if placement.recording == "in-progress":
        flags.append("● rec")
    elif placement.recording == "paused":
        flags.append("rec paused")
    return flags


def format_where(placement: Placement | None, lookup: Callable[[str], Call | None]) -> str:
    """The Where cell's text (blank for a call the floor does not place)."""
    if placement is None:
        return ""
    if placement.in_queue:
        name = display_text(placement.queue_name or "?", limit=24)
        position = f" #{placement.position}" if placement.position else ""
        return f"in queue {name}{position} for {format_wait(placement.wait_time)}"
    if not placement.in_room:
        return ""
    party = other_party(placement, lookup)
    if party:
        head = f"with {display_text(party, limit=24)}"
    elif placement.others:
        head = f"in room {display_text(placement.room_name or '', limit=20) or '?'}"
    else:
        head = "alone in a room"
    return " · ".join([*room_flags(placement), head])


class WhereBook:
    """The placements the table shows, and which calls' Where text changed in the last update."""

    def __init__(self) -> None:
        self.placements: Mapping[str, Placement] = {}
        self.version = 0

    def update(self, snapshot: FloorSnapshot) -> set[str]:
        """Take a new pass's placements; return the Call SIDs whose placement changed."""
        old, new = self.placements, snapshot.placements
        if old is new:
            return set()
        changed = {sid for sid, placement in new.items() if old.get(sid) != placement}
        changed.update(sid for sid in old if sid not in new)
        self.placements = new
        if changed:
            self.version += 1
        return changed

    def get(self, sid: str) -> Placement | None:
        return self.placements.get(sid)
