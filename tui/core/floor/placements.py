"""Call SID → where the call is: the one map the live table's Where column reads.

Built once per floor pass from the queues (complete every pass) and the rooms known so far, in
work proportional to the members and participants listed, never to the number of calls.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from tui.core.floor.models import Placement, QueueView, RoomView


def build_placements(
    queues: Iterable[QueueView], rooms: Iterable[RoomView], *, hidden: Collection[str] = ()
) -> dict[str, Placement]:
    """Where every queue member and every known participant is.

    ``hidden`` legs (the supervisor's own) are placed like any other but left out of the other
    legs' ``others`` and ``agent_label``, so a customer is "with agent Alice", not "with Ana".
    """
    placements: dict[str, Placement] = {}
    for view in queues:
        name = view.queue.friendly_name
        for member in view.members:
            placements[member.call_sid] = Placement(
                call_sid=member.call_sid,
                queue_name=name,
                queue_sid=view.queue.sid,
                position=member.position,
                wait_time=member.wait_time,
            )
    for room in rooms:
        legs = room.participants
        for participant in legs:
            others = tuple(
                p for p in legs if p.call_sid != participant.call_sid and p.call_sid not in hidden
            )
            label = next((p.label for p in others if p.label), None)
            recording = room.recording_of(participant.call_sid)
            placements[participant.call_sid] = Placement(
                call_sid=participant.call_sid,
                conference_sid=room.conference.sid,
                room_name=room.conference.friendly_name,
                label=participant.label,
                agent_label=label,
                hold=participant.hold,
                muted=participant.muted,
                coaching=participant.coaching,
                recording=recording.status if recording is not None else None,
                others=tuple(p.call_sid for p in others),
            )
    return placements
