"""Form parameters of the Calls endpoints, validated the way Twilio validates them.

Each parser returns a frozen request object or raises :class:`~tui.sim.api_errors.ApiError` with
the HTTP status and error code Twilio would answer (21201 no To, 21213 no From, 21205 bad URL,
21208 bad Timeout, 21209 bad Method, 32018 TwiML too long, 12100 TwiML that does not parse…).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

from tui.sim import api_errors
from tui.sim.call_record import ALL_STATUSES
from tui.sim.sids import APPLICATION_SID_RE, CALL_SID_RE
from tui.sim.twiml_parser import TwimlDocument, TwimlParseError, parse_twiml

MAX_TWIML_CHARS: Final = 4000
CALLBACK_EVENTS: Final = ("initiated", "ringing", "answered", "completed")
_ENDPOINT_RE: Final = re.compile(r"^(\+[1-9]\d{6,14}|client:[\w.\-@]+|sip:\S+@\S+|sim:\w+)$")


@dataclass(frozen=True, slots=True)
class CreateCallRequest:
    to: str
    from_: str
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    document: TwimlDocument | None = None
    application_sid: str | None = None
    fallback_url: str | None = None
    fallback_method: str = "POST"
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})
    timeout: int = 60
    time_limit: int | None = None
    machine_detection: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateCallRequest:
    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    document: TwimlDocument | None = None
    status: str | None = None
    fallback_url: str | None = None
    fallback_method: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None
    time_limit: int | None = None


def normalize_endpoint(value: str | None) -> str:
    """Strip spaces; a leading "+" that arrived unescaped in a query string became a space."""
    if not value:
        return ""
    if value[0] == " " and value[1:2].isdigit():
        value = "+" + value[1:]
    return value.strip()


def _valid_url(name: str, value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c in value for c in " \r\n")
    ):
        raise api_errors.invalid_url(name, value)
    return value


def _optional_url(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name)
    return _valid_url(name, value) if value else None


def _method(form: Mapping[str, str], name: str, default: str = "POST") -> str:
    value = form.get(name)
    if value is None or value == "":
        return default
    method = value.strip().upper()
    if method not in ("GET", "POST"):
        raise api_errors.invalid_parameter(f"{name} must be GET or POST, not {value!r}", 21209)
    return method


def _positive_int(form: Mapping[str, str], name: str, code: int = 20001) -> int | None:
    value = form.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise api_errors.invalid_parameter(f"{name} must be a positive integer", code) from None
    if number <= 0:
        raise api_errors.invalid_parameter(f"{name} must be a positive integer", code)
    return number


def _twiml(form: Mapping[str, str]) -> tuple[str | None, TwimlDocument | None]:
    text = form.get("Twiml")
    if text is None or text == "":
        return None, None
    if len(text) > MAX_TWIML_CHARS:
        raise api_errors.invalid_parameter(
            f"Twiml size exceeded maximum allowed value of {MAX_TWIML_CHARS} characters", 32018
        )
    try:
        return text, parse_twiml(text)
    except TwimlParseError as exc:
        raise api_errors.invalid_parameter(f"Twiml could not be parsed: {exc}", 12100) from None


def parse_endpoints(form: Mapping[str, str]) -> tuple[str, str]:
    """``To`` and ``From`` of a request that dials (a call, a conference participant), checked
    with Twilio's codes: 21201/21213 missing, 21211/21212 not a number, SIP or client address."""
    to = normalize_endpoint(form.get("To"))
    from_ = normalize_endpoint(form.get("From"))
    if not to:
        raise api_errors.invalid_parameter("A 'To' phone number is required.", 21201)
    if not from_:
        raise api_errors.invalid_parameter("A 'From' phone number is required.", 21213)
    if not _ENDPOINT_RE.match(to):
        raise api_errors.invalid_parameter(
            f"The 'To' number {to} is not a valid phone number.", 21211
        )
    if not _ENDPOINT_RE.match(from_):
        raise api_errors.invalid_parameter(
            f"The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric "
            "sender ID.",
            21212,
        )
    return to, from_


def parse_create(form: Mapping[str, str], events: Sequence[str]) -> CreateCallRequest:
    """Validate ``POST …/Calls.json``."""
    to, from_ = parse_endpoints(form)
    url = _optional_url(form, "Url")
    twiml, document = _twiml(form)
    application_sid = form.get("ApplicationSid") or None
    if application_sid and not APPLICATION_SID_RE.match(application_sid):
        raise api_errors.invalid_parameter(f"ApplicationSid {application_sid} is not valid", 21218)
    if not (url or twiml or application_sid):
        raise api_errors.invalid_parameter(
            "Either a 'Url', 'Twiml' or 'ApplicationSid' parameter is required.", 21205
        )
    chosen = [event.strip().lower() for event in events if event.strip()]
    for event in chosen:
        if event not in CALLBACK_EVENTS:
            raise api_errors.invalid_parameter(f"Invalid StatusCallbackEvent {event!r}", 21626)
    timeout = _positive_int(form, "Timeout", 21208)
    machine_detection = form.get("MachineDetection") or None
    if machine_detection and machine_detection not in ("Enable", "DetectMessageEnd"):
        raise api_errors.invalid_parameter("MachineDetection must be Enable or DetectMessageEnd")
    return CreateCallRequest(
        to=to,
        from_=from_,
        url=url,
        method=_method(form, "Method"),
        twiml=twiml,
        document=document,
        application_sid=application_sid,
        fallback_url=_optional_url(form, "FallbackUrl"),
        fallback_method=_method(form, "FallbackMethod"),
        status_callback=_optional_url(form, "StatusCallback"),
        status_callback_method=_method(form, "StatusCallbackMethod"),
        status_callback_events=frozenset(chosen) if chosen else frozenset({"completed"}),
        timeout=min(timeout, 600) if timeout else 60,
        time_limit=_positive_int(form, "TimeLimit"),
        machine_detection=machine_detection,
    )


