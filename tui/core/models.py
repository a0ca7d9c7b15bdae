"""Plain data shared by the back end and the UI.

Everything here is immutable and free of Textual and of the twilio SDK, so the poller, the action
service, the UI and the tests can exchange it without knowing about each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

LIVE_STATUSES: Final = ("queued", "ringing", "in-progress")
"""The statuses Twilio reports for a call that has not ended, in lifecycle order."""

ENDED_STATUSES: Final = ("completed", "busy", "no-answer", "failed", "canceled")


@dataclass(frozen=True, slots=True)
class Call:
    """One call as the console knows it, built from Twilio's JSON for the Call resource.

    ``raw`` keeps every field Twilio sent (for the detail screen) and takes no part in equality,
    so two polls that report the same visible state compare equal.
    """

    sid: str
    parent_call_sid: str | None
    direction: str
    from_: str
    to: str
    status: str
    start_time: datetime | None
    date_created: datetime | None
    date_updated: str
    duration: int | None
    queue_time_ms: int | None
    answered_by: str | None
    raw: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)
    unreadable: tuple[str, ...] = field(default=(), compare=False)
    """Fields Twilio sent that could not be read (``"duration"``, ``"start_time"``…); their
    values above are ``None`` or ``""``, to be shown as unknown."""

    @property
    def short_sid(self) -> str:
        """``CA`` plus the last 8 hex digits: unique enough on screen, short enough to read."""
        return f"{self.sid[:2]}…{self.sid[-8:]}"

    @property
    def answered(self) -> bool:
        return self.status == "in-progress"


@dataclass(frozen=True, slots=True)
class CallDiff:
    """What changed between two complete listings, keyed by Call SID.

    ``added`` and ``changed`` carry the new state; ``removed`` the SIDs of calls that are no longer
    live. Applying a diff costs work in proportion to its size, never to the table's.
    """

    added: tuple[Call, ...] = ()
    changed: tuple[Call, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


@dataclass(frozen=True, slots=True)
class PollStats:
    """What one complete poll cost and found."""

    requests: int
    bytes_received: int
    duration_s: float
    total_live: int
    counts: Mapping[str, int]
    unreadable: int = 0
    """Records of this pass that could not be read in full: kept with the bad fields unknown,
    or (with no usable SID) left out. The header shows the number when it is not zero."""


@dataclass(frozen=True, slots=True)
class PollSucceeded:
    """A complete pass over every live status finished; ``diff`` brings the table up to date."""

    diff: CallDiff
    stats: PollStats
    at: float
    next_poll_in_s: float
    interval_s: float


@dataclass(frozen=True, slots=True)
class PollFailed:
    """A pass failed; the last known calls stay on screen, marked stale.

    ``reason`` is a sentence for the header; ``rate_limited`` is true for 429/20429.
    """

    reason: str
    at: float
    last_success_at: float | None
    retry_in_s: float
    rate_limited: bool = False
    limit_hit: bool = False
    """The pass went past a bound of :class:`~tui.core.limits.PassLimits` (``reason`` says
    which); nothing of it was used."""


PollEvent = PollSucceeded | PollFailed


@dataclass(frozen=True, slots=True)
class PollProgress:
    """Part of the very first pass (no snapshot yet): calls listed so far, shown provisionally.

    Only a poller asked for it sends these (see :mod:`tui.core.first_pass`); it is no
    :data:`PollEvent`, so a source that never sends one (the hub watcher) needs nothing new.
    ``diff`` only ever adds (or refreshes) calls; a call missing from it is never removed.
    ``listed`` counts the calls listed so far, ``pages`` the pages read, ``more`` the status
    listings that still have pages to come.
    """

    diff: CallDiff
    listed: int
    pages: int
    more: int
    at: float


class Action(StrEnum):
    INJECT_TWIML = "inject_twiml"
    REDIRECT = "redirect"
    HANG_UP = "hang_up"
    # The floor (tui/core/floor/actions.py)
    HOLD = "hold"
    RESUME = "resume"
    MUTE = "mute"
    UNMUTE = "unmute"
    REMOVE_PARTICIPANT = "remove_participant"
    END_CONFERENCE = "end_conference"
    DEQUEUE = "dequeue"
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"
    STOP_LISTENING = "stop_listening"
    WARM_TRANSFER = "warm_transfer"
    DROP_AGENT = "drop_agent"
    PAUSE_RECORDING = "pause_recording"
    RESUME_RECORDING = "resume_recording"


class Outcome(StrEnum):
    APPLIED = "applied"
    """Twilio accepted the update."""
    REFUSED = "refused"
    """Twilio (or our validation) refused it; nothing happened to the call."""
    UNKNOWN = "unknown"
    """No answer (timeout, dropped connection): it may or may not have been applied."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The outcome of one action on one call, as shown in a toast and written to the audit log."""

    sid: str
    action: Action
    outcome: Outcome
    message: str
    code: int | None = None
    call_status: str | None = None
    """The call's status in Twilio's answer (``None`` when there was no readable answer)."""
    returned_sid: str | None = None
    """The SID Twilio's answer named; an answer about another call is an unknown outcome."""
