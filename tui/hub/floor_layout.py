"""The floor on NATS: names, bounds, and the value formats the hub writes and consoles read.

Per account (``{AC}`` is the Account SID):

=====================================  ======================================================
``callboard_floor_{AC}`` (KV)          key ``floor.queues`` = every queue and its waiting
                                       callers (head first); key ``room.{CF…}`` = one room in
                                       progress (the room, and its participants and running
                                       recordings once the hub has looked into it), purged
                                       when the room ends; key ``floor.health`` = the hub's
                                       last floor pass (JSON), rewritten every 2 s.
``callboard.floor.{AC}`` (subject)     a console's interest (core NATS): the rooms open in its
                                       views and the calls on its screen, so the hub's
                                       request budget is spent on them first; ``now`` asks
                                       for a pass at once.
=====================================  ======================================================

Every value is compact JSON in Twilio's own field names (so the ``*_from_json`` readers of
:mod:`tui.core.floor.models` read it back) and bounded: text is cut to :data:`MAX_TEXT`
characters, a room keeps at most :data:`MAX_PARTICIPANTS` legs, the queues value at most
:data:`MAX_MEMBERS` callers (each queue's head first), and no value exceeds
:data:`MAX_VALUE_BYTES` (the bucket refuses larger ones too). Keys are built only from
validated SIDs. Strings stay untrusted data; the screens pass them through ``display_text``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from tui.core.floor.models import (
    Conference,
    FloorSnapshot,
    FloorStats,
    Member,
    Participant,
    QueueView,
    Recording,
    RoomView,
    conference_from_json,
    member_from_json,
    participant_from_json,
    queue_from_json,
    recording_from_json,
)

QUEUES_KEY: Final = "floor.queues"
HEALTH_KEY: Final = "floor.health"
ROOM_PREFIX: Final = "room."
MAX_VALUE_BYTES: Final = 512 * 1024
MAX_TEXT: Final = 256
MAX_QUEUES: Final = 500
MAX_MEMBERS: Final = 2_000
"""Callers in the queues value, over all queues (a queue's ``current_size`` stays exact)."""
MAX_PARTICIPANTS: Final = 250
"""Twilio's own limit for one conference."""
MAX_ROOMS: Final = 20_000
"""As many as the floor source lists (20 pages of 1,000)."""
QUIET_AFTER_S: Final = 9.0
"""No ``floor.health`` for this long (the hub rewrites it every 2 s): the floor is stale."""

_CONFERENCE_SID: Final = re.compile(r"CF[0-9a-f]{32}")
_CALL_SID: Final = re.compile(r"CA[0-9a-f]{32}")
_QUEUE_SID: Final = re.compile(r"QU[0-9a-f]{32}")


def floor_bucket(account_sid: str) -> str:
    return f"callboard_floor_{account_sid}"


def floor_subject(account_sid: str) -> str:
    return f"callboard.floor.{account_sid}"


def is_conference_sid(value: object) -> bool:
    return isinstance(value, str) and _CONFERENCE_SID.fullmatch(value) is not None


def is_call_sid(value: object) -> bool:
    return isinstance(value, str) and _CALL_SID.fullmatch(value) is not None


def room_key(conference_sid: str) -> str | None:
    """The room's key, or ``None`` for anything that is not a well-formed Conference SID."""
    return ROOM_PREFIX + conference_sid if is_conference_sid(conference_sid) else None


def room_sid(key: str) -> str | None:
    sid = key.removeprefix(ROOM_PREFIX)
    return sid if key.startswith(ROOM_PREFIX) and is_conference_sid(sid) else None


def _clip(value: str | None) -> str | None:
    return value if value is None or len(value) <= MAX_TEXT else value[:MAX_TEXT]


def _dumps(record: object) -> bytes:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _loads(data: bytes | None) -> Any:
    if not data or len(data) > MAX_VALUE_BYTES:
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------- queues


def _member_json(member: Member) -> dict[str, object]:
    return {
        "call_sid": member.call_sid,
        "position": member.position,
        "wait_time": member.wait_time,
        "date_enqueued": _clip(member.date_enqueued),
    }


def _queues_json(queues: Sequence[QueueView], depth: int) -> list[dict[str, object]]:
    return [
        {
            "sid": view.queue.sid,
            "friendly_name": _clip(view.queue.friendly_name),
            "current_size": view.queue.current_size,
            "average_wait_time": view.queue.average_wait_time,
            "max_size": view.queue.max_size,
            "members": [_member_json(m) for m in view.members[:depth]],
        }
        for view in queues
    ]


def encode_queues(queues: Sequence[QueueView]) -> bytes:
    """The queues value: busy queues first when there are too many, every queue's head first
    when there are too many callers."""
    chosen = sorted(range(len(queues)), key=lambda i: not queues[i].members)[:MAX_QUEUES]
    kept = [queues[i] for i in sorted(chosen)]  # the listing's order
    depth = max((len(view.members) for view in kept), default=0)
    while sum(min(depth, len(view.members)) for view in kept) > MAX_MEMBERS:
        depth -= max(1, depth // 8)
    data = _dumps(_queues_json(kept, depth))
    while len(data) > MAX_VALUE_BYTES and depth > 0:
        depth //= 2
        data = _dumps(_queues_json(kept, depth))
    return data


def decode_queues(data: bytes | None) -> tuple[QueueView, ...] | None:
    """The queues in ``data`` (at most the bounds above), or ``None`` if unreadable."""
    records = _loads(data)
    if not isinstance(records, list):
        return None
    views: list[QueueView] = []
    members_left = MAX_MEMBERS
    for record in records[:MAX_QUEUES]:
        if not isinstance(record, dict):
            continue
        queue = queue_from_json(record)
        if not _QUEUE_SID.fullmatch(queue.sid):
            continue
        raw = record.get("members")
        members = []
        for item in raw[:members_left] if isinstance(raw, list) else []:
            if isinstance(item, dict):
                member = member_from_json(item, queue.sid)
                if is_call_sid(member.call_sid):
                    members.append(member)
        members_left -= len(members)
        views.append(QueueView(queue, tuple(members)))
    return tuple(views)


# ---------------------------------------------------------------------- rooms


def _conference_json(conference: Conference) -> dict[str, object]:
    return {
        "sid": conference.sid,
        "friendly_name": _clip(conference.friendly_name),
        "status": _clip(conference.status),
        "date_created": _clip(conference.date_created),
        "reason_conference_ended": _clip(conference.reason_conference_ended),
    }


def _participant_json(participant: Participant) -> dict[str, object]:
    return {
        "call_sid": participant.call_sid,
        "label": _clip(participant.label),
        "status": _clip(participant.status),
        "muted": participant.muted,
        "hold": participant.hold,
        "coaching": participant.coaching,
        "call_sid_to_coach": _clip(participant.call_sid_to_coach),
        "end_conference_on_exit": participant.end_conference_on_exit,
    }


def _recording_json(recording: Recording | None) -> dict[str, object] | None:
    if recording is None:
        return None
    return {
        "sid": _clip(recording.sid),
        "call_sid": _clip(recording.call_sid),
        "conference_sid": _clip(recording.conference_sid),
        "status": _clip(recording.status),
        "source": _clip(recording.source),
    }


def encode_room(conference: Conference, view: RoomView | None) -> bytes:
    """One room's value; ``view`` is ``None`` while the hub has not looked into the room."""
    record: dict[str, object] = {"conference": _conference_json(conference)}
    if view is not None:
        legs = view.participants[:MAX_PARTICIPANTS]
        present = {leg.call_sid for leg in legs}
        record.update(
            fetched_at=view.fetched_at,
            participants=[_participant_json(leg) for leg in legs],
            recording=_recording_json(view.recording),
            call_recordings={
                sid: _recording_json(rec)
                for sid, rec in view.call_recordings.items()
                if sid in present
            },
        )
    data = _dumps(record)
    if len(data) > MAX_VALUE_BYTES:  # only with hostile text: keep the room, not its legs
        data = _dumps({"conference": _conference_json(conference)})
    return data


def decode_room(sid: str, data: bytes | None) -> tuple[Conference, RoomView | None] | None:
    """The room (and what is known inside it) in ``data``, or ``None`` if unreadable."""
    record = _loads(data)
    if not isinstance(record, dict) or not isinstance(record.get("conference"), dict):
        return None
    conference = conference_from_json(record["conference"])
    if conference.sid != sid:
        return None
    legs = record.get("participants")
    if not isinstance(legs, list):
        return conference, None
    participants = tuple(
        participant
        for item in legs[:MAX_PARTICIPANTS]
        if isinstance(item, dict)
        and is_call_sid((participant := participant_from_json(item, sid)).call_sid)
    )
    present = {participant.call_sid for participant in participants}
    raw_recordings = record.get("call_recordings")
    call_recordings = {
        call: recording_from_json(value)
        for call, value in (raw_recordings.items() if isinstance(raw_recordings, dict) else ())
        if call in present and isinstance(value, dict)
    }
    raw_room = record.get("recording")
    fetched_at = record.get("fetched_at")
    view = RoomView(
        conference,
        participants,
        recording_from_json(raw_room) if isinstance(raw_room, dict) else None,
        float(fetched_at) if isinstance(fetched_at, int | float) else 0.0,
        call_recordings,
    )
    return conference, view


# ---------------------------------------------------------------------- health


@dataclass(frozen=True, slots=True)
class FloorHealth:
    """The hub's last floor pass as consoles read it; times are wall-clock seconds."""

    at: float
    """When the pass the published floor comes from ended (0 before the first)."""
    complete: bool
    """A pass has completed: the published rooms are the live set."""
    error: str | None = None
    requests: int = 0
    rooms: int = 0
    rooms_fetched: int = 0
    queues: int = 0
    budget: int = 0
    hub: str = ""
    beat: float = 0.0
    """When this record was written (the heartbeat)."""

    @classmethod
    def from_snapshot(cls, snapshot: FloorSnapshot, hub: str, beat: float) -> FloorHealth:
        stats = snapshot.stats
        return cls(
            at=snapshot.at,
            complete=stats is not None,
            error=_clip(snapshot.error),
            requests=stats.requests if stats else 0,
            rooms=stats.rooms if stats else 0,
            rooms_fetched=stats.rooms_fetched if stats else 0,
            queues=stats.queues if stats else 0,
            budget=stats.budget if stats else 0,
            hub=_clip(hub) or "",
            beat=beat,
        )

    @property
    def stats(self) -> FloorStats | None:
        if not self.complete:
            return None
        return FloorStats(self.requests, self.rooms, self.rooms_fetched, self.queues, self.budget)

    def encode(self) -> bytes:
        return _dumps(asdict(self))

    @classmethod
    def decode(cls, data: bytes | None) -> FloorHealth | None:
        value = _loads(data)
        if not isinstance(value, Mapping):
            return None
        try:
            error = value.get("error")
            return cls(
                at=float(value["at"]),
                complete=bool(value["complete"]),
                error=_clip(str(error)) if error else None,
                requests=int(value.get("requests", 0)),
                rooms=int(value.get("rooms", 0)),
                rooms_fetched=int(value.get("rooms_fetched", 0)),
                queues=int(value.get("queues", 0)),
                budget=int(value.get("budget", 0)),
                hub=_clip(str(value.get("hub", ""))) or "",
                beat=float(value["beat"]),
            )
        except (ValueError, TypeError, KeyError):
            return None
