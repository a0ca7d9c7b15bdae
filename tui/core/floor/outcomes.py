"""Twilio's answers to floor actions as plain sentences, read from the answer, never assumed.

The codes a supervisor meets on the floor (from Twilio's error reference):

* 16022 — the conference does not exist or has ended;
* 16027 — the participant to be coached (whispered to) is on hold;
* 16028 — the participant to be coached is not in the conference;
* 20404 — the resource is gone: a participant that left the room, a caller no longer in the queue,
  a room that ended, a recording that stopped;
* 21220 — the call is not in progress;
* 20429 / HTTP 429 — rate limited (with ``Retry-After`` when Twilio sends it);
* HTTP 5xx, a timeout or a dropped connection — unknown outcome: check, never resend by itself.
"""

from __future__ import annotations

import math
from typing import Final

from twilio.base.exceptions import TwilioException

from tui.core.models import Action, ActionResult, Outcome
from tui.core.sdk_errors import int_attr, twilio_message
from tui.core.twilio_client import ResponseInfo

ACTION_TITLES: Final = {
    Action.HOLD: "Hold",
    Action.RESUME: "Resume",
    Action.MUTE: "Mute",
    Action.UNMUTE: "Unmute",
    Action.REMOVE_PARTICIPANT: "Remove from conference",
    Action.END_CONFERENCE: "End conference",
    Action.DEQUEUE: "Dequeue",
    Action.LISTEN: "Listen",
    Action.WHISPER: "Whisper",
    Action.BARGE: "Barge",
    Action.STOP_LISTENING: "Stop listening",
    Action.WARM_TRANSFER: "Warm transfer",
    Action.DROP_AGENT: "Drop agent",
    Action.PAUSE_RECORDING: "Pause recording",
    Action.RESUME_RECORDING: "Resume recording",
}
"""Each floor action's plain name, as in the command palette."""

GONE: Final = {
    Action.DEQUEUE: "the caller is no longer in that queue (answered, hung up or already "
    "dequeued) — nothing was changed",
    Action.END_CONFERENCE: "the conference has already ended — nothing was changed",
    Action.PAUSE_RECORDING: "that recording is no longer running — nothing was changed",
    Action.RESUME_RECORDING: "that recording is no longer running — nothing was changed",
    Action.STOP_LISTENING: "your leg had already left the room",
}
"""What a 20404 means per action; otherwise it is a participant that left the room."""

ROOM_ENDED: Final = "the conference has ended (or does not exist) — nothing was changed"
NOT_PRESENT: Final = (
    "the agent is not in the room any more, so there is no one to whisper to — nothing was changed"
)
ON_HOLD: Final = (
    "the agent is on hold: Twilio cannot whisper to a held participant — resume them first; "
    "nothing was changed"
)
LEFT_ROOM: Final = "that participant has already left the room — nothing was changed"
DEFAULT_RATE_LIMIT_WAIT_S: Final = 5

APPLIED: Final = {
    Action.HOLD: "on hold",
    Action.RESUME: "taken off hold",
    Action.MUTE: "muted",
    Action.UNMUTE: "unmuted",
    Action.REMOVE_PARTICIPANT: "removed from the conference",
    Action.END_CONFERENCE: "the conference has ended for everyone",
    Action.DEQUEUE: "dequeued: Twilio is fetching the TwiML for that caller",
    Action.LISTEN: "dialling your device into the room, muted",
    Action.WHISPER: "whispering: only the agent hears you",
    Action.BARGE: "barged in: everyone in the room hears you",
    Action.STOP_LISTENING: "your leg has left the room",
    Action.WARM_TRANSFER: "dialling the third party into the room",
    Action.DROP_AGENT: "the agent has left the room; the caller stays with the third party",
    Action.PAUSE_RECORDING: "recording paused",
    Action.RESUME_RECORDING: "recording resumed",
}


def error_result(
    sid: str, action: Action, exc: TwilioException, info: ResponseInfo
) -> ActionResult:
    """Map an error answer from Twilio for a floor action to an outcome and a sentence."""
    status = int_attr(exc, "status") or info.status or 0
    code = int_attr(exc, "code")
    if code == status:
        code = None  # the SDK puts the HTTP status there when the body had no Twilio code
    message = twilio_message(exc)

    def refused(text: str) -> ActionResult:
        return ActionResult(sid, action, Outcome.REFUSED, text, code=code or status or None)

    if code == 16022:
        return refused(ROOM_ENDED)
    if code == 16027:
        return refused(ON_HOLD)
    if code == 16028:
        return refused(NOT_PRESENT)
    if code == 20404 or (code is None and status == 404):
        return refused(GONE.get(action, LEFT_ROOM))
    if code == 21220:
        return refused("the call is not in progress (it may have ended) — nothing was changed")
    if code == 20429 or status == 429:
        wait = info.retry_after_s
        seconds = math.ceil(wait) if wait is not None else DEFAULT_RATE_LIMIT_WAIT_S
        return refused(f"Twilio is rate limiting; not sent — try again in {max(1, seconds)} s")
    if code == 20003 or status == 401:
        return refused("Twilio refused the credentials — nothing was changed")
    if status >= 500:
        detail = f" (Twilio error {code}: {message})" if code and message else ""
        return ActionResult(
            sid,
            action,
            Outcome.UNKNOWN,
            f"Twilio failed (HTTP {status}){detail} — unknown outcome, check the room",
            code=code or status,
        )
    shown = code if code is not None else status
    return refused(f"Twilio error {shown}: {message or 'the request was refused'}")
