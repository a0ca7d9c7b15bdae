"""One poll pass in progress: the calls it has listed so far, folded in a piece at a time.

A pass reads every page of every live status; each record is reduced to a small signature and a
:class:`~tui.core.models.Call` is built only for a record that is new or whose signature changed
since the last complete listing (:class:`~tui.core.snapshot.Snapshot`). The fold gives the event
loop back whenever it has worked for a few milliseconds, so a pass never holds the UI for a frame.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Final

from tui.core.call_parsing import Signature, call_from_json, signature
from tui.core.first_pass import FirstPassReporter
from tui.core.models import LIVE_STATUSES, Call

SLICE_S: Final = 0.002
"""Yield to the event loop after this much uninterrupted record work."""
_CHECK_EVERY: Final = 128
"""Look at the time every this many records (reading the clock is not free)."""
_STATUS_RANK: Final = {status: rank for rank, status in enumerate(LIVE_STATUSES)}


class PassState:
    """The state of one pass in progress; thrown away if the pass fails."""

    __slots__ = (
        "bytes",
        "dropped",
        "fresh",
        "fresh_signatures",
        "open",
        "progress",
        "records",
        "requests",
        "seen",
        "slice_start",
    )

    def __init__(self, progress: FirstPassReporter | None = None) -> None:
        self.progress = progress
        """Set on a first pass whose pages are reported as they arrive (:mod:`first_pass`)."""
        self.open = len(LIVE_STATUSES)
        """Status listings with pages still to come."""
        self.seen: dict[str, None] = {}
        """Every SID listed so far, in listing order (an ordered set).

        Only what changed is held beside it (``fresh``): the pass never builds a second
        SID → Call map of the whole account. That map would be young, and the collector's
        young generations walked all its entries (about 1 ms per 50,000 at each of their next
        collections, 6-8 ms blocks at 50,000 calls); this dict holds only strings and ``None``,
        which the collector does not track, so it never walks it.
        """
        self.fresh: dict[str, Call] = {}
        """SID → the Call (re)built this pass: new calls and calls whose signature changed."""
        self.fresh_signatures: dict[str, Signature] = {}
        """The signatures of ``fresh``."""
        self.requests = 0
        self.bytes = 0
        self.records = 0
        self.dropped = 0
        """Records that could not be read at all (not an object, no usable SID)."""
        self.slice_start = time.perf_counter()
        """When the current run of work without yielding to the event loop began."""

    async def yield_if_due(self) -> None:
        """Give the event loop a turn if this pass has worked for :data:`SLICE_S` without one."""
        if time.perf_counter() - self.slice_start > SLICE_S:
            await asyncio.sleep(0)
            self.slice_start = time.perf_counter()

    async def absorb(
        self,
        records: list[object],
        prev_sigs: Mapping[str, Signature],
    ) -> None:
        """Fold one piece of a page into the pass, building Calls only for new or changed records.

        ``prev_sigs`` are the last complete listing's signatures. The common case (a
        well-formed record seen once per pass, unchanged) is a handful of dict operations; odd
        records and calls listed under two statuses take a slower path.
        """
        seen, fresh, fresh_sigs = self.seen, self.fresh, self.fresh_signatures
        perf = time.perf_counter
        for begin in range(0, len(records), _CHECK_EVERY):
            if begin and perf() - self.slice_start > SLICE_S:
                await asyncio.sleep(0)
                self.slice_start = perf()
            for record in records[begin : begin + _CHECK_EVERY]:
                try:
                    sid = record["sid"]  # type: ignore[index]
                    sig = signature(record)  # type: ignore[arg-type]
                except (KeyError, TypeError):
                    self.dropped += 1
                    continue
                if type(sid) is not str or not sid:
                    self.dropped += 1
                    continue
                previous_sig = prev_sigs.get(sid)
                if sid in seen:
                    held = fresh_sigs.get(sid, previous_sig)  # what the pass holds for it
                    if held is None or not _later(sig, held):
                        continue  # listed under two statuses mid-pass: keep the later state
                else:
                    seen[sid] = None
                if previous_sig == sig:
                    # The last pass's Call and signature stand; this record (and the strings it
                    # holds) dies here, a few at a time.
                    if sid in fresh:  # listed twice, and the later listing is as before
                        del fresh[sid], fresh_sigs[sid]
                else:
                    fresh_sigs[sid] = sig
                    fresh[sid] = call_from_json(record)  # type: ignore[arg-type]


def _later(new: Signature, old: Signature) -> bool:
    """True when ``new`` is further along the call lifecycle than ``old`` (status is sig[0])."""
    return _STATUS_RANK.get(str(new[0]), -1) > _STATUS_RANK.get(str(old[0]), -1)
