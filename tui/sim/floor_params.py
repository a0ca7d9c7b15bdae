"""Form and query parameters of the floor's endpoints, validated the way Twilio validates them.

Booleans follow the spec's note on ``Muted``: "Anything value other than `true` or `false` is
interpreted as `false`". Missing required parameters, bad URLs and bad methods use the same codes
as the Calls endpoints (21201/21213 To/From, 21205 URL, 21209 method); anything without a more
specific code is 20001.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from tui.sim import api_errors
from tui.sim.api_params import (
    TimeBound,
    _method,
    _optional_url,
    _time_bound,
    _valid_url,
    parse_endpoints,
    parse_list,
)
from tui.sim.conference_events import parse_events
from tui.sim.floor_model import MAX_QUEUE_SIZE
from tui.sim.sids import CALL_SID_RE

BEEP_VALUES: Final = ("true", "false", "onEnter", "onExit")
CONFERENCE_STATUSES: Final = ("init", "in-progress", "completed")
RECORDING_UPDATE_STATUSES: Final = ("paused", "in-progress", "stopped")


def flag(form: Mapping[str, str], name: str) -> bool | None:
    """A boolean parameter: ``None`` when absent, ``True`` only for ``true``."""
    value = form.get(name)
    if value is None or value == "":
        return None
    return value.strip().lower() == "true"


def page_params(query: Mapping[str, str]) -> tuple[int, int, str | None]:
    """(page size, page number, page token) with the Calls listing's limits."""
    _, page_size, page = parse_list({k: v for k, v in query.items() if k in ("PageSize", "Page")})
    return page_size, page, query.get("PageToken") or None


def time_filter(query: Mapping[str, str], base: str) -> TimeBound | None:
    return _time_bound(query, base)


@dataclass(frozen=True, slots=True)
class CreateParticipantRequest:
    to: str
    from_: str
    label: str | None = None
    muted: bool = False
    beep: str = "true"
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    coaching: bool = False
    call_sid_to_coach: str | None = None
    early_media: bool = False
    wait_url: str | None = None
    wait_method: str = "POST"
    timeout: int = 60
    time_limit: int | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})
    conference_record: bool = False
    conference_status_callback: str | None = None
    conference_status_callback_method: str = "POST"
    conference_status_callback_events: frozenset[str] = frozenset()


def parse_create_participant(
    form: Mapping[str, str], events: Sequence[str], conference_events: Sequence[str] = ()
) -> CreateParticipantRequest:
    to, from_ = parse_endpoints(form)
    beep = form.get("Beep") or "true"
    if beep not in BEEP_VALUES:
        raise api_errors.invalid_parameter(f"Beep must be one of {', '.join(BEEP_VALUES)}")
    coaching = bool(flag(form, "Coaching"))
    coach = form.get("CallSidToCoach") or None
    if coach is not None and not CALL_SID_RE.match(coach):
        raise api_errors.invalid_parameter(f"CallSidToCoach {coach!r} is not a valid Call SID")
    if coaching and coach is None:
        raise api_errors.invalid_parameter("CallSidToCoach is required when Coaching is true")
    timeout = 60
    if form.get("Timeout"):
        try:
            timeout = int(form["Timeout"])
        except ValueError:
            raise api_errors.invalid_parameter("Timeout must be an integer", 21208) from None
        if not 5 <= timeout <= 600:
            raise api_errors.invalid_parameter("Timeout must be between 5 and 600", 21208)
    time_limit = None
    if form.get("TimeLimit"):
        try:
            time_limit = int(form["TimeLimit"])
        except ValueError:
            raise api_errors.invalid_parameter("TimeLimit must be an integer") from None
    label = form.get("Label") or None
    if label is not None and len(label) > 128:
        raise api_errors.invalid_parameter("Label must be at most 128 characters")
    chosen = frozenset(events) & {"initiated", "ringing", "answered", "completed"}
    return CreateParticipantRequest(
        to=to,
        from_=from_,
        label=label,
        muted=bool(flag(form, "Muted")),
        beep=beep,
        start_conference_on_enter=flag(form, "StartConferenceOnEnter") is not False,
        end_conference_on_exit=bool(flag(form, "EndConferenceOnExit")),
        coaching=coaching,
        call_sid_to_coach=coach,
        early_media=bool(flag(form, "EarlyMedia")),
        wait_url=_optional_url(form, "WaitUrl"),
        wait_method=_method(form, "WaitMethod"),
        timeout=timeout,
        time_limit=time_limit,
        status_callback=_optional_url(form, "StatusCallback"),
        status_callback_method=_method(form, "StatusCallbackMethod"),
        status_callback_events=chosen or frozenset({"completed"}),
        conference_record=(form.get("ConferenceRecord") or "") in ("true", "record-from-start"),
        conference_status_callback=_optional_url(form, "ConferenceStatusCallback"),
        conference_status_callback_method=_method(form, "ConferenceStatusCallbackMethod"),
        conference_status_callback_events=parse_events(" ".join(conference_events)),
    )


