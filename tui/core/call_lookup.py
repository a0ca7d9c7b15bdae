"""One-shot questions about calls, for tools that are not the live console (``callboard calls``).

:func:`fetch_call` asks Twilio for one call by SID; :func:`list_live_calls` takes one complete
pass of the same poller the console runs (same paging, same parsing, same bounds), so a script
sees exactly the calls the console would show.
"""

from __future__ import annotations

from tui.core.call_parsing import call_from_json
from tui.core.models import Call, PollEvent, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.sids import validate_call_sid
from tui.core.twilio_client import TwilioAccess, TwilioAccessError, TwilioBadResponse


class CallNotFound(TwilioAccessError):
    """Twilio answered 404 (20404): no call with this SID in this account."""


async def fetch_call(access: TwilioAccess, sid: str) -> Call:
    """The call as Twilio reports it now.

    Raises :class:`CallNotFound` for an unknown SID, :class:`TwilioAccessError` (HTTP error,
    unreachable, not JSON) otherwise; the SID is validated first (``SidError``).
    """
    sid = validate_call_sid(sid)
    url = f"{access.base_url}/2010-04-01/Accounts/{access.account_sid}/Calls/{sid}.json"
    try:
        payload, _, _ = await access.get_json(url)
    except TwilioAccessError as error:
        status = getattr(error, "status", None)
        code = getattr(error, "code", None)
        if status == 404 or code == 20404:
            raise CallNotFound(f"There is no call {sid} in this account.") from None
        raise
    if not isinstance(payload, dict) or payload.get("sid") != sid:
        raise TwilioBadResponse(f"Twilio's answer about {sid} was not that call's JSON.")
    return call_from_json(payload)


async def list_live_calls(access: TwilioAccess) -> list[Call]:
    """Every live call (queued, ringing, in progress) from one complete pass, oldest first.

    Raises :class:`TwilioAccessError` with the poller's own sentence when the pass failed.
    """
    events: list[PollEvent] = []
    poller = LiveCallPoller(access, on_event=events.append)
    await poller.poll_once()
    event = events[-1] if events else None
    if isinstance(event, PollSucceeded):
        return sorted(poller.calls.values(), key=_started)
    reason = event.reason if event is not None else "the listing produced no result"
    raise TwilioAccessError(reason)


def _started(call: Call) -> tuple[float, str]:
    when = call.start_time or call.date_created
    return (when.timestamp() if when is not None else float("inf"), call.sid)
