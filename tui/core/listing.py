"""One listing page, parsed a piece at a time, whatever white space the server's JSON uses.

A 1,000-call page is ~2.4 MB of JSON: one ``json.loads`` of it holds the event loop for ~10 ms,
more on a busy machine. So the text is cut between two records of the ``calls`` array and each
piece is parsed on its own: the head closed with ``]}``, middles wrapped in ``[…]``, the tail
re-opened with ``{"calls": [``. A cut is a ``}`` then ``,`` then ``{`` then ``"``, with any
JSON white space between them, so compact (``},{"``), Twilio's (``}, {"``) and pretty-printed
pages are all cut.

A cut inside a string (a caller name may hold ``}, {"``) leaves the piece before it ending
inside that string, which never parses; a cut anywhere else but between two elements of the
top-level ``calls`` array leaves brackets unbalanced, or the head's last key is not ``calls``.
Either way the rest of the page is parsed whole, which also gives the usual errors for a page
that is not a listing. Records come out in page order either way.

Strings longer than the pass's ``max_field_chars`` are cut (marked ``…``) right after parsing,
in any piece whose records are far larger than Twilio's (~2.4 KB), so a 100 MB caller name
costs its parse once and never reaches the table or the detail screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Final

from tui.core.limits import CUT_MARK, bound_record
from tui.core.twilio_client import TwilioBadResponse

PIECE_CHARS: Final = 160_000
"""Cut listing pages into pieces of about this many characters (~65 of Twilio's calls, ~1 ms)."""
_CALLS_ARRAY_RE: Final = re.compile(r'"calls"[ \t\r\n]*:[ \t\r\n]*\[')
_BETWEEN_RECORDS_RE: Final = re.compile(r'\}[ \t\r\n]*,[ \t\r\n]*(\{)[ \t\r\n]*"')
_CALLS_OPEN: Final = '{"calls": ['
_LARGE_RECORD_CHARS: Final = 16_000
"""A piece averaging more than this per record holds something no real call has: bound it."""
_MAX_INT_DIGITS: Final = 100


class _NotOurShape(Exception):
    """A piece parsed, but not as the ``calls`` array of a listing (parse the page whole)."""


class ListingPage:
    """One listing page; :meth:`batches` yields its records a piece at a time."""

    __slots__ = ("_max_chars", "_text", "next_uri")

    def __init__(self, text: str, *, max_field_chars: int = 4_096) -> None:
        self._text = text
        self._max_chars = max_field_chars
        self.next_uri: str | None = None
        """The page's ``next_page_uri``; valid once :meth:`batches` is exhausted."""

    def batches(self) -> Iterator[list[object]]:
        """The records of the ``calls`` array, in page order, a piece at a time.

        Raises :class:`TwilioBadResponse` for a page that is not a listing.
        """
        text = self._text
        done = 0
        cuts = cut_points(text)
        if cuts:
            envelope: dict[str, object] = {}
            starts = [0, *(brace for _end, brace in cuts)]
            stops = [*(end for end, _brace in cuts), len(text)]
            bounds = list(zip(starts, stops, strict=True))
            last = len(bounds) - 1
            try:
                for index, (start, stop) in enumerate(bounds):
                    records = _piece_records(text, start, stop, index, last, envelope)
                    self._bound(records, stop - start)
                    done += len(records)
                    yield records
                    del records
                self.next_uri = _next_uri(envelope)
                self._text = ""
                return
            except (ValueError, RecursionError, _NotOurShape):
                pass  # not cut where we thought: parse the rest the ordinary way
        records, self.next_uri = _page_contents(_parse(text))
        self._text = ""
        rest = records[done:] if done else records
        self._bound(rest, len(text))
        yield rest

    def _bound(self, records: list[object], chars: int) -> None:
        if records and chars > _LARGE_RECORD_CHARS * len(records):
            for record in records:
                bound_record(record, self._max_chars)


def cut_points(text: str) -> list[tuple[int, int]]:
    """``(end, start)`` of each cut: after a record's ``}``, at the next record's ``{``.

    About :data:`PIECE_CHARS` apart, only inside a ``calls`` array, none for small pages.
    """
    if len(text) < 2 * PIECE_CHARS:
        return []
    opening = _CALLS_ARRAY_RE.search(text)
    if opening is None:
        return []
    cuts: list[tuple[int, int]] = []
    position = opening.end() + PIECE_CHARS
    search = _BETWEEN_RECORDS_RE.search
    while (match := search(text, position)) is not None:
        brace = match.start(1)
        cuts.append((match.start() + 1, brace))
        position = brace + PIECE_CHARS
    return cuts


def _loads(text: str) -> object:
    return json.loads(text, parse_int=_bounded_int)


def _bounded_int(digits: str) -> int | str:
    """JSON integers; one longer than :data:`_MAX_INT_DIGITS` digits is kept as a cut text
    (which no field reads as a number) rather than an error that would cost the whole page
    (Python refuses to convert 4,300+ digits)."""
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits[:20] + CUT_MARK


def _piece_records(
    text: str, start: int, stop: int, index: int, last: int, envelope: dict[str, object]
) -> list[object]:
    """Parse one piece (see :class:`ListingPage`); the envelope's other keys go to ``envelope``."""
    if index == 0:
        value = _loads(text[start:stop] + "]}")
        if not isinstance(value, dict) or next(reversed(value), None) != "calls":
            raise _NotOurShape
    elif index == last:
        value = _loads(_CALLS_OPEN + text[start:stop])
        if not isinstance(value, dict):
            raise _NotOurShape
    else:
        value = _loads("[" + text[start:stop] + "]")
        if not isinstance(value, list):
            raise _NotOurShape
        return value
    records = value.pop("calls")
    if not isinstance(records, list):
        raise _NotOurShape
    envelope.update(value)
    return records


def _next_uri(envelope: Mapping[str, object]) -> str | None:
    next_uri = envelope.get("next_page_uri")
    if next_uri is not None and not isinstance(next_uri, str):
        raise TwilioBadResponse("Twilio sent a call listing with a malformed next page link.")
    return next_uri or None


def _parse(text: str) -> object:
    try:
        return _loads(text)
    except (ValueError, RecursionError):
        return None


def _page_contents(payload: object) -> tuple[list[object], str | None]:
    """The ``calls`` array and ``next_page_uri`` of a listing page, or TwilioBadResponse."""
    if not isinstance(payload, dict):
        raise TwilioBadResponse("Twilio sent a call listing that is not valid JSON.")
    records = payload.get("calls")
    if not isinstance(records, list):
        raise TwilioBadResponse("Twilio sent a call listing without a 'calls' list.")
    return records, _next_uri(payload)
