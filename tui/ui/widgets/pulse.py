"""What the header counts and draws: callers (not legs) by status, and their recent pulse.

No Textual here. :class:`CallerCounts` follows the poll diffs (work per poll in proportion to the
diff); a call with a parent is an agent's or a transfer's *leg* of someone's call and is counted
apart, so "12 in progress" means twelve people on the line. :class:`Pulse` keeps those counts over
the last minutes in fixed buckets and draws them as a sparkline.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Final

from tui.core.models import LIVE_STATUSES, CallDiff

SPARKS: Final = "▁▂▃▄▅▆▇█"


class CallerCounts:
    """Live callers by status, and live legs, kept up to date from poll diffs."""

    def __init__(self) -> None:
        self._calls: dict[str, tuple[str, bool]] = {}
        self._callers: dict[str, int] = {}
        self.legs = 0

    def _drop(self, sid: str) -> None:
        known = self._calls.pop(sid, None)
        if known is None:
            return
        status, is_leg = known
        if is_leg:
            self.legs -= 1
        else:
            self._callers[status] -= 1

    def apply(self, diff: CallDiff) -> None:
        for sid in diff.removed:
            self._drop(sid)
        for call in (*diff.added, *diff.changed):
            self._drop(call.sid)
            is_leg = call.parent_call_sid is not None and call.parent_call_sid != call.sid
            self._calls[call.sid] = (call.status, is_leg)
            if is_leg:
                self.legs += 1
            else:
                self._callers[call.status] = self._callers.get(call.status, 0) + 1

    @property
    def callers(self) -> int:
        return len(self._calls) - self.legs

    def by_status(self) -> dict[str, int]:
        """Callers per live status (every live status present, zero included)."""
        counts = {status: self._callers.get(status, 0) for status in LIVE_STATUSES}
        counts.update((s, n) for s, n in self._callers.items() if s not in counts and n)
        return counts


def sparkline(values: Sequence[int], width: int) -> str:
    """The last ``width`` values as bars scaled to the largest; blank before the first sample."""
    shown = list(values)[-width:]
    top = max(shown, default=0)
    bars = [SPARKS[0] if top == 0 else SPARKS[round(v / top * (len(SPARKS) - 1))] for v in shown]
    return " " * (width - len(bars)) + "".join(bars)


class Pulse:
    """Caller counts by status over the last ``minutes``, one sample per ``bucket_s`` seconds."""

    def __init__(self, *, minutes: float = 10, bucket_s: float = 20) -> None:
        self.bucket_s = bucket_s
        self.size = max(1, int(minutes * 60 / bucket_s))
        self._samples: deque[tuple[int, Mapping[str, int]]] = deque(maxlen=self.size)

    def record(self, at: float, counts: Mapping[str, int]) -> None:
        """Take the counts seen at ``at`` (POSIX seconds); the last sample in a bucket wins."""
        bucket = int(at // self.bucket_s)
        if self._samples and self._samples[-1][0] == bucket:
            self._samples[-1] = (bucket, dict(counts))
            return
        if self._samples:  # carry the last counts over buckets with no poll (a slow interval)
            last_bucket, last = self._samples[-1]
            for missing in range(last_bucket + 1, min(bucket, last_bucket + self.size)):
                self._samples.append((missing, last))
        self._samples.append((bucket, dict(counts)))

    def series(self, status: str) -> list[int]:
        return [counts.get(status, 0) for _, counts in self._samples]

    def total(self) -> list[int]:
        return [sum(counts.values()) for _, counts in self._samples]

    def __len__(self) -> int:
        return len(self._samples)
