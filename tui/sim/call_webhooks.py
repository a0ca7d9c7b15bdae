"""What a simulated call tells the application: webhook parameters and debugger notifications.

Split from :mod:`tui.sim.engine` (whose ``CallEngine.webhook_params`` and ``_notify`` delegate
here) so the exact field sets Twilio sends and logs, which tests compare against the real API,
are plain functions of a call record, apart from the engine's clock and timer heap.
"""

from __future__ import annotations

from tui.sim.call_record import CallRecord
from tui.sim.phone_numbers import geography
from tui.sim.serialize import API_VERSION, rfc2822


def webhook_params(call: CallRecord) -> dict[str, str]:
    """The parameters Twilio sends with every voice webhook for ``call``."""
    src, dst = geography(call.from_), geography(call.to)
    params = {
        "AccountSid": call.account_sid,
        "ApiVersion": API_VERSION,
        "CallSid": call.sid,
        "CallStatus": call.status,
        "Called": call.to,
        "CalledCity": dst.city,
        "CalledCountry": dst.country,
        "CalledState": dst.state,
        "CalledZip": dst.zip,
        "Caller": call.from_,
        "CallerCity": src.city,
        "CallerCountry": src.country,
        "CallerState": src.state,
        "CallerZip": src.zip,
        "Direction": call.direction,
        "From": call.from_,
        "FromCity": src.city,
        "FromCountry": src.country,
        "FromState": src.state,
        "FromZip": src.zip,
        "To": call.to,
        "ToCity": dst.city,
        "ToCountry": dst.country,
        "ToState": dst.state,
        "ToZip": dst.zip,
    }
    if call.forwarded_from:
        params["ForwardedFrom"] = call.forwarded_from
    if call.caller_name:
        params["CallerName"] = call.caller_name
    if call.parent_call_sid:
        params["ParentCallSid"] = call.parent_call_sid
    if call.answered_by:
        params["AnsweredBy"] = call.answered_by
    return params


def notification(
    call: CallRecord,
    at: float,
    sid: str,
    code: int,
    message: str,
    url: str,
    method: str,
    *,
    level: str,
    response_body: str,
) -> dict[str, object]:
    """A Notification record for ``call`` (what Twilio's debugger would show)."""
    return {
        "account_sid": call.account_sid,
        "api_version": API_VERSION,
        "call_sid": call.sid,
        "date_created": rfc2822(at),
        "date_updated": rfc2822(at),
        "error_code": str(code),
        "log": "0" if level == "error" else "1",
        "message_date": rfc2822(at),
        "message_text": f"Msg={message}&url={url}",
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "request_method": method,
        "request_url": url,
        "request_variables": "",
        "response_body": response_body[:2000],
        "response_headers": "",
        "sid": sid,
        "uri": f"/{API_VERSION}/Accounts/{call.account_sid}/Calls/{call.sid}"
        f"/Notifications/{sid}.json",
    }
