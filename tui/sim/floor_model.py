"""The floor's records: conferences and their participants, queues and their members, recordings.

Plain mutable records owned by :class:`~tui.sim.floor.Floor`; the rules that change them live in
:mod:`tui.sim.conferences`, :mod:`tui.sim.queues` and :mod:`tui.sim.recordings`, their JSON in
:mod:`tui.sim.floor_json`. Every record has a ``key`` (creation time, sequence number) that never
changes, so listings can page by anchor the way the Calls listing does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from tui.sim.twiml_parser import Dial

CONFERENCE_REASONS: Final = (
    "conference-ended-via-api",
    "participant-with-end-conference-on-exit-left",
    "participant-with-end-conference-on-exit-kicked",
    "last-participant-kicked",
    "last-participant-left",
)
DEFAULT_QUEUE_SIZE: Final = 1000
"""The spec: "The default is 1000 and the maximum is 5000"."""
MAX_QUEUE_SIZE: Final = 5000
DEFAULT_MAX_PARTICIPANTS: Final = 250


@dataclass(slots=True, eq=False)
class Participant:
    """A call in a conference (or, while a REST-created leg rings, on its way into one)."""

    call_sid: str
    conference_sid: str
    account_sid: str
    created_at: float
    updated_at: float
    key: tuple[float, int] = (0.0, 0)
    label: str | None = None
    muted: bool = False
    hold: bool = False
    coaching: bool = False
    call_sid_to_coach: str | None = None
    end_conference_on_exit: bool = False
    start_conference_on_enter: bool = True
    beep: str = "true"
    early_media: bool = False
    joined: bool = False
    """False while a leg added with ``POST …/Participants.json`` is still being dialled."""
    hold_url: str | None = None
    hold_method: str = "GET"
    wait_url: str | None = None
    wait_method: str = "POST"
    dial: Dial | None = None
    """The ``<Dial>`` verb that brought the call here: its ``action`` runs when the call leaves."""


@dataclass(slots=True, eq=False)
class Conference:
    sid: str
    account_sid: str
    friendly_name: str
    created_at: float
    updated_at: float
    key: tuple[float, int]
    status: str = "init"
    region: str = "us1"
    reason_conference_ended: str | None = None
    call_sid_ending_conference: str | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    """By call SID, in the order they were added."""
    max_participants: int = DEFAULT_MAX_PARTICIPANTS
    record: bool = False
    recording_sids: list[str] = field(default_factory=list)
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset()
    callback_sequence: int = 0

    @property
    def live(self) -> bool:
        return self.status != "completed"


@dataclass(slots=True, eq=False)
class Member:
    call_sid: str
    queue_sid: str
    enqueued_at: float
    key: tuple[float, int]


@dataclass(slots=True, eq=False)
class Queue:
    sid: str
    account_sid: str
    friendly_name: str
    created_at: float
    updated_at: float
    key: tuple[float, int]
    max_size: int = DEFAULT_QUEUE_SIZE
    members: dict[str, Member] = field(default_factory=dict)
    """By call SID, head of the queue first."""


@dataclass(slots=True, eq=False)
class Recording:
    """A recording of a live call or conference, from its start until it is completed."""

    sid: str
    account_sid: str
    call_sid: str | None
    conference_sid: str | None
    source: str
    created_at: float
    updated_at: float
    key: tuple[float, int]
    channels: int = 1
    track: str = "both"
    status: str = "in-progress"
    pause_behavior: str = "silence"
    recorded_s: float = 0.0
    """Seconds recorded before the current stretch (a skipped pause leaves a gap)."""
    running_since: float | None = None
    """When the current stretch that counts towards ``duration`` started; None when it does not."""
    duration_s: int | None = None
    price: float | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})

    @property
    def active(self) -> bool:
        """In progress or paused: what ``Twilio.CURRENT`` may address."""
        return self.status in ("in-progress", "paused")