def parse_update(form: Mapping[str, str]) -> UpdateCallRequest:
    """Validate ``POST …/Calls/{Sid}.json``."""
    url = _optional_url(form, "Url")
    twiml, document = _twiml(form)
    if url and twiml:
        raise api_errors.invalid_parameter("Twiml and Url are mutually exclusive", 21205)
    status = form.get("Status") or None
    if status is not None and status not in ("canceled", "completed"):
        raise api_errors.invalid_parameter(
            f"Status must be 'canceled' or 'completed', not {status!r}", 20001
        )
    return UpdateCallRequest(
        url=url,
        method=_method(form, "Method"),
        twiml=twiml,
        document=document,
        status=status,
        fallback_url=_optional_url(form, "FallbackUrl"),
        fallback_method=_method(form, "FallbackMethod") if form.get("FallbackMethod") else None,
        status_callback=_optional_url(form, "StatusCallback"),
        status_callback_method=(
            _method(form, "StatusCallbackMethod") if form.get("StatusCallbackMethod") else None
        ),
        time_limit=_positive_int(form, "TimeLimit"),
    )


@dataclass(frozen=True, slots=True)
class TimeBound:
    """``StartTime``/``EndTime`` filters as half-open ranges ``[low, high)`` in epoch seconds."""

    low: float | None = None
    high: float | None = None

    def admits(self, value: float | None) -> bool:
        if value is None:
            return False
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value >= self.high)


@dataclass(frozen=True, slots=True)
class ListFilter:
    status: str | None = None
    to: str | None = None
    from_: str | None = None
    parent_call_sid: str | None = None
    start_time: TimeBound | None = None
    end_time: TimeBound | None = None

    def query_items(self, raw: Mapping[str, str]) -> list[tuple[str, str]]:
        """The filter parameters to repeat in paging URIs, in Twilio's order."""
        names = ("Status", "To", "From", "ParentCallSid", "StartTime", "StartTime<", "StartTime>",
                 "EndTime", "EndTime<", "EndTime>")  # fmt: skip
        return [(name, raw[name]) for name in names if raw.get(name)]


def _parse_instant(name: str, value: str) -> tuple[float, bool]:
    """(epoch seconds, date_only) for ``YYYY-MM-DD`` or an ISO 8601 datetime (UTC if no zone)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            return day.timestamp(), True
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise api_errors.invalid_parameter(f"{name} is not a valid date: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp(), False


def _time_bound(query: Mapping[str, str], base: str) -> TimeBound | None:
    low: float | None = None
    high: float | None = None
    found = False
    if query.get(base):
        found = True
        instant, _ = _parse_instant(base, query[base])
        day = instant - instant % 86_400
        low, high = day, day + 86_400
    if query.get(f"{base}>"):
        found = True
        instant, _ = _parse_instant(f"{base}>", query[f"{base}>"])
        low = instant if low is None else max(low, instant)
    if query.get(f"{base}<"):
        found = True
        instant, date_only = _parse_instant(f"{base}<", query[f"{base}<"])
        bound = instant + 86_400 if date_only else instant + 1e-6
        high = bound if high is None else min(high, bound)
    return TimeBound(low, high) if found else None


def parse_list(query: Mapping[str, str]) -> tuple[ListFilter, int, int]:
    """Validate ``GET …/Calls.json``: (filter, page size, page number)."""
    status = query.get("Status") or None
    if status is not None and status not in ALL_STATUSES:
        raise api_errors.invalid_parameter(f"Status {status!r} is not a valid call status", 20001)
    parent = query.get("ParentCallSid") or None
    if parent is not None and not CALL_SID_RE.match(parent):
        raise api_errors.invalid_parameter(f"ParentCallSid {parent!r} is not a valid Call SID")
    page_size = 50
    if query.get("PageSize"):
        try:
            page_size = int(query["PageSize"])
        except ValueError:
            raise api_errors.invalid_parameter(
                "PageSize must be an integer from 1 to 1000"
            ) from None
        if not 1 <= page_size <= 1000:
            raise api_errors.invalid_parameter("PageSize must be an integer from 1 to 1000")
    page = 0
    if query.get("Page"):
        try:
            page = int(query["Page"])
        except ValueError:
            raise api_errors.invalid_parameter("Page must be a non-negative integer") from None
        if page < 0:
            raise api_errors.invalid_parameter("Page must be a non-negative integer")
    flt = ListFilter(
        status=status,
        to=normalize_endpoint(query.get("To")) or None,
        from_=normalize_endpoint(query.get("From")) or None,
        parent_call_sid=parent,
        start_time=_time_bound(query, "StartTime"),
        end_time=_time_bound(query, "EndTime"),
    )
    return flt, page_size, page
