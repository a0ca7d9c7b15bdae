"""Keeping the garbage collector out of the event loop's hot paths.

Callboard holds tens of thousands of long-lived objects at call-center scale, so a full
collection is expensive; it must not start in the middle of a page parse or a table update.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one short burst of allocation.

    Parsing a 1,000-call page, or applying a diff that adds thousands of rows, allocates many
    objects in a few milliseconds. With the collector running, young collections promote them to
    the oldest generation and a full collection (tens to hundreds of ms with 10,000 calls held)
    lands in the middle of the burst, freezing the keys. Paused for the burst, short-lived objects
    die young by reference counting instead. A collector the application disabled stays disabled.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
