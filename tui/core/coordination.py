"""What consoles that share a hub agree on: claims before acting, presence, one audit stream.

The core defines only the protocols; :mod:`tui.hub.coordination` implements them on NATS
JetStream and the composition root hands them to :class:`~tui.core.actions.ActionService` and
the screens. A console without a hub has none of them and behaves exactly as before.

Rules a caller may rely on:

* :meth:`ActionClaims.claim` is asked before anything is sent for a call. A refused claim means
  another console (named in the message) is acting on that call: nothing is sent, and the refusal
  is audited like any other outcome.
* A claim that cannot be asked (hub unreachable) is *granted* with a note: coordination never
  stops a supervisor from acting with their own credentials.
* The hub never acts: claims and presence are bookkeeping; the request to Twilio still leaves
  from the supervisor's console with the supervisor's credentials.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from tui.core.models import Action, ActionResult


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    """The answer to "may I act on this call now?"; ``message`` says who holds it when refused."""

    granted: bool
    message: str = ""
    note: str = ""
    """Appended to the outcome when granted without agreement (e.g. the hub is unreachable)."""


class ActionClaims(Protocol):
    """Short-lived per-call claims shared by every console of an account."""

    async def claim(self, sid: str, action: Action) -> ClaimAnswer: ...

    async def settle(self, result: ActionResult) -> None:
        """Record how the claimed action ended (the claim then runs out on its own)."""
        ...


@dataclass(frozen=True, slots=True)
class PresenceMark:
    """Another console looking at (``viewing``) or acting on (``acting``) a call."""

    operator: str
    console: str
    activity: str
    at: float


class Presence(Protocol):
    """Who else has a call open; kept fresh by the implementation, read by the screens."""

    def viewing(self, sid: str | None) -> None:
        """This console now shows ``sid`` in its detail screen (``None``: nothing)."""
        ...

    def acting(self, sid: str) -> None: ...

    def others(self, sid: str) -> tuple[PresenceMark, ...]:
        """Marks of *other* consoles on ``sid`` (never this console's own)."""
        ...

    def watched(self) -> frozenset[str]:
        """SIDs some other console is viewing or acting on now."""
        ...

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the loop) whenever :meth:`watched` may have changed."""
        ...


class AuditMirror(Protocol):
    """Copies each local audit record to the shared stream; may be called from any thread."""

    def publish(self, entry: Mapping[str, object]) -> None: ...
