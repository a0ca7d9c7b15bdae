"""Paging for the floor's listings, in the shape of Twilio's list envelopes.

Like the Calls listing, a ``PageToken`` is an anchor (the sort key of the last item served), not
an offset: a room that ends or a member that leaves between pages never makes the next page skip
or repeat anyone. The lists here are small (queues, a room's participants, a queue's members,
a few thousand rooms), so a page is found by a scan, not an index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode

from tui.sim.paging import PageToken


class Keyed(Protocol):
    @property
    def key(self) -> tuple[float, int]: ...


T = TypeVar("T", bound=Keyed)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    start: int
    has_next: bool


def _after(item: Keyed, anchor: tuple[float, int], descending: bool) -> bool:
    return item.key < anchor if descending else item.key > anchor


def select(
    items: Sequence[T], page_size: int, page: int, token: str | None, *, descending: bool = False
) -> Page[T]:
    """One page of ``items`` (already filtered and in listing order)."""
    if token is None:
        start = page * page_size
    else:
        anchor = PageToken.decode(token)
        key = (anchor.created_at, anchor.seq)
        if anchor.forward:
            start = next(
                (i for i, item in enumerate(items) if _after(item, key, descending)), len(items)
            )
        else:
            end = next(
                (i for i, item in enumerate(items) if not _after(item, key, not descending)),
                len(items),
            )
            start = max(0, end - page_size)
    chosen = list(items[start : start + page_size])
    return Page(chosen, page * page_size, start + page_size < len(items))


def envelope(
    name: str,
    rendered: list[dict[str, Any]],
    page: Page[Any],
    *,
    path: str,
    filters: list[tuple[str, str]],
    page_size: int,
    page_number: int,
    token: str | None,
) -> dict[str, Any]:
    """Twilio's list envelope around ``rendered`` under the key ``name``."""

    def uri(number: int, page_token: str | None) -> str:
        query = [*filters, ("PageSize", str(page_size)), ("Page", str(number))]
        if page_token:
            query.append(("PageToken", page_token))
        return f"{path}?{urlencode(query)}"

    next_uri = None
    if page.has_next and page.items:
        last = page.items[-1].key
        next_uri = uri(page_number + 1, PageToken(True, last[0], last[1], 0.0).encode())
    previous_uri = None
    if page_number > 0 and page.items:
        first = page.items[0].key
        previous_uri = uri(page_number - 1, PageToken(False, first[0], first[1], 0.0).encode())
    return {
        name: rendered,
        "end": page.start + max(len(rendered), 1) - 1,
        "first_page_uri": uri(0, None),
        "next_page_uri": next_uri,
        "page": page_number,
        "page_size": page_size,
        "previous_page_uri": previous_uri,
        "start": page.start,
        "uri": uri(page_number, token),
    }


def matching(items: Sequence[T], checks: list[Callable[[T], bool]]) -> list[T]:
    if not checks:
        return list(items)
    return [item for item in items if all(check(item) for check in checks)]
