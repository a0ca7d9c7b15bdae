"""The last complete listing of live calls, and how a newer complete pass changes it.

Only a complete pass replaces the snapshot (:mod:`tui.core.poller`): a call leaves it only when a
complete pass no longer lists it. :meth:`Snapshot.replace` swaps in the pass and describes the
change in O(changes) Python steps, with the counts by status carried over and adjusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.call_parsing import Signature
from tui.core.models import LIVE_STATUSES, Call, CallDiff
from tui.core.poll_pass import PassState


@dataclass(frozen=True, slots=True)
class Change:
    """What :meth:`Snapshot.replace` found: the diff, the counts by status, unreadable calls."""

    diff: CallDiff
    counts: dict[str, int]
    unreadable: int


class Snapshot:
    """SID → Call of the last complete pass, with their signatures and counts by status."""

    __slots__ = ("_tally", "_unreadable", "calls", "signatures")

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.signatures: dict[str, Signature] = {}
        self._tally: dict[str, int] = {}
        """Calls of ``calls`` by status, kept up to date by each replacement's diff."""
        self._unreadable: frozenset[str] = frozenset()
        """SIDs of the snapshot's calls that have a field that could not be read."""

    def replace(self, state: PassState) -> Change:
        """Swap in the calls of a complete pass and describe the change.

        At 10,000 calls a scan of every previous SID plus a ``Counter`` over every call held the
        event loop for 5-15 ms at the end of each pass (40-50 ms at 50k). Only the fresh SIDs are
        visited in Python: every other call of the pass is the very object of the last snapshot,
        so removals are found by a set difference of the key views (done in C, and skipped when
        the sizes show there are none), and the counts by status are carried over from the last
        pass and adjusted by the diff.
        """
        previous = self.calls
        new = state.calls
        added: list[Call] = []
        changed: list[Call] = []
        tally = dict(self._tally)
        for sid in state.fresh:
            call = new[sid]
            old = previous.get(sid)
            if old is None:
                added.append(call)
            else:
                changed.append(call)
                _uncount(tally, old.status)
            tally[call.status] = tally.get(call.status, 0) + 1
        # Every SID of ``new`` is either in ``previous`` or added, so this is how many left.
        removed: tuple[str, ...] = ()
        if len(previous) - (len(new) - len(added)):
            removed = tuple(previous.keys() - new.keys())
            for sid in removed:
                _uncount(tally, previous[sid].status)
        unreadable = frozenset(
            [sid for sid in self._unreadable if sid in new and sid not in state.fresh]
            + [sid for sid in state.fresh if new[sid].unreadable]
        )
        self.calls = new
        self.signatures = state.signatures
        self._tally = tally
        self._unreadable = unreadable
        counts = {status: tally.get(status, 0) for status in LIVE_STATUSES}
        counts.update((status, n) for status, n in tally.items() if status not in counts)
        return Change(
            diff=CallDiff(added=tuple(added), changed=tuple(changed), removed=removed),
            counts=counts,
            unreadable=len(unreadable) + state.dropped,
        )


def _uncount(tally: dict[str, int], status: str) -> None:
    """Take one call of ``status`` off ``tally``, dropping the status when none are left."""
    left = tally[status] - 1
    if left:
        tally[status] = left
    else:
        del tally[status]
