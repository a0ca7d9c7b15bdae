"""Fault injection: the spec grammar, each fault as a client sees it, admin routes untouched."""

from __future__ import annotations

import asyncio
import base64
import time

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException

from tests.sim.conftest import async_client_for, close_async_client
from tui.sim import EmbeddedSimulator, FaultSpec, ManualClock


def auth_header(sim: EmbeddedSimulator) -> dict[str, str]:
    token = base64.b64encode(f"{sim.account_sid}:{sim.auth_token}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def get(sim: EmbeddedSimulator, path: str) -> tuple[int, dict[str, str], dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(sim.base_url + path, headers=auth_header(sim)) as response,
    ):
        return response.status, dict(response.headers), await response.json(content_type=None)


def calls_path(sim: EmbeddedSimulator) -> str:
    return f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json"


def test_spec_grammar_round_trips_and_explains_mistakes() -> None:
    text = (
        "latency=50ms,jitter=20ms,error_rate=0.1,rate_limit=5%,retry_after=2,drop=0.05,"
        "outage=30s@60s"
    )
    spec = FaultSpec.parse(text)
    assert spec == FaultSpec(
        latency=0.05, jitter=0.02, error_rate=0.1, rate_limit=0.05, retry_after=2.0, drop=0.05,
        outage_duration=30.0, outage_start=60.0,
    )  # fmt: skip
    assert FaultSpec.parse(spec.describe()) == spec
    assert FaultSpec.parse("outage=1m").outage_duration == 60.0
    assert FaultSpec.parse("") == FaultSpec() and not FaultSpec().active
    for bad in ("latency=fast", "error_rate=2", "drop=-1", "wobble=1", "latency", "concurrency=x"):
        with pytest.raises(ValueError):
            FaultSpec.parse(bad)


async def test_faults_are_off_by_default_and_latency_applies_to_api_only() -> None:
    async with EmbeddedSimulator(seed=2) as sim:
        status, _, _ = await get(sim, calls_path(sim))
        assert status == 200 and not sim.faults.spec.active
        sim.faults.set("latency=150ms")
        started = time.perf_counter()
        await get(sim, calls_path(sim))
        assert time.perf_counter() - started >= 0.15
        started = time.perf_counter()
        await get(sim, "/_sim/stats")
        assert time.perf_counter() - started < 0.15


async def test_errors_rate_limits_and_recovery_through_the_sdk(sim: EmbeddedSimulator) -> None:
    client = async_client_for(sim)
    try:
        sim.faults.set("error_rate=1")
        codes = set()
        for _ in range(12):
            with pytest.raises(TwilioRestException) as info:
                await client.calls("CA" + "0" * 32).fetch_async()
            codes.add((info.value.status, info.value.code))
        assert codes == {(500, 20500), (503, 20503)}
        sim.faults.set("rate_limit=1,retry_after=3")
        status, headers, body = await get(sim, calls_path(sim))
        assert (status, body["code"], headers["Retry-After"]) == (429, 20429, "3")
        sim.faults.clear()
        assert await client.calls.list_async() == []
    finally:
        await close_async_client(client)


async def test_dropped_connections_give_no_response() -> None:
    async with EmbeddedSimulator(seed=3, faults="drop=1") as sim:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await get(sim, calls_path(sim))
        assert sim.faults.injected["drop"] >= 1
        status, _, stats = await get(sim, "/_sim/stats")  # admin routes never break
        assert status == 200 and stats["faults"]["spec"] == "drop=1"  # type: ignore[index]


async def test_outage_window_follows_the_simulator_clock() -> None:
    async with EmbeddedSimulator(seed=4, clock=ManualClock(), faults="outage=30s@60s") as sim:
        assert (await get(sim, calls_path(sim)))[0] == 200
        await sim.advance(61)
        status, _, body = await get(sim, calls_path(sim))
        assert (status, body["code"]) == (503, 20503)
        await sim.advance(30)
        assert (await get(sim, calls_path(sim)))[0] == 200


async def test_faults_can_be_changed_from_another_process_through_admin_routes() -> None:
    async with EmbeddedSimulator(seed=6) as sim, aiohttp.ClientSession() as session:
        url = sim.base_url + "/_sim/faults"
        async with session.post(url, data={"spec": "rate_limit=1"}) as response:
            assert response.status == 401  # admin routes need the account's credentials
        async with session.post(url, data={"spec": "rate_limit=1"}, headers=auth_header(sim)) as r:
            assert r.status == 200 and (await r.json())["spec"] == "rate_limit=1"
        assert (await get(sim, calls_path(sim)))[0] == 429
        async with session.post(url, json={"spec": "nonsense=1"}, headers=auth_header(sim)) as r:
            assert r.status == 400
        async with session.delete(url, headers=auth_header(sim)) as r:
            assert r.status == 200
        assert (await get(sim, calls_path(sim)))[0] == 200
        async with session.post(sim.base_url + "/_sim/advance", headers=auth_header(sim)) as r:
            assert r.status == 409  # a real clock cannot be advanced


async def test_concurrency_limit_answers_429() -> None:
    async with EmbeddedSimulator(seed=7, faults="concurrency=2,latency=200ms") as sim:
        results = await asyncio.gather(*(get(sim, calls_path(sim)) for _ in range(6)))
        statuses = sorted(status for status, _, _ in results)
        assert statuses.count(200) == 2 and statuses.count(429) == 4
