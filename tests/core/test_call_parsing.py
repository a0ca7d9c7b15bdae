"""JSON → Call: the fast date parser agrees with the standard library; odd records never raise."""

from __future__ import annotations

import email.utils
import gc
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from tui.core.call_parsing import call_from_json, parse_twilio_date, record_fields, signature


def _record(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "sid": "CA" + "a" * 32,
        "parent_call_sid": None,
        "direction": "outbound-api",
        "from": "+14155550100",
        "to": "+14155550199",
        "status": "in-progress",
        "start_time": "Tue, 31 Aug 2010 20:36:28 +0000",
        "date_created": "Tue, 31 Aug 2010 20:36:20 +0000",
        "date_updated": "Tue, 31 Aug 2010 20:36:29 +0000",
        "end_time": None,
        "duration": None,
        "queue_time": "120",
        "answered_by": None,
        "subresource_uris": {"recordings": "/2010-04-01/Accounts/AC/Calls/CA/Recordings.json"},
    }
    record.update(overrides)
    return record


def test_call_from_json_maps_every_field() -> None:
    call = call_from_json(
        _record(duration="42", answered_by="human", parent_call_sid="CA" + "b" * 32)
    )
    assert call.sid == "CA" + "a" * 32
    assert call.from_ == "+14155550100"
    assert call.to == "+14155550199"
    assert call.direction == "outbound-api"
    assert call.status == "in-progress"
    assert call.start_time == datetime(2010, 8, 31, 20, 36, 28, tzinfo=UTC)
    assert call.date_created == datetime(2010, 8, 31, 20, 36, 20, tzinfo=UTC)
    assert call.date_updated == "Tue, 31 Aug 2010 20:36:29 +0000"
    assert call.duration == 42
    assert call.queue_time_ms == 120
    assert call.answered_by == "human"
    assert call.parent_call_sid == "CA" + "b" * 32
    assert dict(record_fields(call.raw))["subresource_uris"] == _record()["subresource_uris"]


def test_kept_records_read_back_as_twilio_sent_them() -> None:
    """The detail screen lists every field, in order, with each subresource URI intact."""
    names = ("notifications", "recordings", "events")
    base = "/2010-04-01/Accounts/AC" + "0" * 32 + "/Calls/CA" + "a" * 32
    uris = {name: f"{base}/{name.title()}.json" for name in names}
    sent = _record(subresource_uris=uris)
    call = call_from_json(json.loads(json.dumps(sent)))
    fields = record_fields(call.raw)
    assert [name for name, _ in fields] == list(sent)
    shown = dict(fields)["subresource_uris"]
    assert isinstance(shown, Mapping)
    assert dict(shown) == uris and list(shown) == list(names) and shown["events"] == uris["events"]


def test_kept_records_leave_the_garbage_collectors_reach() -> None:
    """A full collection must not walk every live call's record: at 10,000 calls that walk was
    30 ms of a 40 ms pause that froze the keys."""
    base = "/2010-04-01/Accounts/AC" + "0" * 32 + "/Calls/CA" + "a" * 32
    uris = {name: f"{base}/{name}.json" for name in ("notifications", "recordings")}
    call = call_from_json(json.loads(json.dumps(_record(subresource_uris=uris))))
    gc.collect()
    gc.collect()
    assert not gc.is_tracked(call.raw)


def test_empty_and_null_fields_become_none() -> None:
    call = call_from_json(_record(start_time="", duration="", queue_time=None, answered_by=""))
    assert call.start_time is None
    assert call.duration is None
    assert call.queue_time_ms is None
    assert call.answered_by is None


def test_malformed_record_does_not_raise() -> None:
    call = call_from_json({"sid": 5, "start_time": "yesterday", "duration": "abc", "from": None})
    assert call.sid == ""
    assert call.start_time is None
    assert call.duration is None
    assert call.from_ == ""


def test_fast_parser_handles_offsets_and_falls_back() -> None:
    assert parse_twilio_date("Tue, 31 Aug 2010 22:36:28 +0200") == datetime(
        2010, 8, 31, 20, 36, 28, tzinfo=UTC
    )
    # One-digit day: not the fixed layout, parsed by the standard library instead.
    assert parse_twilio_date("Wed, 1 Sep 2010 00:00:01 +0000") == datetime(
        2010, 9, 1, 0, 0, 1, tzinfo=UTC
    )
    assert parse_twilio_date("Tue, 31 Foo 2010 20:36:28 +0000") is None
    assert parse_twilio_date(None) is None
    assert parse_twilio_date("") is None


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_fast_parser_agrees_with_the_standard_library(when: datetime, offset_min: int) -> None:
    when = when.replace(microsecond=0)
    local = when.astimezone(timezone(timedelta(minutes=offset_min)))
    text = email.utils.format_datetime(local)
    expected = email.utils.parsedate_to_datetime(text)
    assert parse_twilio_date(text) == expected


def test_signature_changes_with_state_not_with_irrelevant_fields() -> None:
    base = _record()
    assert signature(base) == signature(_record(price="-0.01", uri="/x"))
    assert signature(base) != signature(_record(status="completed"))
    assert signature(base) != signature(_record(date_updated="Tue, 31 Aug 2010 20:40:00 +0000"))
    assert signature(base) != signature(_record(duration="3"))
