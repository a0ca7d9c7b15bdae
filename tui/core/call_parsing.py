"""Twilio's Call JSON → :class:`~tui.core.models.Call`, cheaply.

The poller sees every live call on every pass (10,000 at a time on a big account) but only a few
of them change between passes. So it compares a small :func:`signature` of each record with the
previous pass and calls :func:`call_from_json` only for new or changed records. Dates are parsed by
a hand-rolled parser for Twilio's fixed RFC 2822 form, about ten times faster than
``email.utils.parsedate_to_datetime`` (which stays as the fallback for anything unusual).
"""

from __future__ import annotations

import email.utils
import operator
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Final

from tui.core.models import Call

Signature = tuple[object, ...]

_MONTHS: Final = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "May": 5,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}


_SIGNATURE_KEYS: Final = (
    "status",
    "date_updated",
    "duration",
    "answered_by",
    "queue_time",
    "start_time",
    "parent_call_sid",
    "to",
    "from",
)
_signature_of = operator.itemgetter(*_SIGNATURE_KEYS)


def signature(record: Mapping[str, object]) -> Signature:
    """The fields of a live call that can change while it is live.

    Equal signatures mean the previous :class:`Call` can be reused as is. Twilio sends every
    field (null when empty), so the fast C ``itemgetter`` path almost always applies; a record
    with missing keys takes the slower ``get`` path.
    """
    try:
        return _signature_of(record)
    except KeyError:
        return tuple(record.get(key) for key in _SIGNATURE_KEYS)


def parse_twilio_date(value: object) -> datetime | None:
    """``'Tue, 31 Aug 2010 20:36:28 +0000'`` → an aware datetime; empty/None/garbage → ``None``."""
    if not isinstance(value, str) or not value:
        return None
    # "Tue, 31 Aug 2010 20:36:28 +0000": fixed positions when the day has two digits.
    if len(value) == 31 and value[3:5] == ", " and value[16] == " " and value[25] == " ":
        try:
            month = _MONTHS[value[8:11]]
            tz = value[26:]
            result = datetime(
                int(value[12:16]),
                month,
                int(value[5:7]),
                int(value[17:19]),
                int(value[20:22]),
                int(value[23:25]),
                tzinfo=UTC,
            )
            if tz != "+0000":
                sign = -1 if tz[0] == "-" else 1
                offset = timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign
                result = (result - offset).replace(tzinfo=UTC)
            return result
        except (KeyError, ValueError):
            pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _int_or_none(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def call_from_json(record: Mapping[str, object]) -> Call:
    """Build a :class:`Call` from one element of a listing's ``calls`` array (or a fetch).

    Tolerant: missing or mistyped fields become ``None`` or ``""`` rather than errors, so one odd
    record cannot fail a whole poll. ``raw`` keeps the record itself (not a copy).
    """
    return Call(
        sid=_str(record.get("sid")),
        parent_call_sid=_str_or_none(record.get("parent_call_sid")),
        direction=_str(record.get("direction")),
        from_=_str(record.get("from")),
        to=_str(record.get("to")),
        status=_str(record.get("status")),
        start_time=parse_twilio_date(record.get("start_time")),
        date_created=parse_twilio_date(record.get("date_created")),
        date_updated=_str(record.get("date_updated")),
        duration=_int_or_none(record.get("duration")),
        queue_time_ms=_int_or_none(record.get("queue_time")),
        answered_by=_str_or_none(record.get("answered_by")),
        raw=record,
    )
