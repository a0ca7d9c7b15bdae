"""Listing pages are cut for piecewise parsing whatever white space the serializer used.

The fixture is a page in Twilio's exact shape (envelope and call fields in Twilio's order, as the
API sends them, ``", "`` and ``": "`` separators); the test grows it to a 1,000-call page and
serializes it compact, as Twilio does, and pretty-printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.listing import PIECE_CHARS, ListingPage, cut_points

FIXTURE = Path(__file__).parent / "fixtures" / "twilio_calls_page.json"
SEPARATORS = {
    "twilio": {},
    "compact": {"separators": (",", ":")},
    "pretty": {"indent": 2},
    "tabs": {"indent": "\t"},
    "spaced": {"separators": (" , ", " : ")},
}


def _big_page() -> dict[str, object]:
    page = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template = page["calls"]
    calls = []
    for n in range(1_000):
        record = dict(template[n % len(template)])
        record["sid"] = f"CA{n:032x}"
        calls.append(record)
    page["calls"] = calls
    return page


def test_the_fixture_is_a_twilio_page_as_sent() -> None:
    text = FIXTURE.read_text(encoding="utf-8").strip()
    page = json.loads(text)
    assert list(page) == [
        "calls", "end", "first_page_uri", "next_page_uri", "page", "page_size",
        "previous_page_uri", "start", "uri",
    ]  # fmt: skip
    assert text == json.dumps(page)  # Twilio's separators
    assert list(page["calls"][0])[-1] == "queue_time"


@pytest.mark.parametrize("style", list(SEPARATORS))
def test_every_serialization_is_cut_and_parses_to_the_same_records(style: str) -> None:
    page = _big_page()
    text = json.dumps(page, **SEPARATORS[style])  # type: ignore[arg-type]
    cuts = cut_points(text)
    assert len(cuts) >= len(text) // PIECE_CHARS - 1  # one piece per ~PIECE_CHARS
    pieces = [
        stop - start
        for start, stop in zip(
            [0, *(b for _e, b in cuts)], [*(e for e, _b in cuts), len(text)], strict=True
        )
    ]
    assert max(pieces) < PIECE_CHARS + 10_000
    listing = ListingPage(text)
    batches = list(listing.batches())
    assert len(batches) == len(cuts) + 1  # parsed piecewise, not whole
    assert [r for batch in batches for r in batch] == page["calls"]
    assert listing.next_uri == page["next_page_uri"]


def test_a_record_boundary_inside_a_caller_name_does_not_fool_the_cuts() -> None:
    page = _big_page()
    calls = page["calls"]
    assert isinstance(calls, list)
    for record in calls[::7]:
        record["caller_name"] = 'x" }, {"sid": "CAfake'
        record["forwarded_from"] = '}, \t{  "'
    for style in SEPARATORS:
        text = json.dumps(page, **SEPARATORS[style])  # type: ignore[arg-type]
        records = [r for batch in ListingPage(text).batches() for r in batch]
        assert records == calls, style
