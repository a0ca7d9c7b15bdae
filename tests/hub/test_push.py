"""Optional push: signed status callbacks reach consoles before the next poll; forged ones are
refused, repeats and late arrivals change nothing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from tests.conftest import live_sids
from tests.hub.conftest import FIXTURE_TIMEOUT_S, Console, eventually, is_fresh
from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.hub.embedded import EmbeddedNats, free_port
from tui.hub.service import HubService
from tui.sim import EmbeddedSimulator
from tui.sim.webhooks import compute_signature

SLOW = Settings(poll_interval_s=60.0, request_timeout_s=5.0, operator="hub-test")


@pytest.fixture
async def pushing_hub(
    credentials: Credentials, nats_server: EmbeddedNats
) -> AsyncIterator[HubService]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/twilio/status"
    service = HubService(credentials, SLOW, nats_server.url, webhook=("127.0.0.1", port, url))
    task = asyncio.create_task(service.run())
    await asyncio.wait_for(service.ready.wait(), FIXTURE_TIMEOUT_S)
    yield service
    service.stop()
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(task, FIXTURE_TIMEOUT_S)


async def _post(url: str, params: dict[str, str], signature: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=params, headers={"X-Twilio-Signature": signature}) as response,
    ):
        return response.status


async def test_status_callbacks_push_changes_between_polls(
    sim: EmbeddedSimulator, pushing_hub: HubService, open_console: Callable[[], Console]
) -> None:
    console = open_console()
    await eventually(lambda: is_fresh(console) and len(console.source.calls) > 0, "a view")
    assert pushing_hub.push is not None
    url = pushing_hub.push.push.public_url
    ended = sorted(live_sids(sim))[0]
    params = {"CallSid": ended, "CallStatus": "completed", "SequenceNumber": "3"}
    good = compute_signature(sim.auth_token, url, params)
    assert await _post(url, params, "forged") == 403
    assert await _post(url, params, good) == 204
    # Well before the next poll (60 s), every console has dropped the call.
    await eventually(lambda: ended not in console.source.calls, "the pushed hang-up", 10)
    assert await _post(url, params, good) == 204  # Twilio's at-least-once repeat
    late = {"CallSid": ended, "CallStatus": "ringing", "SequenceNumber": "1"}
    assert await _post(url, late, compute_signature(sim.auth_token, url, late)) == 204
    await asyncio.sleep(0.5)
    assert ended not in console.source.calls
    push = pushing_hub.push.push
    assert (push.accepted, push.duplicates, push.stale, push.refused) == (1, 1, 1, 1)
