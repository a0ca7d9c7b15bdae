"""Listing calls newest first, in pages that never repeat a call.

A ``PageToken`` is an anchor, not an offset: it carries the sort key ``(date_created, seq)`` of
the last call the previous page returned (``PA…``, next page) or the first (``PB…``, previous
page), plus the time the listing began. Sort keys never change, so "everything older than the
anchor" is a well-defined set even while calls are created, change status and end: a call can
leave the filtered set between pages but can never come back to be served twice, and calls created
after the listing began are never pulled into its later pages.
"""

from __future__ import annotations

import base64
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from urllib.parse import urlencode

from tui.sim import api_errors
from tui.sim.api_params import ListFilter
from tui.sim.call_record import CallRecord

_key = attrgetter("key")


@dataclass(frozen=True, slots=True)
class PageToken:
    forward: bool
    created_at: float
    seq: int
    snapshot: float

    def encode(self) -> str:
        raw = f"{self.created_at!r}:{self.seq}:{self.snapshot!r}".encode("ascii")
        return ("PA" if self.forward else "PB") + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> PageToken:
        try:
            if token[:2] not in ("PA", "PB"):
                raise ValueError(token)
            body = token[2:]
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
            created, seq, snapshot = raw.split(":")
            return cls(token[:2] == "PA", float(created), int(seq), float(snapshot))
        except (ValueError, UnicodeDecodeError):
            raise api_errors.invalid_parameter(f"Invalid PageToken {token!r}", 20001) from None


@dataclass(frozen=True, slots=True)
class CallPage:
    calls: list[CallRecord]
    has_next: bool
    has_previous: bool
    snapshot: float


def _predicate(flt: ListFilter) -> Callable[[CallRecord], bool] | None:
    checks: list[Callable[[CallRecord], bool]] = []
    if flt.status is not None:
        status = flt.status
        checks.append(lambda c: c.status == status)
    if flt.to is not None:
        to = flt.to
        checks.append(lambda c: c.to == to)
    if flt.from_ is not None:
        from_ = flt.from_
        checks.append(lambda c: c.from_ == from_)
    if flt.parent_call_sid is not None:
        parent = flt.parent_call_sid
        checks.append(lambda c: c.parent_call_sid == parent)
    if flt.start_time is not None:
        start_bound = flt.start_time
        checks.append(lambda c: start_bound.admits(c.start_time))
    if flt.end_time is not None:
        end_bound = flt.end_time
        checks.append(lambda c: end_bound.admits(c.end_time))
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda c: all(check(c) for check in checks)


def select_page(
    ordered: Sequence[CallRecord],
    flt: ListFilter,
    page_size: int,
    token: PageToken | None,
    now: float,
    page: int = 0,
) -> CallPage:
    """One page from ``ordered`` (oldest first, e.g. the engine's per-status index)."""
    matches = _predicate(flt)
    snapshot = token.snapshot if token else now
    if token is None or token.forward:
        if token is None:
            end = bisect_right(ordered, (snapshot, 1 << 62), key=_key)
        else:
            end = bisect_left(ordered, (token.created_at, token.seq), key=_key)
        skip = page * page_size if token is None else 0
        found: list[CallRecord] = []
        for i in range(end - 1, -1, -1):
            call = ordered[i]
            if matches is None or matches(call):
                if skip:
                    skip -= 1
                    continue
                if len(found) == page_size:
                    return CallPage(found, True, token is not None or page > 0, snapshot)
                found.append(call)
        return CallPage(found, False, token is not None or page > 0, snapshot)
    start = bisect_right(ordered, (token.created_at, token.seq), key=_key)
    limit = bisect_right(ordered, (snapshot, 1 << 62), key=_key)
    found = []
    more_before = False
    for i in range(start, limit):
        call = ordered[i]
        if matches is None or matches(call):
            if len(found) == page_size:
                more_before = True
                break
            found.append(call)
    found.reverse()
    return CallPage(found, True, more_before, snapshot)


def page_uris(
    base_path: str,
    filter_items: list[tuple[str, str]],
    page_size: int,
    page: int,
    result: CallPage,
    token: str | None,
) -> dict[str, object]:
    """The envelope fields Twilio puts around ``calls``."""

    def uri(number: int, page_token: str | None) -> str:
        items = [*filter_items, ("PageSize", str(page_size)), ("Page", str(number))]
        if page_token:
            items.append(("PageToken", page_token))
        return f"{base_path}?{urlencode(items)}"

    next_uri = None
    if result.has_next and result.calls:
        last = result.calls[-1]
        next_uri = uri(page + 1, PageToken(True, *last.key, result.snapshot).encode())
    previous_uri = None
    if result.has_previous and result.calls and page > 0:
        first = result.calls[0]
        previous_uri = uri(page - 1, PageToken(False, *first.key, result.snapshot).encode())
    start = page * page_size
    return {
        "end": start + max(len(result.calls), 1) - 1,
        "first_page_uri": uri(0, None),
        "next_page_uri": next_uri,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": previous_uri,
        "start": start,
        "uri": uri(page, token),
    }