@dataclass(frozen=True, slots=True)
class UpdateParticipantRequest:
    muted: bool | None = None
    hold: bool | None = None
    hold_url: str | None = None
    hold_method: str = "GET"
    announce_url: str | None = None
    announce_method: str = "POST"
    wait_url: str | None = None
    wait_method: str = "POST"
    end_conference_on_exit: bool | None = None
    coaching: bool | None = None
    call_sid_to_coach: str | None = None


def parse_update_participant(form: Mapping[str, str]) -> UpdateParticipantRequest:
    coach = form.get("CallSidToCoach") or None
    if coach is not None and not CALL_SID_RE.match(coach):
        raise api_errors.invalid_parameter(f"CallSidToCoach {coach!r} is not a valid Call SID")
    return UpdateParticipantRequest(
        muted=flag(form, "Muted"),
        hold=flag(form, "Hold"),
        hold_url=_optional_url(form, "HoldUrl"),
        hold_method=_method(form, "HoldMethod", "GET"),
        announce_url=_optional_url(form, "AnnounceUrl"),
        announce_method=_method(form, "AnnounceMethod"),
        wait_url=_optional_url(form, "WaitUrl"),
        wait_method=_method(form, "WaitMethod"),
        end_conference_on_exit=flag(form, "EndConferenceOnExit"),
        coaching=flag(form, "Coaching"),
        call_sid_to_coach=coach,
    )


def parse_conference_update(form: Mapping[str, str]) -> tuple[bool, str | None, str]:
    """(end it, announce URL, announce method) for ``POST …/Conferences/{Sid}.json``."""
    status = form.get("Status") or None
    if status is not None and status != "completed":
        raise api_errors.invalid_parameter(f"Status must be 'completed', not {status!r}")
    return (
        status == "completed",
        _optional_url(form, "AnnounceUrl"),
        _method(form, "AnnounceMethod"),
    )


def parse_queue_form(form: Mapping[str, str], *, create: bool) -> tuple[str | None, int | None]:
    """(FriendlyName, MaxSize) for creating (name required) or updating a queue."""
    name = form.get("FriendlyName")
    if create and not name:
        raise api_errors.invalid_parameter(
            "Missing required parameter FriendlyName in the post body"
        )
    if name is not None and len(name) > 64:
        raise api_errors.invalid_parameter("FriendlyName must be at most 64 characters")
    size: int | None = None
    if form.get("MaxSize"):
        try:
            size = int(form["MaxSize"])
        except ValueError:
            raise api_errors.invalid_parameter("MaxSize must be an integer") from None
        if not 1 <= size <= MAX_QUEUE_SIZE:
            raise api_errors.invalid_parameter(f"MaxSize must be from 1 to {MAX_QUEUE_SIZE}")
    return name or None, size


def parse_member_update(form: Mapping[str, str]) -> tuple[str, str]:
    """(Url, Method) for a dequeue; ``Url`` is required."""
    url = form.get("Url")
    if not url:
        raise api_errors.invalid_parameter("Missing required parameter Url in the post body")
    return _valid_url("Url", url), _method(form, "Method")


@dataclass(frozen=True, slots=True)
class CreateRecordingRequest:
    channels: int = 1
    track: str = "both"
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})


def parse_create_recording(
    form: Mapping[str, str], events: Sequence[str]
) -> CreateRecordingRequest:
    channels = form.get("RecordingChannels") or "mono"
    if channels not in ("mono", "dual"):
        raise api_errors.invalid_parameter("RecordingChannels must be mono or dual")
    track = form.get("RecordingTrack") or "both"
    if track not in ("inbound", "outbound", "both"):
        raise api_errors.invalid_parameter("RecordingTrack must be inbound, outbound or both")
    chosen = frozenset(events) & {"in-progress", "completed", "absent"}
    return CreateRecordingRequest(
        channels=2 if channels == "dual" else 1,
        track=track,
        status_callback=_optional_url(form, "RecordingStatusCallback"),
        status_callback_method=_method(form, "RecordingStatusCallbackMethod"),
        status_callback_events=chosen or frozenset({"completed"}),
    )


def parse_recording_update(form: Mapping[str, str]) -> tuple[str, str | None]:
    """(Status, PauseBehavior) for ``POST …/Recordings/{Sid}.json``; ``Status`` is required."""
    status = form.get("Status")
    if not status:
        raise api_errors.invalid_parameter("Missing required parameter Status in the post body")
    if status not in RECORDING_UPDATE_STATUSES:
        raise api_errors.invalid_parameter(
            f"Status must be paused, in-progress or stopped, not {status!r}"
        )
    behavior = form.get("PauseBehavior") or None
    if behavior is not None and behavior not in ("skip", "silence"):
        raise api_errors.invalid_parameter("PauseBehavior must be skip or silence")
    return status, behavior
