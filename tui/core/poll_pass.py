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
        "calls",
        "dropped",
        "fresh",
        "open",
        "progress",
        "records",
        "requests",
        "signatures",
        "slice_start",
    )

    def __init__(self, progress: FirstPassReporter | None = None) -> None:
        self.progress = progress
        """Set on a first pass whose pages are reported as they arrive (:mod:`first_pass`)."""
        self.open = len(LIVE_STATUSES)
        """Status listings with pages still to come."""
        self.calls: dict[str, Call] = {}
        self.signatures: dict[str, Signature] = {}
        self.fresh: dict[str, None] = {}  # ordered set: SIDs whose Call was (re)built
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
        prev_calls: Mapping[str, Call],
    ) -> None:
        """Fold one piece of a page into the pass, building Calls only for new or changed records.

        ``prev_sigs``/``prev_calls`` are the last complete listing's. The common case (a
        well-formed record seen once per pass) is a handful of dict operations; odd records and
        calls listed under two statuses take a slower path.
        """
        calls, sigs, fresh = self.calls, self.signatures, self.fresh
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
                if sid in sigs:
                    if not _later(sig, sigs[sid]):
                        continue  # listed under two statuses mid-pass: keep the later state
                    fresh.pop(sid, None)
                previous_sig = prev_sigs.get(sid)
                if previous_sig == sig:
                    # Keep the last pass's tuple: this one (and the strings it holds) dies here
                    # with its record, a few at a time. Carrying fresh tuples for every call made
                    # the commit free the whole previous set at once, ~500k objects at 50k calls
                    # (40 ms in one callback).
                    sigs[sid] = previous_sig
                    calls[sid] = prev_calls[sid]
                else:
                    sigs[sid] = sig
                    calls[sid] = call_from_json(record)  # type: ignore[arg-type]
                    fresh[sid] = None


def _later(new: Signature, old: Signature) -> bool:
    """True when ``new`` is further along the call lifecycle than ``old`` (status is sig[0])."""
    return _STATUS_RANK.get(str(new[0]), -1) > _STATUS_RANK.get(str(old[0]), -1)
