"""The REST poller is a CallSource, and its health follows its passes."""

from __future__ import annotations

from tui.core.credentials import Credentials
from tui.core.models import PollEvent
from tui.core.poller import LiveCallPoller
from tui.core.sources import CallSource
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator


async def test_poller_health_names_the_failure_then_clears(
    sim: EmbeddedSimulator, credentials: Credentials
) -> None:
    events: list[PollEvent] = []
    async with TwilioAccess(credentials, timeout_s=5.0) as access:
        poller = LiveCallPoller(access, on_event=events.append, interval_s=1.0)
        assert isinstance(poller, CallSource)
        await poller.poll_once()
        healthy = poller.health
        assert healthy.stale_reason is None and healthy.last_success_at is not None
        sim.faults.set("error_rate=1")
        await poller.poll_once()
        failing = poller.health
        assert failing.stale_reason and failing.last_success_at == healthy.last_success_at
        sim.faults.clear()
        await poller.poll_once()
        assert poller.health.stale_reason is None
