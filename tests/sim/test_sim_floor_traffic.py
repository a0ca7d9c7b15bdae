"""Demo floor traffic: a busy, plausible floor from the first screen, the same for a seed."""

from __future__ import annotations

from twilio.rest import Client

from tests.sim.conftest import async_client_for, close_async_client
from tui.sim import EmbeddedSimulator, ManualClock


async def floor_picture(sim: EmbeddedSimulator) -> dict[str, object]:
    client: Client = async_client_for(sim)
    try:
        queues = {q.friendly_name: q.current_size for q in await client.queues.list_async()}
        rooms = await client.conferences.list_async(status="in-progress")
        people = {}
        for room in rooms:
            found = await client.conferences(room.sid).participants.list_async()
            people[room.friendly_name] = [(p.hold, p.muted) for p in found]
        recorded = 0
        for room in rooms:
            recorded += len(await client.conferences(room.sid).recordings.list_async())
        return {"queues": queues, "people": people, "recorded": recorded}
    finally:
        await close_async_client(client)


async def test_floor_traffic_looks_like_a_floor_and_repeats_for_a_seed() -> None:
    pictures = []
    for _ in range(2):
        async with EmbeddedSimulator(seed=7, clock=ManualClock(), floor=True) as sim:
            await sim.advance(0)
            pictures.append(await floor_picture(sim))
            floor = sim.engine.floor
            agents = {c.to for c in sim.engine if c.is_live and c.to.startswith("client:")}
            waits = [
                sim.engine.now() - m.enqueued_at
                for q in floor.queues.ordered
                for m in q.members.values()
            ]
    first, second = pictures
    assert first == second
    assert set(first["queues"]) == {"Support", "Sales", "Billing"}  # type: ignore[arg-type]
    people = first["people"]
    assert isinstance(people, dict) and len(people) >= 6
    assert all(len(legs) == 2 for legs in people.values())
    assert any(hold for legs in people.values() for hold, _ in legs)
    assert first["recorded"] >= 1
    assert sum(first["queues"].values()) >= 2  # type: ignore[union-attr]
    assert max(waits) > 120  # someone has waited long
    assert all(a.removeprefix("client:").replace(".", "").isalpha() for a in agents)
