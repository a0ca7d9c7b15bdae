"""The shape of a refresh: work follows what changed (and the parse), not the size of the account.

Cheap (a few seconds) and free of absolute times, so it holds on a busy CI machine:

* the poller builds a ``Call`` only for new or changed records, at 1k and at 10k alike (counted);
* (what one pass costs against the ``json.loads`` of its pages is a number, so it is reached in
  the benchmark ``tests/benchmarks/bench_end_to_end.py`` over HTTP, not timed here: a process-wide
  CPU ratio failed on a loaded CI machine);
* the table applies the same diff at 10k within a small factor of 1k (``CallRows.apply``);
* a refresh leaves no young dict or list of the whole account for the collector to walk;
* the piecewise page parser returns exactly what ``json.loads`` returns, whatever the strings.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tui.core import poll_pass
from tui.core import poller as poller_module
from tui.core.listing import ListingPage
from tui.core.models import Call, CallDiff, PollEvent, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.ui.widgets.call_rows import CallRows

ACCOUNT = "AC" + "0" * 32
BASE = "https://api.twilio.com"


def record(n: int, *, version: int = 0, name: str | None = None) -> dict[str, object]:
    """A Call record shaped like Twilio's (every field present, subresource URIs included)."""
    sid = f"CA{n:032x}"
    uri = f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}"
    return {
        "account_sid": ACCOUNT,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": name,
        "date_created": "Tue, 31 Aug 2010 20:36:20 +0000",
        "date_updated": f"Tue, 31 Aug 2010 20:{36 + version % 20}:29 +0000",
        "direction": "inbound",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": f"+1415{n % 10**7:07d}",
        "from_formatted": f"(415) {n % 10**7:07d}",
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PN" + "1" * 32,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": "Tue, 31 Aug 2010 20:36:28 +0000",
        "status": "in-progress",
        "stir_verstat": None,
        "subresource_uris": {
            name: f"{uri}/{name.title()}.json"
            for name in ("notifications", "recordings", "payments", "events", "streams")
        },
        "to": "+18889371204",
        "to_formatted": "(888) 937-1204",
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def page(records: list[dict[str, object]], next_uri: str | None) -> str:
    return json.dumps({"calls": records, "end": len(records) - 1, "next_page_uri": next_uri})


class PagesAccess:
    """Serves prepared listing pages the way ``TwilioAccess.get_text`` would (no HTTP)."""

    base_url = BASE
    account_sid = ACCOUNT

    def __init__(self) -> None:
        self.pages: dict[str, list[str]] = {}

    def set_calls(self, records: list[dict[str, object]]) -> None:
        chunks = [records[i : i + 1000] for i in range(0, len(records), 1000)] or [[]]
        texts = []
        for index, chunk in enumerate(chunks):
            more = index + 1 < len(chunks)
            texts.append(page(chunk, f"/2010-04-01/next?Page={index + 1}" if more else None))
        self.pages = {"in-progress": texts}

    def absolute(self, uri: str) -> str:
        return BASE + uri

    async def get_text(
        self, url: str, params: Any = None, *, max_bytes: int | None = None
    ) -> tuple[str, int, dict[str, str]]:
        if params is not None:
            status, index = params["Status"], 0
            self._status = status
        else:
            status, index = self._status, int(url.rsplit("=", 1)[1])
        texts = self.pages.get(status, [page([], None)])
        return texts[index], len(texts[index]), {}


def make_poller(access: PagesAccess) -> LiveCallPoller:
    return LiveCallPoller(access, on_event=lambda _event: None, max_concurrency=1)  # type: ignore[arg-type]


def with_changes(
    base: list[dict[str, object]], changes: int, round_: int
) -> list[dict[str, object]]:
    """``base`` with ``changes`` records changed (a new date_updated), spread through it."""
    out = list(base)
    step = max(1, len(base) // changes)
    for i in range(changes):
        n = (i * step + round_) % len(base)
        out[n] = record(n, version=round_)
    return out


def test_calls_are_built_only_for_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    built = [0]
    original = poll_pass.call_from_json

    def counting(rec: Any) -> Call:
        built[0] += 1
        return original(rec)

    monkeypatch.setattr(poll_pass, "call_from_json", counting)
    for n in (1_000, 10_000):
        access = PagesAccess()
        base = [record(i) for i in range(n)]
        access.set_calls(base)
        poller = make_poller(access)
        asyncio.run(poller.poll_once())
        assert len(poller.calls) == n
        built[0] = 0
        access.set_calls(with_changes(base, 50, 1))
        asyncio.run(poller.poll_once())
        assert built[0] == 50, f"{built[0]} Calls built for 50 changes at {n} calls"


def table_call(n: int, status: str = "in-progress") -> Call:
    start = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(seconds=(n * 7919) % 86_400)
    return Call(
        sid=f"CA{n:032x}",
        parent_call_sid=None,
        direction="inbound",
        from_=f"+1{(n * 7919) % 10**10:010d}",
        to="+18889371204",
        status=status,
        start_time=start,
        date_created=start,
        date_updated="",
        duration=None,
        queue_time_ms=None,
        answered_by=None,
    )


def test_the_table_applies_a_diff_in_time_that_follows_the_diff_not_the_table() -> None:
    def apply_time(n: int) -> float:
        rows = CallRows()
        rows.apply(CallDiff(added=tuple(table_call(i) for i in range(n))))
        diffs = [
            CallDiff(
                added=tuple(table_call(n + r * 100 + i) for i in range(10)),
                changed=tuple(table_call(i * 37 + r, "ringing") for i in range(10)),
                removed=tuple(f"CA{i * 53 + r + 1:032x}" for i in range(10)),
            )
            for r in range(7)
        ]
        times = []
        for diff in diffs:
            started = time.perf_counter()
            rows.apply(diff)
            times.append(time.perf_counter() - started)
        return min(times)

    small, large = apply_time(1_000), apply_time(10_000)
    assert large <= 3.0 * small + 0.0005, f"1k {small * 1e3:.2f} ms, 10k {large * 1e3:.2f} ms"


@pytest.mark.parametrize(
    "text",
    [
        page([record(i) for i in range(300)], "/next?Page=1"),
        page([record(i, name='a "}, {" b}, {\\"c') for i in range(300)], None),
        json.dumps({"next_page_uri": None, "end": 5, "calls": [record(i) for i in range(300)]}),
        json.dumps({"calls": [record(i) for i in range(300)], "next_page_uri": None}, indent=1),
        json.dumps({"calls": [record(i) for i in range(300)]}, separators=(",", ":")),
        json.dumps({"calls": [record(i) for i in range(300)], "next_page_uri": 5}),
    ],
)
def test_the_piecewise_parser_agrees_with_json_loads(text: str) -> None:
    expected = json.loads(text)
    page_ = ListingPage(text)
    try:
        records = [rec for batch in page_.batches() for rec in batch]
    except poller_module.TwilioBadResponse:
        assert not isinstance(expected.get("next_page_uri"), str | None)
        return
    assert records == expected["calls"]
    assert page_.next_uri == (expected.get("next_page_uri") or None)


def test_a_broken_page_is_still_a_bad_response() -> None:
    text = page([record(i) for i in range(300)], None)
    for broken in (text[: len(text) // 2], text.replace('"calls"', '"items"'), "<html>busy</html>"):
        with pytest.raises(poller_module.TwilioBadResponse):
            for _ in ListingPage(broken).batches():
                pass


def young_containers(at_least: int) -> list[str]:
    """Tracked dicts, lists and sets of ``at_least`` entries in the young generations."""
    return [
        f"{type(obj).__name__} of {len(obj):,}"
        for generation in (0, 1)
        for obj in gc.get_objects(generation)
        if isinstance(obj, dict | list | set) and len(obj) >= at_least
    ]


def test_a_refresh_leaves_no_young_container_of_the_whole_account() -> None:
    """A map or list of every call born at each refresh is young, and the collector's young
    collections walk all of it (the 6-8 ms blocks of a refresh at 50,000 calls): the poller's
    snapshot and the table's order must be updated in place, whatever the diff's size."""
    events: list[PollEvent] = []
    access = PagesAccess()
    base = [record(i) for i in range(10_000)]
    access.set_calls(base)
    poller = LiveCallPoller(access, on_event=events.append, max_concurrency=1)  # type: ignore[arg-type]
    asyncio.run(poller.poll_once())
    rows = CallRows()
    first = events[-1]
    assert isinstance(first, PollSucceeded)
    rows.apply(first.diff)
    # 100 changed, 60 gone, 60 new: more than the table applies one at a time.
    access.set_calls(with_changes(base, 100, 7)[60:] + [record(20_000 + i) for i in range(60)])
    gc.collect()  # everything so far is old
    gc.disable()  # nothing the refresh makes gets promoted out of sight
    try:
        asyncio.run(poller.poll_once())
        second = events[-1]
        assert isinstance(second, PollSucceeded)
        assert (len(second.diff.added), len(second.diff.removed)) == (60, 60)
        rows.apply(second.diff)
        assert len(poller.calls) == 10_000
        assert young_containers(5_000) == []
    finally:
        gc.enable()
