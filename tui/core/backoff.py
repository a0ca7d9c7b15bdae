"""How long the poller waits: adaptive interval, rate-limit slow-down, failure backoff.

Kept apart from the poller so the rules can be read (and tested) without any I/O.

Rules
-----
Interval in force (start of one pass to start of the next)::

    interval = max(configured, 1.2 x last pass duration, size floor) x rate-limit slow-down

* ``1.2 x duration`` keeps at least a sixth of every cycle idle, so a slow API is never polled
  back to back.
* The size floor spares big accounts: one pass costs a request per 1,000 live calls per status.
  ≤ 1,000 live calls: no floor; ≤ 5,000: 3 s; ≤ 20,000: 5 s; above: 10 s.
* The slow-down starts at 1 and doubles after each rate-limited pass (capped so the interval stays
  ≤ ``max_backoff_s``); each successful pass halves it again, so the poller speeds back up
  within a few passes.

After a failed pass (``n`` consecutive failures) the delay depends on the kind of failure:

* rate limited (429 / 20429): ``Retry-After`` when Twilio sends it (never less than the
  interval); otherwise ``uniform(interval, min(cap, interval x 2^n))`` with
  ``cap = max(max_backoff_s, interval)``: Twilio asked us to slow down, so we do, a lot;
* credentials refused (401 / 20003): the same formula — they will not fix themselves, but the
  supervisor may fix them (and ``poll_now()`` retries at once);
* anything else (timeout, 5xx, refused/dropped connection, DNS, bad JSON)::

      ceiling = min(interval, interval / 4 x 2^(n-1))      delay = uniform(ceiling / 2, ceiling)

  A blip gets a quick second try (a quarter interval), repeated failures back off with jitter to
  the interval in force and no further. Retrying at the interval costs Twilio no more than
  polling normally does, and it is what lets the console show fresh data within one interval of
  the API coming back; the jitter keeps a fleet of consoles from retrying in step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

RETRY_AFTER_MAX_S: Final = 600.0
"""A ``Retry-After`` longer than this is treated as this (a misconfigured proxy, not Twilio)."""


def size_floor_s(total_live: int) -> float:
    """Minimum interval for an account with ``total_live`` live calls (see module docstring)."""
    if total_live <= 1_000:
        return 0.0
    if total_live <= 5_000:
        return 3.0
    if total_live <= 20_000:
        return 5.0
    return 10.0


class PollSchedule:
    """The poller's timing state: interval in force, slow-down factor, consecutive failures."""

    def __init__(
        self,
        configured_s: float,
        max_backoff_s: float,
        *,
        rand: Callable[[float, float], float] = random.uniform,
    ) -> None:
        if configured_s <= 0:
            raise ValueError("the poll interval must be positive")
        self.configured_s = configured_s
        self.max_backoff_s = max_backoff_s
        self._rand = rand
        self.slowdown = 1.0
        self.failures = 0
        self.last_duration_s = 0.0
        self.total_live = 0

    @property
    def interval_s(self) -> float:
        """The interval in force now (start to start)."""
        base = max(self.configured_s, 1.2 * self.last_duration_s, size_floor_s(self.total_live))
        return base * self.slowdown

    def succeeded(self, duration_s: float, total_live: int) -> float:
        """Record a complete pass; return the delay until the next one starts."""
        self.failures = 0
        self.last_duration_s = duration_s
        self.total_live = total_live
        self.slowdown = max(1.0, self.slowdown / 2)
        return max(0.0, self.interval_s - duration_s)

    def rate_limited(self, retry_after_s: float | None) -> float:
        """Record a 429: slow the regular interval down and return the delay before a retry."""
        self.failures += 1
        base = max(self.configured_s, 1.2 * self.last_duration_s, size_floor_s(self.total_live))
        if base * self.slowdown * 2 <= max(self.max_backoff_s, base):
            self.slowdown *= 2
        interval = self.interval_s
        if retry_after_s is not None:
            return max(interval, min(retry_after_s, RETRY_AFTER_MAX_S))
        return self._backoff(max(self.max_backoff_s, interval))

    def auth_refused(self) -> float:
        self.failures += 1
        return self._backoff(max(self.max_backoff_s, self.interval_s))

    def limit_hit(self) -> float:
        """A pass went past its bounds (not a blip): back off, doubling up to the maximum.

        Never sooner than half the doubled interval, so an endless listing costs one bounded
        pass per growing wait instead of a pass every interval.
        """
        self.failures += 1
        interval = self.interval_s
        cap = max(self.max_backoff_s, interval)
        ceiling = min(cap, interval * 2.0 ** min(self.failures, 32))
        return self._rand(ceiling / 2, ceiling)

    def failed(self) -> float:
        """Record an outage-like failure; return the delay before a retry."""
        self.failures += 1
        interval = self.interval_s
        ceiling = min(interval, interval / 4 * 2.0 ** min(self.failures - 1, 32))
        return self._rand(ceiling / 2, ceiling)

    def _backoff(self, cap: float) -> float:
        interval = self.interval_s
        ceiling = min(cap, interval * 2.0 ** min(self.failures, 32))
        if ceiling <= interval:
            return interval
        return self._rand(interval, ceiling)
