"""The last complete listing of live calls, and how a newer complete pass changes it.

Only a complete pass changes the snapshot (:mod:`tui.core.poller`): a call leaves it only when a
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


class SignatureMap(dict[str, Signature]):
    """SID → signature; a ``dict`` subclass so that it stays where the collector put it.

    Signatures are tuples of strings, which a full collection untracks, and with them a plain
    dict that holds only such tuples. Inserting one freshly built tuple tracks that dict again,
    and the collector tracks an object in its youngest generation: every refresh would put the
    map of every call back where young collections walk it. The collector never untracks an
    instance of a dict subclass, so this one stays in the oldest generation.
    """

    __slots__ = ()


class Snapshot:
    """SID → Call of the last complete pass, with their signatures and counts by status."""

    __slots__ = ("_tally", "_unreadable", "calls", "signatures")

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.signatures: dict[str, Signature] = SignatureMap()
        self._tally: dict[str, int] = {}
        """Calls of ``calls`` by status, kept up to date by each replacement's diff."""
        self._unreadable: frozenset[str] = frozenset()
        """SIDs of the snapshot's calls that have a field that could not be read."""

    def replace(self, state: PassState) -> Change:
        """Fold a complete pass into the snapshot and describe the change.

        At 10,000 calls a scan of every previous SID plus a ``Counter`` over every call held the
        event loop for 5-15 ms at the end of each pass (40-50 ms at 50k). Only the fresh SIDs are
        visited in Python: removals are found by a set difference of the key views (done in C,
        and skipped when the sizes show there are none), and the counts by status are carried
        over from the last pass and adjusted by the diff.

        The maps are updated in place, not replaced: they stay the long-lived objects the
        collector's young generations never walk (see :attr:`PassState.seen`). Nothing keeps an
        older version of them: readers get a live read-only view (``LiveCallPoller.calls``).
        """
        calls, signatures, seen, fresh = self.calls, self.signatures, state.seen, state.fresh
        added: list[Call] = []
        changed: list[Call] = []
        tally = dict(self._tally)
        for sid, call in fresh.items():
            old = calls.get(sid)
            if old is None:
                added.append(call)
            else:
                changed.append(call)
                _uncount(tally, old.status)
            tally[call.status] = tally.get(call.status, 0) + 1
        # Every SID of ``seen`` is either in ``calls`` or added, so this is how many left.
        removed: tuple[str, ...] = ()
        if len(calls) - (len(seen) - len(added)):
            removed = tuple(calls.keys() - seen.keys())
            for sid in removed:
                _uncount(tally, calls[sid].status)
                del calls[sid], signatures[sid]
        self._unreadable = frozenset(
            [sid for sid in self._unreadable if sid in seen and sid not in fresh]
            + [sid for sid, call in fresh.items() if call.unreadable]
        )
        calls.update(fresh)
        signatures.update(state.fresh_signatures)
        self._tally = tally
        counts = {status: tally.get(status, 0) for status in LIVE_STATUSES}
        counts.update((status, n) for status, n in tally.items() if status not in counts)
        return Change(
            diff=CallDiff(added=tuple(added), changed=tuple(changed), removed=removed),
            counts=counts,
            unreadable=len(self._unreadable) + state.dropped,
        )


def _uncount(tally: dict[str, int], status: str) -> None:
    """Take one call of ``status`` off ``tally``, dropping the status when none are left."""
    left = tally[status] - 1
    if left:
        tally[status] = left
    else:
        del tally[status]
