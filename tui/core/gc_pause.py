"""Keeping the garbage collector out of the event loop's hot paths.

Callboard holds tens of thousands of long-lived objects at call-center scale, so a full
collection is expensive; it must not start in the middle of a page parse or a table update.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Final

_depth = 0
"""How many pauses are open now, across every task of the process."""
_paused_by_us = False
"""Whether the first open pause turned the collector off (so the last one turns it back on)."""
_NEVER: Final = 2**31 - 1
"""A full-collection threshold the collector never reaches."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one short burst of allocation.

    Parsing a 1,000-call page, or applying a diff that adds thousands of rows, allocates many
    objects in a few milliseconds. With the collector running, young collections promote them to
    the oldest generation and a full collection (tens to hundreds of ms with 10,000 calls held)
    lands in the middle of the burst, freezing the keys. Paused for the burst, short-lived objects
    die young by reference counting instead. A collector the application disabled stays disabled.

    The switch is process-wide and pauses overlap: the poller's status tasks each hold one across
    awaits. So pauses are counted, and only the last to end turns the collector back on
    (and only if the first one turned it off).
    """
    global _depth, _paused_by_us
    if _depth == 0:
        _paused_by_us = gc.isenabled()
        if _paused_by_us:
            gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _paused_by_us:
            _paused_by_us = False
            gc.enable()


class IdleCollector:
    """Full collections only at quiet moments, never in the middle of a poll or under a key.

    The start-up heap is frozen once (:meth:`freeze`), but over a shift every live call and its
    table row is replaced by newer objects, which a full collection walks: 26-60 ms at 10,000
    calls, landing wherever the collector's thresholds fall, in a poll or under a key press.
    :meth:`install` turns the collector's own full collections off (young collections go on as
    before). The app offers a moment right after a poll's rows are painted, when the next poll
    is seconds away; when no key or mouse event came for ``quiet_s`` and enough has changed
    since the last time (a quarter of the live calls, as the collector's own rule has it, or
    ``every_s`` passed), :meth:`collect` runs one. If keys never stop, one runs anyway once the
    last is ``overdue_s`` old, so garbage cycles stay bounded.

    Why not freeze after each collection instead, so that it stays short? Whatever a freeze
    keeps must never end up in a garbage cycle, and Textual's ``Strip`` caches itself: every
    line a widget had cached at a freeze would be kept for good once evicted (about 1,600
    objects a freeze in the end-to-end benchmark).
    """

    __slots__ = (
        "_changes",
        "_clock",
        "_last_activity",
        "_last_collect",
        "_live",
        "_saved_thresholds",
        "collecting",
        "collections",
        "every_changes",
        "every_s",
        "last_ms",
        "longest_ms",
        "overdue_s",
        "quiet_s",
    )

    def __init__(
        self,
        *,
        quiet_s: float = 1.0,
        every_changes: int = 200,
        every_s: float = 120.0,
        overdue_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet_s = quiet_s
        self.every_changes = every_changes
        self.every_s = every_s
        self.overdue_s = overdue_s
        self._clock = clock
        self._last_activity = -quiet_s
        self._last_collect = clock()
        self._changes = 0
        self._live = 0
        self._saved_thresholds: tuple[int, int, int] | None = None
        self.collecting = False
        """True while :meth:`collect` runs (tells its collections from the collector's own)."""
        self.collections = 0
        """Full collections run by :meth:`collect` (the benchmark reads these)."""
        self.longest_ms = 0.0
        self.last_ms = 0.0

    def install(self) -> None:
        """Turn the collector's own full collections off (until :meth:`uninstall`)."""
        if self._saved_thresholds is None:
            young, middle, full = gc.get_threshold()
            self._saved_thresholds = (young, middle, full)
            gc.set_threshold(young, middle, _NEVER)

    def uninstall(self) -> None:
        """Give the collector its own full collections back (the app is closing)."""
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
            self._saved_thresholds = None

    def activity(self) -> None:
        """A key or mouse event: the supervisor is at work, not a moment to collect."""
        self._last_activity = self._clock()

    def changed(self, count: int, live: int) -> None:
        """A poll changed ``count`` of ``live`` calls (their old Call and row objects died)."""
        self._changes += count
        self._live = live

    def due(self) -> bool:
        """Whether now is a moment to :meth:`collect` (the caller checks its own screen)."""
        now = self._clock()
        since = now - self._last_collect
        if since >= self.overdue_s:
            return True
        if now - self._last_activity < self.quiet_s:
            return False
        enough = max(self.every_changes, self._live // 4)
        return self._changes >= enough or since >= self.every_s

    def collect(self) -> None:
        """One full collection of what is not frozen, timed."""
        started = time.perf_counter()
        self.collecting = True
        try:
            gc.collect()
        finally:
            self.collecting = False
        self.last_ms = (time.perf_counter() - started) * 1000
        self.longest_ms = max(self.longest_ms, self.last_ms)
        self.collections += 1
        self._last_collect = self._clock()
        self._changes = 0

    def freeze(self) -> None:
        """Freeze every object the collector tracks now (O(1): the lists are moved, not walked)."""
        gc.freeze()
