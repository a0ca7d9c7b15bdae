"""Twilio's JSON shapes: the Call, the Account, list envelopes; in Twilio's formats.

Dates are RFC 2822 in UTC (``Tue, 31 Aug 2010 20:36:28 +0000``), durations and prices are
strings, URIs are paths relative to the API host. A call's JSON is cached as bytes on the record
so a 1000-call page is mostly a ``b",".join``.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any, Final

from tui.sim.call_record import CallRecord

API_VERSION: Final = "2010-04-01"
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
CALL_SUBRESOURCES: Final = (
    ("feedback", "Feedback"),
    ("user_defined_messages", "UserDefinedMessages"),
    ("notifications", "Notifications"),
    ("recordings", "Recordings"),
    ("streams", "Streams"),
    ("payments", "Payments"),
    ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
    ("siprec", "Siprec"),
    ("events", "Events"),
    ("feedback_summaries", "FeedbackSummaries"),
    ("transcriptions", "Transcriptions"),
)
ACCOUNT_SUBRESOURCES: Final = (
    ("addresses", "Addresses"),
    ("conferences", "Conferences"),
    ("signing_keys", "SigningKeys"),
    ("transcriptions", "Transcriptions"),
    ("connect_apps", "ConnectApps"),
    ("sip", "SIP"),
    ("authorized_connect_apps", "AuthorizedConnectApps"),
    ("usage", "Usage"),
    ("keys", "Keys"),
    ("applications", "Applications"),
    ("recordings", "Recordings"),
    ("short_codes", "SMS/ShortCodes"),
    ("calls", "Calls"),
    ("notifications", "Notifications"),
    ("incoming_phone_numbers", "IncomingPhoneNumbers"),
    ("queues", "Queues"),
    ("messages", "Messages"),
    ("outgoing_caller_ids", "OutgoingCallerIds"),
    ("available_phone_numbers", "AvailablePhoneNumbers"),
    ("balance", "Balance"),
)


def rfc2822(ts: float | None) -> str | None:
    """``Tue, 31 Aug 2010 20:36:28 +0000``; locale-independent and fast."""
    if ts is None:
        return None
    t = time.gmtime(ts)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )


def format_number(number: str) -> str:
    """North American numbers as ``(415) 555-0123``; everything else stays E.164, as Twilio does."""
    if len(number) == 12 and number.startswith("+1") and number[1:].isdigit():
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


def call_duration(call: CallRecord) -> str | None:
    """Whole seconds from start to end; ``"0"`` for canceled, failed and busy calls (as Twilio
    sends), empty for calls still live or unanswered otherwise."""
    if call.status in ("canceled", "failed", "busy"):
        return "0"
    if call.end_time is None or call.start_time is None or call.answered_at is None:
        return None
    return str(max(0, math.ceil(call.end_time - call.start_time - 1e-9)))


def call_uri(account_sid: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json"


def call_payload(call: CallRecord) -> dict[str, Any]:
    """Every field of the SDK's ``CallInstance``, in Twilio's formats (keys sorted like Twilio)."""
    base = f"/{API_VERSION}/Accounts/{call.account_sid}/Calls/{call.sid}"
    return {
        "account_sid": call.account_sid,
        "answered_by": call.answered_by,
        "api_version": API_VERSION,
        "caller_name": call.caller_name or "",
        "date_created": rfc2822(call.created_at),
        "date_updated": rfc2822(call.updated_at),
        "direction": call.direction,
        "duration": call_duration(call),
        "end_time": rfc2822(call.end_time),
        "forwarded_from": call.forwarded_from,
        "from": call.from_,
        "from_formatted": format_number(call.from_),
        "group_sid": call.group_sid,
        "parent_call_sid": call.parent_call_sid,
        "phone_number_sid": call.phone_number_sid,
        "price": call.price,
        "price_unit": call.price_unit,
        "queue_time": None if call.queue_time_ms is None else str(call.queue_time_ms),
        "sid": call.sid,
        "start_time": rfc2822(call.start_time),
        "status": call.status,
        "stir_verstat": None,
        "subresource_uris": {name: f"{base}/{path}.json" for name, path in CALL_SUBRESOURCES},
        "to": call.to,
        "to_formatted": format_number(call.to),
        "trunk_sid": call.trunk_sid,
        "uri": f"{base}.json",
    }


def created_call_json(call: CallRecord) -> bytes:
    """A create's answer: Twilio sends null dates and ``queue_time`` "0" for the new call."""
    payload = call_payload(call)
    payload.update(date_created=None, date_updated=None, queue_time="0")
    return dumps(payload)


_separators: tuple[str, str] = (", ", ": ")
"""Twilio's spacing (a space after ``,`` and ``:``), or compact: see :func:`use_compact_json`."""


def use_compact_json() -> None:
    """Serve JSON without spaces from now on (``callboard sim --compact-json``), to show that a
    client does not depend on Twilio's spacing. Call before serving: cached bodies keep theirs."""
    global _separators
    _separators = (",", ":")


def item_separator() -> bytes:
    """What goes between the records of a listing page."""
    return _separators[0].encode()


def call_json(call: CallRecord) -> bytes:
    """The call's JSON bytes, cached on the record until the engine changes the call."""
    cached = call.json_cache
    if cached is None:
        cached = json.dumps(call_payload(call), separators=_separators).encode("utf-8")
        call.json_cache = cached
    return cached


def account_payload(
    account_sid: str, friendly_name: str, auth_token: str | None, created_at: float
) -> dict[str, Any]:
    """The Account resource (``auth_token`` only when the caller authenticated with it)."""
    base = f"/{API_VERSION}/Accounts/{account_sid}"
    return {
        "auth_token": auth_token,
        "date_created": rfc2822(created_at),
        "date_updated": rfc2822(created_at),
        "friendly_name": friendly_name,
        "owner_account_sid": account_sid,
        "sid": account_sid,
        "status": "active",
        "subresource_uris": {name: f"{base}/{path}.json" for name, path in ACCOUNT_SUBRESOURCES},
        "type": "Full",
        "uri": f"{base}.json",
    }


def dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=_separators).encode("utf-8")
