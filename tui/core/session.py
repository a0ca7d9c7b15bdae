"""The back end as one unit: what the UI gets once a connection is open.

The UI never builds SDK clients, pollers or audit logs itself; it receives a :class:`Backend`
from :func:`open_backend` (or from a factory the CLI wraps around it, e.g. one that first starts
the embedded simulator) and talks to it through plain data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from tui.core.actions import ActionService
from tui.core.audit import AuditLog
from tui.core.config import Settings, audit_log_path
from tui.core.credentials import Credentials
from tui.core.models import PollEvent
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess


@dataclass(frozen=True, slots=True)
class Backend:
    """An open connection to one account: the poller to run and the actions to take."""

    credentials: Credentials
    access: TwilioAccess
    poller: LiveCallPoller
    actions: ActionService
    audit: AuditLog


PollListener = Callable[[PollEvent], None]
BackendFactory = Callable[[PollListener], AbstractAsyncContextManager[Backend]]
"""What the UI is given: call it with the poll listener, enter it, and run ``backend.poller``."""


@asynccontextmanager
async def open_backend(
    credentials: Credentials,
    settings: Settings,
    on_event: PollListener,
    *,
    read_only: bool = False,
) -> AsyncIterator[Backend]:
    """Open the shared SDK client and wire poller, actions and audit log to it.

    Closing the context closes the HTTP session; the caller owns running and cancelling the
    poller.
    """
    audit = AuditLog(audit_log_path())
    async with TwilioAccess(credentials, timeout_s=settings.request_timeout_s) as access:
        poller = LiveCallPoller(access, on_event=on_event, interval_s=settings.poll_interval_s)
        actions = ActionService(access, audit, operator=settings.operator, read_only=read_only)
        yield Backend(credentials, access, poller, actions, audit)


def backend_factory(
    credentials: Credentials, settings: Settings, *, read_only: bool = False
) -> BackendFactory:
    """A :data:`BackendFactory` for a real (or externally run, Twilio-compatible) account."""

    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return open_backend(credentials, settings, on_event, read_only=read_only)

    return factory
