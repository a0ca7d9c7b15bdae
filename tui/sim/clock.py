"""Where the simulator's time comes from.

Every state change in the engine is stamped with the clock's ``now()``. The default
:class:`RealClock` follows wall time, so a demo looks alive; a :class:`ManualClock` stands still
until the engine moves it (``await engine.advance(seconds)``), so tests can place a call exactly
ten seconds into its ``<Say>`` without sleeping.
"""

from __future__ import annotations

import time
from typing import Final, Protocol, runtime_checkable

DEFAULT_MANUAL_START: Final = 1_772_442_000.0
"""Mon, 02 Mar 2026 09:00:00 +0000: a fixed Monday morning, so manual runs are reproducible."""


@runtime_checkable
class Clock(Protocol):
    """Anything that can say what time it is, in seconds since the Unix epoch (UTC)."""

    def now(self) -> float: ...


class RealClock:
    """Wall-clock time. The engine catches up lazily on each request and from a light ticker."""

    manual: Final = False

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to.

    Only the engine moves it (``await engine.advance(seconds)`` or ``await sim.advance(seconds)``),
    stepping from one due event to the next so that each state change carries the exact time at
    which it was due. Time never goes backwards.
    """

    manual: Final = True

    def __init__(self, start: float = DEFAULT_MANUAL_START) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def set_time(self, when: float) -> None:
        """Move to ``when`` (ignored if it lies in the past)."""
        if when > self._now:
            self._now = float(when)


def is_manual(clock: Clock) -> bool:
    """Whether ``clock`` only moves when the engine advances it."""
    return bool(getattr(clock, "manual", False))
