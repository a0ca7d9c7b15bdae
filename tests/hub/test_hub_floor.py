"""The hub polls the floor once for everyone: consoles read queues and rooms from the bucket.

The hub runs on the account's API key and the consoles on the auth token, so the simulator's
request log tells whose request each one was (``floor_gets``).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.hub.conftest import FloorConsole, RunningHub, eventually, floor_gets
from tui.core.floor.models import FloorSnapshot
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene

WAIT_S = 30.0


def _fresh(snapshot: FloorSnapshot) -> bool:
    return snapshot.stats is not None and snapshot.error is None


def _live_rooms(console: FloorConsole) -> set[str]:
    return {conference.sid for conference in console.last.conferences}


def _passes(console: FloorConsole) -> dict[float, int]:
    """Each hub pass the console saw (by its time) and what it cost the hub in requests."""
    return {s.at: s.stats.requests for s in console.snapshots if s.stats and s.error is None}


async def test_consoles_see_queues_and_rooms_without_asking_twilio_and_ended_rooms_leave(
    sim: EmbeddedSimulator,
    access: TwilioAccess,
    floor_hub: RunningHub,
    open_floor_console: Callable[[], FloorConsole],
) -> None:
    scene = build_floor_scene(sim, queues={"Escalations": 2}, rooms=2)
    support = scene.queues["Escalations"]
    ending, staying = scene.rooms
    consoles = [open_floor_console(), open_floor_console()]
    for console in consoles:

        def sees_all(c: FloorConsole = console) -> bool:
            snapshot = c.last
            queue = next((q for q in snapshot.queues if q.queue.sid == support.sid), None)
            return (
                _fresh(snapshot)
                and queue is not None
                and tuple(m.call_sid for m in queue.members) == support.member_call_sids
                and all(room.conference_sid in snapshot.rooms for room in scene.rooms)
            )

        await eventually(sees_all, "the queue and both rooms", WAIT_S)
        snapshot = console.last
        view = snapshot.rooms[ending.conference_sid]
        assert {p.call_sid for p in view.participants} == {
            ending.agent_call_sid,
            ending.customer_call_sid,
        }
        placement = snapshot.placements[ending.customer_call_sid]
        assert placement.conference_sid == ending.conference_sid
        assert placement.room_name == ending.friendly_name
        assert snapshot.placements[support.member_call_sids[1]].position == 2
        assert console.floor.room_of(ending.agent_call_sid) == ending.conference_sid

    await access.client.conferences(ending.conference_sid).update_async(status="completed")
    for console in consoles:

        def ended(c: FloorConsole = console) -> bool:
            return ending.conference_sid not in _live_rooms(c) and _fresh(c.last)

        await eventually(ended, "the ended room to leave the console", WAIT_S)
        snapshot = console.last
        assert ending.conference_sid not in snapshot.rooms
        assert ending.customer_call_sid not in snapshot.placements
        assert console.floor.room_of(ending.agent_call_sid) is None
        assert staying.conference_sid in snapshot.rooms
    assert floor_gets(sim, "token") == []  # the consoles never asked Twilio for the floor
    assert floor_gets(sim, "api_key")  # the hub did


async def test_the_hubs_floor_requests_do_not_grow_with_the_number_of_consoles(
    sim: EmbeddedSimulator,
    floor_hub: RunningHub,
    open_floor_console: Callable[[], FloorConsole],
) -> None:
    build_floor_scene(sim, queues={"Escalations": 2}, rooms=3)
    first = open_floor_console()
    await eventually(lambda: len(_passes(first)) >= 4, "four passes with one console", WAIT_S)
    alone = _passes(first)
    others = [open_floor_console() for _ in range(4)]
    await eventually(
        lambda: all(_fresh(console.last) for console in others), "every console's view", WAIT_S
    )
    seen = set(_passes(first))
    await eventually(
        lambda: len(set(_passes(first)) - seen) >= 4, "four passes with five consoles", WAIT_S
    )
    crowded = {at: n for at, n in _passes(first).items() if at not in seen}
    # Every pass: 2 listings (queues, rooms) + 1 per queue with callers + 3 rooms' participants.
    assert max(crowded.values()) <= max(alone.values())
    assert floor_gets(sim, "token") == []


async def test_a_room_open_in_a_console_is_what_the_hub_looks_into_first(
    sim: EmbeddedSimulator,
    floor_hub: RunningHub,
    open_floor_console: Callable[[], FloorConsole],
) -> None:
    opened, other = build_floor_scene(sim, queues={}, rooms=2).rooms
    console = open_floor_console()
    await eventually(lambda: len(_passes(console)) >= 2, "two passes", WAIT_S)

    def recordings_asked(room: str) -> int:
        path = f"/Conferences/{room}/Recordings.json"
        return sum(1 for r in floor_gets(sim, "api_key") if r.path.endswith(path))

    # Nobody looks at a room: the hub lists participants only, never a room's recordings.
    assert recordings_asked(opened.conference_sid) == recordings_asked(other.conference_sid) == 0
    console.floor.watch(open_rooms=[opened.conference_sid, "not-a-sid"])
    await eventually(
        lambda: recordings_asked(opened.conference_sid) > 0,
        "the hub to look into the room open in the console's view",
        WAIT_S,
    )
    assert floor_hub.service is not None
    assert floor_hub.service.interests.rooms == {opened.conference_sid}
    assert recordings_asked(other.conference_sid) == 0
    assert floor_gets(sim, "token") == []


async def test_a_quiet_hub_makes_the_floor_stale_until_it_is_back(
    sim: EmbeddedSimulator,
    floor_hub: RunningHub,
    open_floor_console: Callable[[], FloorConsole],
) -> None:
    scene = build_floor_scene(sim, queues={"Escalations": 1}, rooms=1)
    (room,) = scene.rooms
    console = open_floor_console()
    await eventually(
        lambda: _fresh(console.last) and room.conference_sid in console.last.rooms,
        "a first view",
        WAIT_S,
    )
    await floor_hub.kill()
    await eventually(
        lambda: "has not reported the floor" in (console.last.error or ""),
        "the floor to go stale",
        WAIT_S,
    )
    assert room.conference_sid in console.last.rooms  # the last view stays, marked stale
    await floor_hub.start()
    await eventually(lambda: _fresh(console.last), "the floor to recover", WAIT_S)
