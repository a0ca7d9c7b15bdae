"""The simulator's call store: every call of the account, in creation order and by status.

Split from :mod:`tui.sim.engine`: :class:`CallStore` sits between
:class:`~tui.sim.timers.TimerHeap` and the call lifecycle and holds only the bookkeeping a listing
relies on (calls oldest first, one sorted list per status, the counts) and how a visible change is
recorded (``_touch``: new ``date_updated``, cached JSON dropped, status index moved), plus
``_after``, the per-call timer every layer above schedules with. Listings read these lists
directly, so their cost is proportional to the page, never to how many calls exist.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterator
from operator import attrgetter

from tui.sim.call_record import ALL_STATUSES, CallRecord
from tui.sim.clock import Clock
from tui.sim.sids import new_sid
from tui.sim.timers import TimerHeap

_key = attrgetter("key")


class CallStore(TimerHeap):
    """Every call of one simulated account, indexed for listings; the base of the call engine."""

    def __init__(self, clock: Clock, *, account_sid: str, seed: int, ended_retention: int) -> None:
        super().__init__(clock)
        self.account_sid = account_sid
        self.ended_retention = ended_retention
        self._sid_rng = random.Random(f"sids-{seed}")
        self._calls: dict[str, CallRecord] = {}
        self._ordered: list[CallRecord] = []
        self._by_status: dict[str, list[CallRecord]] = {status: [] for status in ALL_STATUSES}
        self._ended: deque[CallRecord] = deque()
        self._seq = itertools.count()
        self.on_call_created: list[Callable[[CallRecord], None]] = []

    # ------------------------------------------------------------------------- time and timers

    def _after(
        self, call: CallRecord, due: float, action: Callable[[CallRecord, float], None]
    ) -> None:
        """Run ``action(call, due)`` at ``due`` unless the call has moved on or ended."""
        generation = call.generation

        def timer(when: float) -> None:
            if call.generation == generation and call.is_live:
                action(call, when)

        self.at(due, timer)

    # ------------------------------------------------------------------------------- the store

    def get(self, sid: str) -> CallRecord | None:
        return self._calls.get(sid)

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(list(self._calls.values()))

    def ordered(self, status: str | None = None) -> list[CallRecord]:
        """Calls oldest first (listings read it backwards); do not mutate the list."""
        return self._ordered if status is None else self._by_status[status]

    def counts(self) -> dict[str, int]:
        return {status: len(calls) for status, calls in self._by_status.items()}

    @property
    def live_count(self) -> int:
        return sum(len(self._by_status[s]) for s in ("queued", "ringing", "in-progress"))

    def _new_call(
        self,
        *,
        at: float,
        direction: str,
        from_: str,
        to: str,
        status: str,
        parent: CallRecord | None = None,
    ) -> CallRecord:
        call = CallRecord(
            sid=new_sid("CA", self._sid_rng),
            account_sid=self.account_sid,
            seq=next(self._seq),
            created_at=at,
            direction=direction,
            from_=from_,
            to=to,
            status=status,
            updated_at=at,
            parent_call_sid=parent.sid if parent else None,
        )
        call.key = (at, call.seq)
        self._calls[call.sid] = call
        if self._ordered and self._ordered[-1].key > call.key:
            insort(self._ordered, call, key=_key)
            insort(self._by_status[status], call, key=_key)
        else:
            self._ordered.append(call)
            self._by_status[status].append(call)
        for listener in self.on_call_created:
            listener(call)
        return call

    def _touch(self, call: CallRecord, at: float, old_status: str | None = None) -> None:
        """Record that a visible field changed: new ``date_updated``, cached JSON dropped."""
        call.updated_at = max(call.updated_at, at)
        call.json_cache = None
        if old_status is not None and old_status != call.status:
            _remove(self._by_status[old_status], call)
            insort(self._by_status[call.status], call, key=_key)

    def _set_status(self, call: CallRecord, status: str, at: float) -> None:
        old = call.status
        call.status = status
        self._touch(call, at, old)

    def _forget(self, call: CallRecord) -> None:
        self._calls.pop(call.sid, None)
        _remove(self._ordered, call)
        _remove(self._by_status[call.status], call)


def _remove(calls: list[CallRecord], call: CallRecord) -> None:
    index = bisect_left(calls, call.key, key=_key)
    end = bisect_right(calls, call.key, key=_key)
    for i in range(index, end):
        if calls[i] is call:
            del calls[i]
            return
