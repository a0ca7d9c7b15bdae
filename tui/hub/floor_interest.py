"""What consoles look at, told to the hub so its floor budget is spent there first.

Each console on a hub publishes its interest on ``callboard.floor.{AC}`` (core NATS, see
:mod:`tui.hub.floor_layout`): the rooms open in its views and the calls on its screen, at once
when they change and every :data:`REFRESH_S` while it runs. The hub keeps each console's last
interest for :data:`TTL_S` and hands the union to its :class:`~tui.core.floor.source.FloorSource`
(``watch``), so a room any supervisor has open is fetched before rooms nobody looks at, as it is
for a console that polls Twilio itself.

Messages are untrusted: anything but well-formed SIDs is dropped, each list is bounded, a
message over :data:`MAX_MESSAGE_BYTES` is ignored, at most :data:`MAX_CONSOLES` consoles are
remembered, and a "pass now" is honoured at most once per :data:`NOW_GAP_S`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from tui.hub.floor_layout import is_call_sid, is_conference_sid

REFRESH_S: Final = 3.0
TTL_S: Final = 10.0
MAX_ROOMS: Final = 16
"""Rooms one console may ask for (each open room costs 2 + legs requests of the budget)."""
MAX_CALLS: Final = 200
MAX_CONSOLES: Final = 1_000
MAX_MESSAGE_BYTES: Final = 16 * 1024
NOW_GAP_S: Final = 1.0

_CONSOLE: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")


@dataclass(frozen=True, slots=True)
class Interest:
    """One console's view of the floor."""

    console: str
    rooms: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    now: bool = False

    def encode(self) -> bytes:
        record = {
            "console": self.console,
            "rooms": list(self.rooms),
            "calls": list(self.calls),
            "now": self.now,
        }
        return json.dumps(record, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, data: bytes) -> Interest | None:
        if len(data) > MAX_MESSAGE_BYTES:
            return None
        try:
            record = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(record, dict):
            return None
        console = record.get("console")
        if not isinstance(console, str) or not _CONSOLE.fullmatch(console):
            return None
        return cls(
            console,
            rooms=_sids(record.get("rooms"), is_conference_sid, MAX_ROOMS),
            calls=_sids(record.get("calls"), is_call_sid, MAX_CALLS),
            now=record.get("now") is True,
        )


def interest_of(
    console: str, visible_calls: Iterable[str], open_rooms: Iterable[str], *, now: bool = False
) -> Interest:
    """A console's interest as it goes on the wire (only SIDs, bounded, in a stable order)."""
    return Interest(
        console,
        rooms=_sids(list(open_rooms), is_conference_sid, MAX_ROOMS),
        calls=_sids(list(visible_calls), is_call_sid, MAX_CALLS),
        now=now,
    )


def _sids(value: object, valid: Callable[[object], bool], limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(sorted({item for item in value[: limit * 4] if valid(item)}))[:limit]


class FloorInterests:
    """The hub's side: every console's last interest, expired after :data:`TTL_S`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._by_console: dict[str, tuple[float, Interest]] = {}
        self._last_now = float("-inf")
        self.rooms: frozenset[str] = frozenset()
        """Rooms open in any console's view."""
        self.calls: frozenset[str] = frozenset()
        """Calls on any console's screen."""

    def take(self, data: bytes) -> tuple[bool, bool]:
        """Read one message: (the union changed, a pass should start now)."""
        interest = Interest.decode(data)
        if interest is None:
            return False, False
        now = self._clock()
        known = self._by_console
        if interest.console not in known and len(known) >= MAX_CONSOLES:
            del known[min(known, key=lambda console: known[console][0])]
        opened = set(interest.rooms) - self.rooms
        known[interest.console] = (now, interest)
        changed = self._recompute()
        wanted = interest.now or bool(opened)
        if wanted and now - self._last_now >= NOW_GAP_S:
            self._last_now = now
            return changed, True
        return changed, False

    def prune(self) -> bool:
        """Forget consoles not heard from for :data:`TTL_S`; True if the union changed."""
        horizon = self._clock() - TTL_S
        stale = [console for console, (at, _) in self._by_console.items() if at < horizon]
        for console in stale:
            del self._by_console[console]
        return bool(stale) and self._recompute()

    def _recompute(self) -> bool:
        interests = [interest for _, interest in self._by_console.values()]
        rooms = frozenset(room for interest in interests for room in interest.rooms)
        calls = frozenset(call for interest in interests for call in interest.calls)
        changed = rooms != self.rooms or calls != self.calls
        self.rooms, self.calls = rooms, calls
        return changed
