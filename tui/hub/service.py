"""The ``callboard hub`` process: one REST poller for the account, mirrored into JetStream.

It runs until SIGINT/SIGTERM: the :class:`~tui.core.poller.LiveCallPoller` (which backs off and
recovers from Twilio's faults by itself) and its :class:`~tui.hub.mirror.CallMirror` (which waits
out NATS outages and reconciles after them); the :class:`~tui.core.floor.source.FloorSource`
(queues and rooms, within the ``[floor]`` request budget) and its
:class:`~tui.hub.floor_mirror.FloorMirror`; and subscriptions to consoles' "refresh now"
requests and floor interests (:mod:`tui.hub.floor_interest`: the rooms open in their views are
fetched first). It holds the account's credentials only to *read*: it never acts on a call;
consoles send their actions with their own credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket

from nats.aio.msg import Msg

from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.errors import ConfigError
from tui.core.floor.source import FloorSource
from tui.core.models import PollEvent
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess
from tui.hub import floor_layout, layout
from tui.hub.floor_interest import FloorInterests
from tui.hub.floor_mirror import FloorMirror
from tui.hub.link import HubLink
from tui.hub.mirror import CallMirror
from tui.hub.push import PushServer, StatusPush

_log = logging.getLogger(__name__)

_STOP_TIMEOUT_S = 5.0


def hub_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class HubService:
    """One account's hub; :meth:`run` until :meth:`stop` (or a signal, see :func:`serve`)."""

    def __init__(
        self,
        credentials: Credentials,
        settings: Settings,
        nats_url: str,
        *,
        webhook: tuple[str, int, str] | None = None,
    ) -> None:
        """``webhook`` = (host, port, public URL) serves Twilio's status callbacks (optional)."""
        if webhook is not None and credentials.username != credentials.account_sid:
            raise ConfigError(
                "the status-callback webhook needs the account's auth token (Twilio signs "
                "callbacks with it), not an API key."
            )
        self.webhook = webhook
        self.push: PushServer | None = None
        self.credentials = credentials
        self.settings = settings
        self.nats_url = nats_url
        self.name = hub_name()
        self.link = HubLink(nats_url, name=f"callboard-hub {self.name}")
        self._stop = asyncio.Event()
        self.poller: LiveCallPoller | None = None
        self.mirror: CallMirror | None = None
        self.floor: FloorSource | None = None
        self.floor_mirror = FloorMirror(self.link, credentials.account_sid, hub_name=self.name)
        self.interests = FloorInterests()
        self.ready = asyncio.Event()
        """Set once the first pass has been written to the bucket (tests wait on it)."""

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        account = self.credentials.account_sid
        _log.info("hub %s for %s on %s starting", self.name, account, self.link.shown_url)
        async with TwilioAccess(
            self.credentials, timeout_s=self.settings.request_timeout_s
        ) as access:
            mirror: CallMirror | None = None

            def on_event(event: PollEvent) -> None:
                if mirror is not None:
                    mirror.on_event(event)

            poller = LiveCallPoller(
                access, on_event=on_event, interval_s=self.settings.poll_interval_s
            )
            mirror = CallMirror(
                self.link,
                account,
                lambda: poller.calls,
                interval_s=lambda: poller.interval_s,
                hub_name=self.name,
                on_synced=self.ready.set,
            )
            self.poller, self.mirror = poller, mirror
            floor = FloorSource(
                access,
                on_snapshot=self.floor_mirror.on_snapshot,
                request_budget=self.settings.floor.request_budget,
                interval_s=self.settings.floor.poll_interval_s,
            )
            self.floor = floor
            if self.webhook is not None:
                host, port, public_url = self.webhook
                push = StatusPush(
                    self.credentials.password.reveal(), public_url, apply=mirror.pushed
                )
                self.push = PushServer(push, host, port)
                await self.push.start()
                _log.info("status callbacks on %s:%d for %s", host, self.push.port, public_url)
            tasks = [
                asyncio.create_task(poller.run(), name="hub poller"),
                asyncio.create_task(mirror.run(), name="hub mirror"),
                asyncio.create_task(floor.run(), name="hub floor"),
                asyncio.create_task(self.floor_mirror.run(), name="hub floor mirror"),
                asyncio.create_task(self._requests(poller, floor), name="hub requests"),
            ]
            try:
                await self._stop.wait()
            finally:
                _log.info("hub %s stopping", self.name)
                for task in tasks:
                    task.cancel()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.gather(*tasks, return_exceptions=True), _STOP_TIMEOUT_S
                    )
                if self.push is not None:
                    await self.push.stop()
                await self.link.close()
                _log.info("hub %s stopped", self.name)

    async def _requests(self, poller: LiveCallPoller, floor: FloorSource) -> None:
        """Consoles' "refresh now" and floor interests (core NATS). nats-py re-subscribes after
        its own reconnects; a client the link replaced (see :class:`HubLink`) is subscribed
        afresh. Interests not repeated run out here, once a second."""
        account = self.credentials.account_sid
        subscribed: object = None
        interests = self.interests

        async def refresh(_msg: object) -> None:
            poller.poll_now()

        def rewatch() -> None:
            floor.watch(interests.calls, interests.rooms)

        async def interest(msg: Msg) -> None:
            changed, now = interests.take(msg.data)
            if changed:
                rewatch()
            if now:
                floor.poll_now()

        while True:
            if interests.prune():
                rewatch()
            if not await self.link.wait_connected(2.0):
                continue
            client = self.link.client
            if client is not None and client is not subscribed:
                try:
                    await client.subscribe(layout.poll_subject(account), cb=refresh)
                    await client.subscribe(floor_layout.floor_subject(account), cb=interest)
                    subscribed = client
                except Exception as exc:
                    _log.info("console requests not subscribed yet: %s", exc)
            await asyncio.sleep(1.0)


async def serve(service: HubService) -> None:
    """Run ``service`` until SIGINT or SIGTERM, then shut down cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, service.stop)
    try:
        await service.run()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
