"""Keeping the garbage collector out of the event loop's hot paths.

Callboard holds tens of thousands of long-lived objects at call-center scale, so a full
collection is expensive; it must not start in the middle of a page parse or a table update.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_depth = 0
"""How many pauses are open now, across every task of the process."""
_paused_by_us = False
"""Whether the first open pause turned the collector off (so the last one turns it back on)."""


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
