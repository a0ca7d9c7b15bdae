"""Where the console's calls come from: the :class:`CallSource` protocol the UI consumes.

Two implementations exist: :class:`tui.core.poller.LiveCallPoller` (polls Twilio's REST API
itself) and the hub watcher in :mod:`tui.hub.watcher` (follows a ``callboard hub`` through NATS
JetStream). The composition root (the CLI's back-end factory) chooses one; screens and widgets
only ever see the protocol and the :data:`~tui.core.models.PollEvent` values it reports, so a
console on the hub shows the same table, the same STALE marker and the same reasons as one that
polls Twilio directly.

A source reports to the ``on_event`` callback it was built with, synchronously, on the loop that
runs :meth:`CallSource.run`:

* :class:`~tui.core.models.PollSucceeded` — a complete, fresh view; its ``diff`` brings the last
  snapshot up to date (work proportional to the change);
* :class:`~tui.core.models.PollFailed` — the view could not be refreshed; the last snapshot stays,
  the UI marks it stale with ``reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from tui.core.models import Call, PollEvent, PollFailed, PollSucceeded


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How fresh a source's view is, in the terms the status header uses.

    ``last_success_at`` is wall-clock time of the last complete view (``None`` before the first);
    ``stale_reason`` the sentence of the last failure since then (``None`` while healthy);
    ``interval_s`` the refresh interval in force; ``rate_limited`` true while Twilio answers 429;
    ``unreadable`` how many records of the last complete view could not be read in full;
    ``limit_hit`` true while passes fail for going past their bounds (``tui.core.limits``).
    """

    last_success_at: float | None = None
    stale_reason: str | None = None
    interval_s: float | None = None
    rate_limited: bool = False
    unreadable: int = 0
    limit_hit: bool = False

    def after(self, event: PollEvent) -> SourceHealth:
        """The health once ``event`` has been reported."""
        if isinstance(event, PollSucceeded):
            return SourceHealth(
                event.at, None, event.interval_s, False, unreadable=event.stats.unreadable
            )
        return SourceHealth(
            event.last_success_at,
            event.reason,
            self.interval_s,
            event.rate_limited,
            unreadable=self.unreadable,
            limit_hit=event.limit_hit,
        )


@runtime_checkable
class CallSource(Protocol):
    """What the UI needs from wherever calls come from."""

    @property
    def calls(self) -> Mapping[str, Call]:
        """The last complete snapshot, SID → Call (read-only)."""
        ...

    @property
    def interval_s(self) -> float:
        """The refresh interval in force now."""
        ...

    @property
    def last_success_at(self) -> float | None:
        """Wall-clock time of the last complete view, ``None`` before the first."""
        ...

    @property
    def health(self) -> SourceHealth:
        """Freshness in one value (last good view, stale reason, interval, rate limiting)."""
        ...

    def poll_now(self) -> None:
        """Ask for a fresh view soon (a hub source passes the request on, or ignores it)."""
        ...

    async def run(self) -> None:
        """Report views until cancelled; never raises anything but ``CancelledError``."""
        ...


__all__ = ["CallSource", "PollEvent", "PollFailed", "PollSucceeded", "SourceHealth"]
