"""Which rooms and recordings one floor pass looks into, within its request budget.

Pure planning, no I/O, so the order can be read and tested on its own. In order, while the budget
lasts:

1. rooms open in a view: participants, the room's recordings, and each known participant's call
   recordings (``2 + legs`` requests);
2. rooms of calls on screen: participants and the room's recordings (2);
3. the call recordings of calls on screen that are in a room, least recently checked first (1);
4. rooms never looked into, newest first: participants (1);
5. every other room, least recently refreshed first: participants (1).

A step that does not fit in what is left of the budget is skipped (a cheaper later one may
still fit), so a pass never spends more than the budget on rooms and recordings.
"""

from __future__ import annotations

import email.utils
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.floor.models import Conference


@dataclass(slots=True)
class RoomFetch:
    """What to ask about one room this pass."""

    sid: str
    participants: bool = True
    room_recording: bool = False
    call_recordings: list[str] = field(default_factory=list)

    @property
    def cost(self) -> int:
        return int(self.participants) + int(self.room_recording) + len(self.call_recordings)


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What the planner knows: the live rooms and what the supervisor looks at."""

    conferences: Sequence[Conference]
    open_rooms: Collection[str]
    visible_calls: Collection[str]
    room_of_call: Mapping[str, str]
    legs_of_room: Mapping[str, Sequence[str]]
    fetched_at: Mapping[str, float]
    call_checked_at: Mapping[str, float]


def plan_pass(inputs: PlanInputs, budget: int) -> list[RoomFetch]:
    """The fetches of one pass, in the order they were chosen; their costs sum to ≤ ``budget``."""
    live = {conference.sid for conference in inputs.conferences}
    plan: dict[str, RoomFetch] = {}
    left = budget

    def add(sid: str, *, room_recording: bool = False, calls: Sequence[str] = ()) -> None:
        nonlocal left
        if sid not in live:
            return
        current = plan.get(sid)
        fetch = RoomFetch(
            sid,
            participants=True,
            room_recording=room_recording or (current.room_recording if current else False),
            call_recordings=list(current.call_recordings) if current else [],
        )
        for call in calls:
            if call not in fetch.call_recordings:
                fetch.call_recordings.append(call)
        extra = fetch.cost - (current.cost if current else 0)
        if extra <= 0 or extra > left:
            return
        plan[sid] = fetch
        left -= extra

    for sid in sorted(inputs.open_rooms):
        add(sid, room_recording=True, calls=inputs.legs_of_room.get(sid, ()))
    visible_rooms = sorted(
        {room for call in inputs.visible_calls if (room := inputs.room_of_call.get(call))}
    )
    for sid in visible_rooms:
        add(sid, room_recording=True)
    in_rooms = [call for call in inputs.visible_calls if call in inputs.room_of_call]
    in_rooms.sort(key=lambda call: inputs.call_checked_at.get(call, 0.0))
    for call in in_rooms:
        add(inputs.room_of_call[call], room_recording=True, calls=[call])
    unseen = [c for c in inputs.conferences if c.sid not in inputs.fetched_at]
    unseen.sort(key=lambda c: _created(c.date_created), reverse=True)
    for conference in unseen:
        if left <= 0:
            break
        add(conference.sid)
    stale = sorted(
        (c.sid for c in inputs.conferences if c.sid in inputs.fetched_at and c.sid not in plan),
        key=lambda sid: inputs.fetched_at[sid],
    )
    for sid in stale:
        if left <= 0:
            break
        add(sid)
    return list(plan.values())


def _created(text: str) -> float:
    """Twilio's RFC 2822 ``date_created`` as a timestamp (0 when unreadable)."""
    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return 0.0
