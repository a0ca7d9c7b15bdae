"""The back end as one unit: what the UI gets once a connection is open.

The UI never builds SDK clients, pollers or audit logs itself; it receives a :class:`Backend`
from :func:`open_backend` (or from a factory the CLI wraps around it, e.g. one that first starts
the embedded simulator) and talks to it through plain data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from tui.core.actions import ActionService
from tui.core.audit import AuditLog
from tui.core.config import Settings, audit_log_path
from tui.core.coordination import ActionClaims, AuditMirror, Presence
from tui.core.credentials import Credentials
from tui.core.floor.actions import FloorActions
from tui.core.floor.feed import FloorFeed
from tui.core.floor.source import FloorSource
from tui.core.models import PollEvent, PollProgress
from tui.core.poller import LiveCallPoller
from tui.core.sources import CallSource
from tui.core.twilio_client import TwilioAccess


@dataclass(frozen=True, slots=True)
class Backend:
    """An open connection to one account: the call source to run and the actions to take.

    ``source`` is the Twilio poller or the hub watcher (the UI does not know which);
    ``presence`` is set only on a hub (who else is on a call).
    """

    credentials: Credentials
    access: TwilioAccess
    source: CallSource
    actions: ActionService
    audit: AuditLog
    presence: Presence | None = None
    floor: FloorFeed | None = None
    """Queues and rooms (the app runs it beside the call source): the REST floor source or the
    hub's floor watcher; ``None`` where there is none."""
    floor_actions: FloorActions | None = None

    @property
    def poller(self) -> CallSource:
        """The call source under its older name."""
        return self.source


PollListener = Callable[[PollEvent | PollProgress], Awaitable[object] | None]
"""Poll news for the UI; a :class:`PollProgress` comes only from the REST poller's first pass."""
SourceFactory = Callable[[TwilioAccess, PollListener], CallSource]
"""Builds the call source once the SDK client is open (default: the REST poller)."""
FloorFactory = Callable[[TwilioAccess], FloorFeed]
"""Builds the floor feed once the SDK client is open (default: the REST floor source)."""


@dataclass(frozen=True, slots=True)
class Coordination:
    """What a hub adds to a console: the sources, claims, presence and the audit copy.

    ``claims`` are asked before call actions and before floor actions alike.
    """

    source_factory: SourceFactory
    claims: ActionClaims | None = None
    floor_factory: FloorFactory | None = None
    presence: Presence | None = None
    audit_mirror: AuditMirror | None = None


BackendFactory = Callable[[PollListener], AbstractAsyncContextManager[Backend]]
"""What the UI is given: call it with the poll listener, enter it, and run ``backend.poller``."""


@asynccontextmanager
async def open_backend(
    credentials: Credentials,
    settings: Settings,
    on_event: PollListener,
    *,
    read_only: bool = False,
    coordination: Coordination | None = None,
) -> AsyncIterator[Backend]:
    """Open the shared SDK client and wire call source, actions and audit log to it.

    Without ``coordination`` the sources are the REST poller and floor source; with it (a hub),
    the sources, claims, presence and audit copy come from there. Actions always go to Twilio
    from here, with these credentials. Closing the context closes the HTTP session; the caller
    owns running and cancelling the sources.
    """
    hub = coordination
    read_only = read_only or credentials.read_only
    audit = AuditLog(audit_log_path(), mirror=hub.audit_mirror if hub else None)
    async with TwilioAccess(credentials, timeout_s=settings.request_timeout_s) as access:
        source: CallSource
        if hub is None:
            source = LiveCallPoller(
                access,
                on_event=on_event,
                interval_s=settings.poll_interval_s,
                limits=settings.limits,
                on_progress=on_event,
            )
        else:
            source = hub.source_factory(access, on_event)
        actions = ActionService(
            access,
            audit,
            operator=settings.operator,
            read_only=read_only,
            claims=hub.claims if hub else None,
        )
        floor: FloorFeed
        if hub is not None and hub.floor_factory is not None:
            floor = hub.floor_factory(access)
        else:
            floor = FloorSource(
                access,
                request_budget=settings.floor.request_budget,
                interval_s=settings.floor.poll_interval_s,
            )
        floor_actions = FloorActions(
            access,
            audit,
            operator=settings.operator,
            supervisor=settings.floor.supervisor,
            read_only=read_only,
            claims=hub.claims if hub else None,
        )
        yield Backend(
            credentials,
            access,
            source,
            actions,
            audit,
            hub.presence if hub else None,
            floor,
            floor_actions,
        )


def backend_factory(
    credentials: Credentials, settings: Settings, *, read_only: bool = False
) -> BackendFactory:
    """A :data:`BackendFactory` for a real (or externally run, Twilio-compatible) account."""

    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return open_backend(credentials, settings, on_event, read_only=read_only)

    return factory
