"""Demo floor traffic: a busy, plausible floor from the first screen, the same for a seed."""

from __future__ import annotations

from typing import Any

from twilio.rest import Client

from tests.sim.conftest import async_client_for, close_async_client
from tui.sim import EmbeddedSimulator, ManualClock


async def floor_picture(sim: EmbeddedSimulator) -> dict[str, Any]:
    """What a supervisor would see through the API: queues, rooms with their legs, recordings."""
    client: Client = async_client_for(sim)
    try:
        queues = {q.friendly_name: q.current_size for q in await client.queues.list_async()}
        rooms = await client.conferences.list_async(status="in-progress")
        people = {}
        recorded = 0
        for room in rooms:
            found = await client.conferences(room.sid).participants.list_async()
            people[room.friendly_name] = [(p.hold, p.muted) for p in found]
            recorded += len(await client.conferences(room.sid).recordings.list_async())
        floor = sim.engine.floor
        longest = max(
            (sim.engine.now() - m.enqueued_at for q in floor.queues.ordered
             for m in q.members.values()), default=0.0,
        )  # fmt: skip
        return {"queues": queues, "people": people, "recorded": recorded, "longest": longest}
    finally:
        await close_async_client(client)


async def test_floor_traffic_looks_like_a_floor_and_repeats_for_a_seed() -> None:
    runs: list[list[dict[str, Any]]] = []
    for _ in range(2):
        async with EmbeddedSimulator(seed=7, clock=ManualClock(), floor=True) as sim:
            pictures = []
            for step in range(5):
                await sim.advance(0 if step == 0 else 45)
                pictures.append(await floor_picture(sim))
            agents = {c.to for c in sim.engine if c.to.startswith("client:")}
        runs.append(pictures)
    assert runs[0] == runs[1]
    pictures = runs[0]
    first = pictures[0]
    assert set(first["queues"]) == {"Support", "Sales", "Billing"}
    assert len(first["people"]) >= 6  # busy from the first screen
    for picture in pictures:
        assert all(len(legs) == 2 for legs in picture["people"].values())
    legs = [leg for p in pictures for room in p["people"].values() for leg in room]
    assert any(hold for hold, _ in legs) and any(muted for _, muted in legs)
    assert all(p["recorded"] >= 1 for p in pictures)
    assert any(sum(p["queues"].values()) >= 2 for p in pictures)
    assert max(p["longest"] for p in pictures) > 120  # someone has waited long
    assert all(a.removeprefix("client:").replace(".", "").isalpha() for a in agents)
