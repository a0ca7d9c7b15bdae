"""What an accepted update actually did, read from the call Twilio sends back.

A 200 is not an outcome. Twilio answers an update with the call as it stands after the update:

* a hang-up is applied when the returned call has ended (``completed``, or ``canceled`` for one
  that was not answered yet); a call still live in the answer is an unknown outcome;
* TwiML and redirects are applied to a call that is still live; if the answer shows the call
  ended, nothing of it ran;
* the returned SID must be the target's: an answer about another call (a proxy mixing up
  requests, a hostile endpoint) says nothing about the call the supervisor meant, so the outcome
  is unknown, never "applied".

The result is plain data (:class:`~tui.core.models.ActionResult`): ``outcome``, a sentence for
the toast, ``call_status`` (the status Twilio returned, when it was readable) and
``returned_sid`` (what Twilio's answer named).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from tui.core.models import ENDED_STATUSES, LIVE_STATUSES, Action, ActionResult, Call, Outcome

_NOUN: Final = {
    Action.INJECT_TWIML: "TwiML",
    Action.REDIRECT: "redirect",
    Action.HANG_UP: "hang-up",
}


def outcome_from_answer(
    call: Call, action: Action, answer: object, parameters: Mapping[str, str]
) -> ActionResult:
    """The :class:`ActionResult` for a 2xx answer ``answer`` (the SDK's ``CallInstance``)."""
    raw_sid = getattr(answer, "sid", None)
    returned_sid = raw_sid if isinstance(raw_sid, str) else None
    raw_status = getattr(answer, "status", None)
    status = str(raw_status) if isinstance(raw_status, str) and raw_status else None

    def result(outcome: Outcome, message: str) -> ActionResult:
        return ActionResult(
            call.sid,
            action,
            outcome,
            message,
            call_status=status,
            returned_sid=returned_sid,
        )

    if returned_sid != call.sid:
        return result(
            Outcome.UNKNOWN,
            f"Twilio accepted the {_NOUN[action]} but answered about another call — unknown "
            "outcome, check the call",
        )
    if status not in LIVE_STATUSES and status not in ENDED_STATUSES:
        return result(
            Outcome.UNKNOWN,
            f"Twilio accepted the {_NOUN[action]} but did not say what the call is doing now — "
            "unknown outcome, check the call",
        )
    if action is Action.HANG_UP:
        if status == "completed":
            return result(Outcome.APPLIED, "hung up")
        if status == "canceled":
            return result(Outcome.APPLIED, "canceled before it was answered")
        if status in ENDED_STATUSES:
            return result(Outcome.APPLIED, f"the call has ended ({status})")
        return result(
            Outcome.UNKNOWN,
            f"Twilio accepted the hang-up but the call is still {status} — unknown outcome, "
            "check the call",
        )
    if status in ENDED_STATUSES:
        return result(
            Outcome.UNKNOWN,
            f"Twilio accepted the {_NOUN[action]} but the call has ended ({status}) — it did "
            "not run",
        )
    if action is Action.INJECT_TWIML:
        if status == "in-progress":
            return result(Outcome.APPLIED, "TwiML sent: the call is now running it")
        return result(Outcome.APPLIED, f"TwiML sent: it runs when the call is answered ({status})")
    url = parameters.get("url", "the URL")
    if status == "in-progress":
        return result(Outcome.APPLIED, f"redirected: Twilio is fetching TwiML from {url}")
    return result(Outcome.APPLIED, f"redirect accepted: Twilio fetches TwiML from {url} ({status})")
