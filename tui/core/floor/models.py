"""The floor as plain data: queues and their members, rooms and their participants, recordings.

Built from Twilio's JSON (Queue, Member, Conference, Participant, Call/Conference Recording in the
2010-04-01 API) by the ``*_from_json`` functions, which never raise on a bad record: a field of
the wrong type becomes its empty value, so one odd record cannot stop a pass. Strings here are
Twilio's, untrusted: widgets pass them through :func:`tui.core.text.display_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

LIVE_RECORDING_STATUSES: Final = frozenset(("in-progress", "paused"))
"""A recording in one of these states is running (or paused) on a live call or room."""


def _str(record: Mapping[str, object], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


def _opt_str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def _int(record: Mapping[str, object], key: str) -> int:
    value = record.get(key)
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _bool(record: Mapping[str, object], key: str) -> bool:
    value = record.get(key)
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.lower() == "true"


@dataclass(frozen=True, slots=True)
class Queue:
    """A voice queue (``<Enqueue>``): its size and Twilio's average wait, in seconds."""

    sid: str
    friendly_name: str
    current_size: int
    average_wait_time: int
    max_size: int


@dataclass(frozen=True, slots=True)
class Member:
    """A caller waiting in a queue; ``position`` is 1 at the head, ``wait_time`` in seconds."""

    call_sid: str
    queue_sid: str
    position: int
    wait_time: int
    date_enqueued: str = ""


@dataclass(frozen=True, slots=True)
class Conference:
    """A room. ``status`` is ``init``, ``in-progress`` or ``completed``."""

    sid: str
    friendly_name: str
    status: str
    date_created: str = ""
    reason_conference_ended: str | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    """One leg in a room, as Twilio lists it (completed participants are not listed)."""

    call_sid: str
    conference_sid: str
    label: str | None
    status: str
    muted: bool
    hold: bool
    coaching: bool
    call_sid_to_coach: str | None
    end_conference_on_exit: bool = False


@dataclass(frozen=True, slots=True)
class Recording:
    """A Call or Conference Recording; ``conference_sid`` is set for a room's recording."""

    sid: str
    call_sid: str | None
    conference_sid: str | None
    status: str
    source: str = ""

    @property
    def live(self) -> bool:
        return self.status in LIVE_RECORDING_STATUSES


@dataclass(frozen=True, slots=True)
class QueueView:
    """A queue with its members in order (head first) and the longest current wait."""

    queue: Queue
    members: tuple[Member, ...] = ()

    @property
    def longest_wait(self) -> int:
        return max((member.wait_time for member in self.members), default=0)


@dataclass(frozen=True, slots=True)
class RoomView:
    """A room and its live participants, with the room's running recording if any."""

    conference: Conference
    participants: tuple[Participant, ...] = ()
    recording: Recording | None = None
    fetched_at: float = 0.0
    call_recordings: Mapping[str, Recording] = field(default_factory=dict)
    """Live recordings of participants' own calls (known for rooms open in a view)."""

    def recording_of(self, call_sid: str) -> Recording | None:
        """The recording that runs for this call: its own, else the room's."""
        return self.call_recordings.get(call_sid) or self.recording

    def participant(self, call_sid: str) -> Participant | None:
        for participant in self.participants:
            if participant.call_sid == call_sid:
                return participant
        return None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one call is on the floor: in a queue, or in a room (with whom, in what state).

    ``agent_label`` names the other party in the room the supervisor cares about: the agent's
    label (or ``client:`` identity) for a customer, the customer's for an agent.
    """

    call_sid: str
    queue_name: str | None = None
    queue_sid: str | None = None
    position: int | None = None
    wait_time: int | None = None
    conference_sid: str | None = None
    room_name: str | None = None
    label: str | None = None
    agent_label: str | None = None
    hold: bool = False
    muted: bool = False
    coaching: bool = False
    recording: str | None = None
    """``in-progress`` or ``paused`` when the call's or the room's recording runs."""
    others: tuple[str, ...] = ()
    """Call SIDs of the other legs in the room (the supervisor's own leg left out)."""

    @property
    def in_queue(self) -> bool:
        return self.queue_sid is not None

    @property
    def in_room(self) -> bool:
        return self.conference_sid is not None


@dataclass(frozen=True, slots=True)
class FloorStats:
    """What one pass cost: requests sent, rooms known, rooms whose participants were fetched."""

    requests: int
    rooms: int
    rooms_fetched: int
    queues: int
    budget: int


@dataclass(frozen=True, slots=True)
class FloorSnapshot:
    """Everything one pass knows. ``placements`` maps a Call SID to where it is."""

    queues: tuple[QueueView, ...] = ()
    rooms: Mapping[str, RoomView] = field(default_factory=dict)
    placements: Mapping[str, Placement] = field(default_factory=dict)
    conferences: tuple[Conference, ...] = ()
    stats: FloorStats | None = None
    at: float = 0.0
    error: str | None = None
    """A sentence when (part of) the pass failed; the rest is the last known state."""


def queue_from_json(record: Mapping[str, object]) -> Queue:
    return Queue(
        sid=_str(record, "sid"),
        friendly_name=_str(record, "friendly_name"),
        current_size=_int(record, "current_size"),
        average_wait_time=_int(record, "average_wait_time"),
        max_size=_int(record, "max_size"),
    )


def member_from_json(record: Mapping[str, object], queue_sid: str = "") -> Member:
    return Member(
        call_sid=_str(record, "call_sid"),
        queue_sid=_str(record, "queue_sid") or queue_sid,
        position=_int(record, "position"),
        wait_time=_int(record, "wait_time"),
        date_enqueued=_str(record, "date_enqueued"),
    )


def conference_from_json(record: Mapping[str, object]) -> Conference:
    return Conference(
        sid=_str(record, "sid"),
        friendly_name=_str(record, "friendly_name"),
        status=_str(record, "status"),
        date_created=_str(record, "date_created"),
        reason_conference_ended=_opt_str(record, "reason_conference_ended"),
    )


def participant_from_json(record: Mapping[str, object], conference_sid: str = "") -> Participant:
    return Participant(
        call_sid=_str(record, "call_sid"),
        conference_sid=_str(record, "conference_sid") or conference_sid,
        label=_opt_str(record, "label"),
        status=_str(record, "status"),
        muted=_bool(record, "muted"),
        hold=_bool(record, "hold"),
        coaching=_bool(record, "coaching"),
        call_sid_to_coach=_opt_str(record, "call_sid_to_coach"),
        end_conference_on_exit=_bool(record, "end_conference_on_exit"),
    )


def recording_from_json(record: Mapping[str, object]) -> Recording:
    return Recording(
        sid=_str(record, "sid"),
        call_sid=_opt_str(record, "call_sid"),
        conference_sid=_opt_str(record, "conference_sid"),
        status=_str(record, "status"),
        source=_str(record, "source"),
    )
