"""A console's back end on a hub: calls and floor from the buckets, actions sent to Twilio directly.

The CLI (the composition root) calls :func:`hub_backend_factory` instead of
:func:`tui.core.session.backend_factory` when given ``--hub``; the UI gets the same
:class:`~tui.core.session.Backend` either way. The supervisor's own credentials open the SDK
client for actions, and choose the account's buckets: the hub only ever feeds the view. Call
actions and floor actions ask the same claims first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.models import PollEvent
from tui.core.session import Backend, BackendFactory, Coordination, PollListener, open_backend
from tui.core.twilio_client import TwilioAccess
from tui.hub.coordination import NatsAuditMirror, NatsClaims, NatsPresence, console_id
from tui.hub.floor_watcher import HubFloorSource
from tui.hub.link import HubLink
from tui.hub.watcher import HubCallSource

_COMPANION_STOP_S = 3.0


class ConsoleHubSource(HubCallSource):
    """The hub watcher, plus the presence and audit tasks that live as long as it runs."""

    def __init__(
        self,
        link: HubLink,
        account_sid: str,
        *,
        on_event: Callable[[PollEvent], object],
        companions: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
    ) -> None:
        super().__init__(link, account_sid, on_event=on_event)
        self._companions = companions

    async def run(self) -> None:
        tasks = [asyncio.create_task(run()) for run in self._companions]
        try:
            await super().run()
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*tasks, return_exceptions=True), _COMPANION_STOP_S
                )


def hub_coordination(link: HubLink, account_sid: str, operator: str) -> Coordination:
    """Sources, claims, presence and audit copy for one console on ``link``."""
    console = console_id(operator)
    presence = NatsPresence(link, account_sid, operator=operator, console=console)
    audit = NatsAuditMirror(link, account_sid)

    def source(_access: TwilioAccess, on_event: PollListener) -> ConsoleHubSource:
        return ConsoleHubSource(
            link, account_sid, on_event=on_event, companions=(presence.run, audit.run)
        )

    def floor(_access: TwilioAccess) -> HubFloorSource:
        return HubFloorSource(link, account_sid, console=console)

    return Coordination(
        source_factory=source,
        floor_factory=floor,
        claims=NatsClaims(link, account_sid, operator=operator, console=console),
        presence=presence,
        audit_mirror=audit,
    )


@asynccontextmanager
async def open_hub_backend(
    credentials: Credentials,
    settings: Settings,
    on_event: PollListener,
    nats_url: str,
    *,
    read_only: bool = False,
) -> AsyncIterator[Backend]:
    link = HubLink(nats_url, name=f"callboard console {console_id(settings.operator)}")
    coordination = hub_coordination(link, credentials.account_sid, settings.operator)
    try:
        async with open_backend(
            credentials, settings, on_event, read_only=read_only, coordination=coordination
        ) as backend:
            yield backend
    finally:
        await link.close()


def hub_backend_factory(
    credentials: Credentials, settings: Settings, nats_url: str, *, read_only: bool = False
) -> BackendFactory:
    def factory(on_event: PollListener) -> AbstractAsyncContextManager[Backend]:
        return open_hub_backend(credentials, settings, on_event, nats_url, read_only=read_only)

    return factory
