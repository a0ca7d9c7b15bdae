"""One bad record never costs the poll, and no listing costs the machine.

Pages are served by a small Twilio-compatible endpoint (tests/core/listing_server.py) and read
through the real SDK over loopback HTTP.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, cast

import pytest
from aiohttp import web

from tests.core.listing_server import call_record, listing_server, page
from tui.core.call_parsing import call_from_json, parse_twilio_date
from tui.core.limits import CUT_MARK, PassLimits
from tui.core.models import PollEvent, PollFailed, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess

BAD_FIELDS: list[dict[str, object]] = [
    {"duration": "1e999"},
    {"duration": "NaN"},
    {"duration": float("nan")},
    {"duration": float("inf")},
    {"duration": "9" * 5_000},
    {"duration": "-5"},
    {"queue_time": "1e999"},
    {"start_time": "Mon, 01 Jan 0001 00:00:00 +0100"},  # year 1, east of UTC
    {"start_time": "Fri, 31 Dec 9999 23:30:00 -0100"},  # year 9999, west of UTC
    {"date_created": "Mon, 1 Jan 0001 00:00:00 +0100"},  # the standard library's path
    {"date_created": "Fri, 31 Dec 9999 23:59:59 -1200"},
    {"start_time": "Fri, 31 Dec 9999 23:59:59 +0000"},
    {"status": 7},
    {"from": ["+1415"]},
]


@pytest.mark.parametrize(
    "fields", BAD_FIELDS, ids=lambda f: f"{next(iter(f))}={next(iter(f.values()))!r:.20}"
)
def test_a_bad_field_is_unknown_and_named(fields: dict[str, object]) -> None:
    call = call_from_json(call_record(1, **cast(dict[str, Any], fields)))
    name = next(iter(fields))
    assert call.sid == call_record(1)["sid"]
    assert call.unreadable == (name,)
    attribute = {"from": "from_", "queue_time": "queue_time_ms"}.get(name, name)
    value = getattr(call, attribute)
    assert value in (None, "")


def test_good_records_have_nothing_unreadable() -> None:
    call = call_from_json(call_record(1, duration="42", queue_time="1200"))
    assert call.unreadable == () and call.duration == 42 and call.queue_time_ms == 1200


def test_dates_at_the_edges_of_the_calendar_never_raise() -> None:
    for year, offset in itertools.product((1, 9999), ("+1400", "-1200", "+0000", "+0100")):
        for day in ("01", "1", "31"):
            assert parse_twilio_date(f"Fri, {day} Dec {year:04d} 23:59:59 {offset}") is None
            assert parse_twilio_date(f"Mon, {day} Jan {year:04d} 00:00:00 {offset}") is None


def _hostile_page(_request: web.Request) -> str:
    records = [
        call_record(i + 1, **cast(dict[str, Any], fields)) for i, fields in enumerate(BAD_FIELDS)
    ]
    records.append(call_record(100, duration="12"))
    text = json.dumps(page(records))
    # Things only raw JSON can carry: a 5,000-digit number, not-an-object, no SID, a list SID.
    extra = '{"sid": "CA' + "f" * 32 + '", "duration": ' + "9" * 5_000 + "}, 17, {}, "
    extra += '{"sid": ["CA"], "status": "in-progress"}, '
    return text.replace('"calls": [', '"calls": [' + extra, 1)


async def test_bad_records_are_kept_and_counted_every_pass() -> None:
    async with listing_server(_hostile_page) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(access, on_event=events.append)
            await poller.poll_once()
            await poller.poll_once()
        first, second = events
        assert isinstance(first, PollSucceeded) and isinstance(second, PollSucceeded)
        kept = len(BAD_FIELDS) + 2  # every bad-field record, the good one, the long number
        # Per status (3 statuses list the same page): the calls are kept once each.
        assert first.stats.total_live == kept
        assert first.stats.unreadable == len(BAD_FIELDS) + 1 + 3 * 3
        assert second.stats.unreadable == first.stats.unreadable  # unchanged calls still count
        assert poller.health.unreadable == first.stats.unreadable
        assert not second.diff.changed or all(
            c.raw.get("duration") != c.raw.get("duration") for c in second.diff.changed
        )  # only NaN (never equal to itself) can look changed
        long_number = poller.calls["CA" + "f" * 32]
        assert long_number.duration is None and long_number.unreadable == ("duration",)


async def test_a_huge_field_is_cut_at_parse_time_and_marked() -> None:
    huge = "N" * 5_000_000

    def serve(request: web.Request) -> dict[str, object]:
        if request.query.get("Status") != "in-progress":
            return page([])
        return page([call_record(1, caller_name=huge), call_record(2)])

    async with listing_server(serve) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=10.0) as access:
            poller = LiveCallPoller(access, on_event=events.append)
            await poller.poll_once()
        assert isinstance(events[-1], PollSucceeded)
        name = poller.calls[str(call_record(1)["sid"])].raw["caller_name"]
        assert isinstance(name, str)
        assert len(name) == PassLimits().max_field_chars + 1 and name.endswith(CUT_MARK)
        assert poller.calls[str(call_record(2)["sid"])].raw["caller_name"] == ""


def _endless(prefix: str = "CA"):  # type: ignore[no-untyped-def]
    counter = itertools.count()

    def serve(request: web.Request) -> dict[str, object]:
        n = next(counter)
        calls = [call_record(n * 10 + i + 1) for i in range(10)]
        return page(calls, next_page_uri=f"{request.path}?Page={n + 1}&PageToken=PA{n}")

    return serve


async def test_an_endless_chain_of_pages_is_cut_off_and_backed_off() -> None:
    limits = PassLimits(max_records=100_000, max_pages=50)
    async with listing_server(_endless()) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(access, on_event=events.append, limits=limits)
            first_delay = await poller.poll_once()
            sent = len(api.requests)
            second_delay = await poller.poll_once()
        failure = events[0]
        assert isinstance(failure, PollFailed) and failure.limit_hit
        assert "max_pages" in failure.reason and "backs off" in failure.reason
        assert isinstance(events[-1], PollFailed)
        assert poller.health.limit_hit and poller.health.stale_reason == events[-1].reason
        assert sent <= limits.max_pages + 2  # the statuses share one page budget per pass
        assert first_delay >= poller.configured_interval_s  # never retried at once
        assert second_delay >= first_delay / 2
        assert poller.calls == {}


async def test_the_record_and_byte_bounds_fail_the_pass_with_a_sentence() -> None:
    async with listing_server(_endless()) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(
                access, on_event=events.append, limits=PassLimits(max_records=1_000)
            )
            await poller.poll_once()
            poller.limits = PassLimits(max_bytes=1024 * 1024)
            await poller.poll_once()
        by_records, by_bytes = events
        assert isinstance(by_records, PollFailed) and by_records.limit_hit
        assert "more than 1,000 calls" in by_records.reason
        assert isinstance(by_bytes, PollFailed) and by_bytes.limit_hit
        assert "more than 1 MiB" in by_bytes.reason


async def test_one_huge_body_is_not_downloaded_past_the_byte_bound() -> None:
    big = json.dumps(page([call_record(i) for i in range(1_500)]))  # ~1.7 MB

    async with listing_server(lambda _r: big) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(
                access, on_event=events.append, limits=PassLimits(max_bytes=1024 * 1024)
            )
            await poller.poll_once()
        assert isinstance(events[-1], PollFailed) and events[-1].limit_hit


async def test_an_endless_chain_costs_one_bounded_pass_per_growing_wait() -> None:
    """Requests per second against an endless chain fall with each pass (no timing measured:
    the figures come from the delays the poller asks for)."""
    limits = PassLimits(max_pages=20)
    async with listing_server(_endless()) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(
                access, on_event=events.append, interval_s=2.0, max_backoff_s=60.0, limits=limits
            )
            delays = [await poller.poll_once() for _ in range(6)]
        assert len(api.requests) <= 6 * (limits.max_pages + 2)
        assert all(isinstance(e, PollFailed) and e.limit_hit for e in events)
        for failures, delay in enumerate(delays, start=1):
            ceiling = min(60.0, 2.0 * 2**failures)
            assert ceiling / 2 <= delay <= ceiling
        # At most max_pages + 2 requests per wait: ~11 requests/s at first, under 1/s by the 6th.
        assert (limits.max_pages + 2) / delays[-1] < 1.0


async def test_an_endless_chain_of_empty_pages_stops_at_the_first() -> None:
    def serve(request: web.Request) -> dict[str, object]:
        n = int(request.query.get("Page", "0"))
        return page([], next_page_uri=f"{request.path}?Page={n + 1}")

    async with listing_server(serve) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(access, on_event=events.append)
            await poller.poll_once()
        assert isinstance(events[-1], PollFailed)
        assert "empty page that links to another" in events[-1].reason
        assert len(api.requests) <= 3  # one page per status at most, never the chain
