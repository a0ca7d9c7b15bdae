"""Conference status callbacks: ``conference-start``, ``participant-join``, ``participant-hold``…

Set by ``<Conference statusCallback="…" statusCallbackEvent="start end join leave mute hold
modify">`` or a participant created with ``ConferenceStatusCallback`` and
``ConferenceStatusCallbackEvent``; as Twilio documents, only the values of the first participant
that sets them count for the room. Since the Participants resource is live-only, these callbacks
are how an application keeps the room's history (who left, why, when).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from tui.sim.floor_model import Conference, Participant
from tui.sim.serialize import rfc2822

if TYPE_CHECKING:
    from tui.sim.floor import Floor

EVENTS: Final = (
    "start",
    "end",
    "join",
    "leave",
    "mute",
    "hold",
    "modify",
    "speaker",
    "announcement",
)
_NAMES: Final = {
    "start": "conference-start",
    "end": "conference-end",
    "join": "participant-join",
    "leave": "participant-leave",
    "modify": "participant-modify",
}


def parse_events(raw: str | None) -> frozenset[str]:
    """``start end join`` (spaces or commas) → the known event names among them."""
    if not raw:
        return frozenset()
    return frozenset(raw.replace(",", " ").split()) & frozenset(EVENTS)


def subscribe(
    conf: Conference, url: str | None, method: str | None, events: frozenset[str]
) -> None:
    """The first participant that names a callback sets it for the room."""
    if url and conf.status_callback is None:
        conf.status_callback = url
        conf.status_callback_method = (method or "POST").upper()
        conf.status_callback_events = events or frozenset({"start", "end"})


def send(
    floor: Floor,
    conf: Conference,
    event: str,
    at: float,
    participant: Participant | None = None,
    *,
    on: bool | None = None,
    extra: dict[str, str] | None = None,
) -> None:
    """Post ``event`` (``mute``/``hold`` with ``on`` for mute/unmute, hold/unhold) if subscribed."""
    if conf.status_callback is None or event not in conf.status_callback_events:
        return
    name = _NAMES.get(event, f"participant-{event}")
    if on is False:
        name = f"participant-un{event}"
    conf.callback_sequence += 1
    params = {
        "AccountSid": conf.account_sid,
        "ConferenceSid": conf.sid,
        "FriendlyName": conf.friendly_name,
        "StatusCallbackEvent": name,
        "SequenceNumber": str(conf.callback_sequence),
        "Timestamp": rfc2822(at) or "",
    }
    if participant is not None:
        params.update(
            {
                "CallSid": participant.call_sid,
                "Muted": str(participant.muted).lower(),
                "Hold": str(participant.hold).lower(),
                "Coaching": str(participant.coaching).lower(),
                "EndConferenceOnExit": str(participant.end_conference_on_exit).lower(),
                "StartConferenceOnEnter": str(participant.start_conference_on_enter).lower(),
            }
        )
        if participant.label:
            params["ParticipantLabel"] = participant.label
        if participant.call_sid_to_coach:
            params["CallSidToCoach"] = participant.call_sid_to_coach
    if event == "end":
        params["ReasonConferenceEnded"] = conf.reason_conference_ended or ""
        if conf.call_sid_ending_conference:
            params["CallSidEndingConference"] = conf.call_sid_ending_conference
    if extra:
        params.update(extra)
    floor.send("conference-status", conf.status_callback, conf.status_callback_method, params)
