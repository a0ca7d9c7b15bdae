"""Where the floor comes from: the :class:`FloorFeed` protocol the UI consumes.

Two implementations exist, as for calls (:mod:`tui.core.sources`):
:class:`tui.core.floor.source.FloorSource` polls Twilio's REST API itself, and the hub's floor
watcher in :mod:`tui.hub.floor_watcher` follows a ``callboard hub`` through NATS JetStream. The
composition root (:func:`tui.core.session.open_backend`) chooses one; the floor controller and
the floor screens only see this protocol, so a console on a hub shows the same queues, rooms and
"Floor data may be stale" notes as one that polls Twilio.

A feed reports each view by calling :attr:`FloorFeed.on_snapshot` on the loop that runs
:meth:`FloorFeed.run`. A view that could not be refreshed is the last one with ``error`` set
(a sentence saying why); ``stats`` stays ``None`` until a first complete view exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from tui.core.floor.models import FloorSnapshot


@runtime_checkable
class FloorFeed(Protocol):
    """What the UI needs from wherever the floor (queues, rooms, participants) comes from."""

    on_snapshot: Callable[[FloorSnapshot], None] | None
    """Set once by the UI: called with every view (exceptions are logged and ignored)."""

    @property
    def snapshot(self) -> FloorSnapshot:
        """The last view reported (empty before the first)."""
        ...

    def watch(
        self,
        visible_calls: Iterable[str] = (),
        open_rooms: Iterable[str] = (),
        *,
        hidden_calls: Iterable[str] = (),
    ) -> None:
        """What is on screen: calls shown, rooms open in a view (fetched first), and legs left
        out of agent labels (the supervisor's own). Replaces the last call."""
        ...

    def room_of(self, call_sid: str) -> str | None:
        """The room a call was last seen in, if any."""
        ...

    def poll_now(self) -> None:
        """Ask for a fresh view soon (a hub feed passes the request on to the hub)."""
        ...

    async def run(self) -> None:
        """Report views until cancelled; never raises anything but ``CancelledError``."""
        ...


__all__ = ["FloorFeed"]
