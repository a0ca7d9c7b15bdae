"""Synthetic traffic: exact live counts, realism a supervisor notices, reproducible from a seed."""

from __future__ import annotations

import re
import statistics

from tests.sim.conftest import async_client_for, close_async_client
from tui.sim import EmbeddedSimulator, ManualClock
from tui.sim.serialize import call_json

E164 = re.compile(r"^\+(1[2-9]\d{9}|44\d{9,10})$")


async def test_live_calls_are_present_right_after_start_in_realistic_shape() -> None:
    async with EmbeddedSimulator(seed=21, live_calls=1500, clock=ManualClock()) as sim:
        counts = sim.engine.counts()
        assert counts["queued"] + counts["ringing"] + counts["in-progress"] == 1500
        assert counts["in-progress"] > 0.85 * 1500
        client = async_client_for(sim)
        try:
            calls = await client.calls.list_async(page_size=1000)
        finally:
            await close_async_client(client)
        now = sim.clock.now()
        directions = [c.direction for c in calls]
        assert directions.count("inbound") > directions.count("outbound-api") > 0
        legs = [c for c in calls if c.direction == "outbound-dial"]
        assert legs and all(c.parent_call_sid for c in legs)
        parents = {c.sid for c in calls}
        assert all(c.parent_call_sid in parents for c in legs)
        inbound = [c for c in calls if c.direction == "inbound"]
        assert all(E164.match(c._from or "") for c in inbound)
        assert any((c._from or "").startswith("+44") for c in inbound)
        named = sum(1 for c in inbound if c.caller_name)
        assert 0.15 * len(inbound) < named < 0.6 * len(inbound)
        started = [c for c in calls if c.start_time is not None]
        ages = [now - c.start_time.timestamp() for c in started]
        assert all(age >= 0 for age in ages) and 60 < statistics.median(ages) < 900
        outbound = [c for c in calls if c.direction == "outbound-api"]
        assert any(c.answered_by for c in outbound)
        engine_calls = {c.sid: c for c in sim.engine}
        for call in calls:
            record = engine_calls[call.sid]
            assert (call.answered_by is not None) == bool(
                record.machine_detection and record.answered_at is not None
            )


async def test_the_same_seed_gives_the_same_calls() -> None:
    snapshots = []
    for _ in range(2):
        async with EmbeddedSimulator(
            seed=99, live_calls=300, traffic=True, clock=ManualClock()
        ) as sim:
            await sim.advance(120)
            snapshots.append(b"".join(call_json(c) for c in sim.engine.ordered()))
    assert snapshots[0] == snapshots[1]
    async with EmbeddedSimulator(seed=100, live_calls=300, clock=ManualClock()) as other:
        assert b"".join(call_json(c) for c in other.engine.ordered()) != snapshots[0]


async def test_traffic_keeps_the_live_count_near_its_target() -> None:
    async with EmbeddedSimulator(seed=8, live_calls=800, traffic=True, clock=ManualClock()) as sim:
        samples = []
        for _ in range(12):
            await sim.advance(300)
            samples.append(sim.engine.live_count)
        assert 550 < statistics.mean(samples) < 1100
        counts = sim.engine.counts()
        assert counts["completed"] > 1000 and counts["busy"] + counts["no-answer"] > 0
        completed = [c for c in sim.engine.ordered("completed") if c.direction == "inbound"]
        talk = statistics.median(float(c.end_time - c.start_time) for c in completed)  # type: ignore[operator]
        assert 120 < talk < 600  # a few minutes, IVR and queue included


async def test_ten_thousand_live_calls_start() -> None:
    """A 10,000-call simulator starts with every call live (its start-up time is a benchmark:
    ``tests/benchmarks/bench_sim_start.py``)."""
    async with EmbeddedSimulator(seed=10, live_calls=10_000) as sim:
        assert sim.engine.live_count == 10_000
