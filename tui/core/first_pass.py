"""First rows: the calls of the very first pass, shown page by page before the pass completes.

At 10,000 live calls the first complete pass takes a dozen pages; without this the table stays
empty until the last one arrives. While the poller has no snapshot yet (nothing to diff
against, nothing that could be wrongly removed), :class:`FirstPassReporter` sends a
:class:`~tui.core.models.PollProgress` after each page with the calls listed since the last one.
The pass itself is untouched: only its complete result becomes the snapshot, and its
:class:`~tui.core.models.PollSucceeded` is exactly what it would have been.

The first report is sent as soon as the first piece of a page is read (not after the whole
page), and the listener may answer it with an awaitable that completes once those rows are on
screen: the pass then reads no further piece until it does (or :data:`PAINT_WAIT_S` has passed),
so the first rows are painted before the next big page's parse takes the event loop.

What the UI showed from these is provisional. :class:`ProvisionalRows` remembers it and, when
the first complete pass arrives, adds to its diff the removal of any provisional call that pass
no longer lists (the first pass failed half-way, and the call ended before the next one), so a
call is never left on screen that Twilio no longer lists. After that first complete pass no
progress is sent and the diffs are today's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from itertools import islice
from typing import Final

from tui.core.models import Call, CallDiff, PollProgress, PollSucceeded

ProgressListener = Callable[[PollProgress], Awaitable[object] | None]
"""Told of each report; may return an awaitable that completes once its rows are on screen."""
PAINT_WAIT_S: Final = 0.25
"""The longest a pass waits for its first rows to be painted (a busy UI never stalls a poll)."""


class FirstPassReporter:
    """Reports the calls of a first pass as its pages arrive (one reporter per pass)."""

    __slots__ = ("_on_progress", "_painting", "_sent", "_wall")

    def __init__(self, on_progress: ProgressListener, wall: Callable[[], float]) -> None:
        self._on_progress = on_progress
        self._wall = wall
        self._sent = 0
        self._painting: asyncio.Future[object] | None = None
        """The listener's answer to the first report, until it completes or is given up on."""

    def piece_done(self, calls: Mapping[str, Call], pages: int, more: int) -> None:
        """A piece of a page was folded into ``calls``: report it if nothing was sent yet."""
        if not self._sent:
            self.page_done(calls, pages, more)

    def page_done(self, calls: Mapping[str, Call], pages: int, more: int) -> None:
        """One page was folded into ``calls`` (the pass's SID → Call, in listing order).

        ``more`` is how many status listings still have pages to come; with none left the
        complete pass follows at once, so nothing is sent.
        """
        if not more or len(calls) <= self._sent:
            return
        first = not self._sent
        new = tuple(islice(calls.values(), self._sent, None))
        self._sent = len(calls)
        painted = self._on_progress(
            PollProgress(
                diff=CallDiff(added=new), listed=len(calls), pages=pages, more=more, at=self._wall()
            )
        )
        if first and painted is not None:
            self._painting = asyncio.ensure_future(painted)

    async def painted(self) -> None:
        """Return once the first rows are on screen (at once if they are, or were not asked for).

        Waits at most :data:`PAINT_WAIT_S` in all; the listener's awaitable is never cancelled.
        """
        painting = self._painting
        if painting is None:
            return
        if not painting.done():
            await asyncio.wait((painting,), timeout=PAINT_WAIT_S)
        self._painting = None
        if painting.done() and not painting.cancelled():
            painting.exception()  # retrieved: a failed paint is the UI's to report, not ours


class ProvisionalRows:
    """What a view showed from :class:`PollProgress` and has not yet seen confirmed."""

    __slots__ = ("_sids",)

    def __init__(self) -> None:
        self._sids: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self._sids)

    def shown(self, progress: PollProgress) -> CallDiff:
        """Remember the calls of ``progress``; returns the diff to apply (adds only)."""
        self._sids.update(call.sid for call in progress.diff.added)
        return progress.diff

    def settle(self, event: PollSucceeded) -> CallDiff:
        """The diff to apply for a complete pass: its own, plus provisional calls it dropped."""
        if not self._sids:
            return event.diff
        diff = event.diff
        listed = {call.sid for call in diff.added}
        listed.update(call.sid for call in diff.changed)
        gone = self._sids - listed
        self._sids = set()
        if not gone:
            return diff
        return CallDiff(added=diff.added, changed=diff.changed, removed=(*diff.removed, *gone))


def progress_note(progress: PollProgress) -> str:
    """The header's words while the first pass is still arriving."""
    pages = "page" if progress.pages == 1 else "pages"
    return (
        f"loading… {progress.listed:,} calls so far ({progress.pages} {pages} in, "
        f"{progress.more} {'listing' if progress.more == 1 else 'listings'} still paging) "
    )
