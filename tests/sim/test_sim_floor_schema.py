"""Every floor answer has exactly the spec's fields, with the spec's types and enum values.

The schema properties are a copy of the OpenAPI spec's (``fixtures/floor_schema.json``), so the
test never reads outside the repository.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import aiohttp
from twilio.rest import Client

from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "floor_schema.json").read_text())
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "number": (int, float),
    "object": (dict,),
}


def check(resource: str, payload: dict[str, Any]) -> None:
    props = SCHEMA[resource]
    assert set(payload) == set(props), (resource, set(payload) ^ set(props))
    for name, spec in props.items():
        value = payload[name]
        if value is None:
            assert spec["nullable"], f"{resource}.{name} is null but not nullable"
            continue
        if spec.get("enum"):
            assert value in spec["enum"], f"{resource}.{name}={value!r}"
        if spec["type"] is not None:
            expected = TYPES[spec["type"]]
            assert isinstance(value, expected), f"{resource}.{name}={value!r} not {spec['type']}"
            if spec["type"] == "integer":
                assert not isinstance(value, bool)


async def get(sim: EmbeddedSimulator, path: str) -> dict[str, Any]:
    auth = base64.b64encode(f"{sim.account_sid}:{sim.auth_token}".encode()).decode()
    url = f"{sim.base_url}/2010-04-01/Accounts/{sim.account_sid}/{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers={"Authorization": f"Basic {auth}"}) as response,
    ):
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


def check_list(operation: str, key: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    envelope = SCHEMA["lists"][operation]
    assert set(body) == set(envelope), set(body) ^ set(envelope)
    items: list[dict[str, Any]] = body[key]
    assert items
    return items


async def test_every_floor_resource_matches_the_spec(
    sim: EmbeddedSimulator, client: Client
) -> None:
    scene = build_floor_scene(
        sim, queues={"Support": 2}, rooms=2, held=1, recorded=1, call_recorded=1
    )
    room = scene.rooms[0]
    cf = room.conference_sid
    await client.conferences(scene.rooms[1].conference_sid).update_async(status="completed")
    await client.conferences(cf).participants.create_async(from_="+18889371204", to="client:sup")
    await (
        client.calls(room.customer_call_sid)
        .recordings(room.call_recording_sid)
        .update_async(status="paused", pause_behavior="skip")
    )
    for item in check_list("ListConference", "conferences", await get(sim, "Conferences.json")):
        check("conference", item)
    participants = await get(sim, f"Conferences/{cf}/Participants.json")
    for item in check_list("ListParticipant", "participants", participants):
        check("participant", item)
    queues = await get(sim, "Queues.json")
    for item in check_list("ListQueue", "queues", queues):
        check("queue", item)
    qu = scene.queues["Support"].sid
    for item in check_list(
        "ListMember", "queue_members", await get(sim, f"Queues/{qu}/Members.json")
    ):
        check("member", item)
    calls = await get(sim, f"Calls/{room.customer_call_sid}/Recordings.json")
    for item in check_list("ListCallRecording", "recordings", calls):
        check("call_recording", item)
    rooms = await get(sim, f"Conferences/{cf}/Recordings.json")
    for item in check_list("ListConferenceRecording", "recordings", rooms):
        check("conference_recording", item)
    check("conference", await get(sim, f"Conferences/{cf}.json"))
    check(
        "participant", await get(sim, f"Conferences/{cf}/Participants/{room.agent_call_sid}.json")
    )
    check("queue", await get(sim, f"Queues/{qu}.json"))
    check("member", await get(sim, f"Queues/{qu}/Members/Front.json"))
    check(
        "call_recording",
        await get(sim, f"Calls/{room.customer_call_sid}/Recordings/Twilio.CURRENT.json"),
    )
    # completed recordings carry a duration and a price of the spec's type
    sim.engine.hang_up(room.customer_call_sid)
    await client.conferences(cf).update_async(status="completed")
    await sim.advance(5)
    done = await get(
        sim, f"Calls/{room.customer_call_sid}/Recordings/{room.call_recording_sid}.json"
    )
    assert done["status"] == "completed" and done["duration"] is not None
    check("call_recording", done)
    room_rec = await get(sim, f"Conferences/{cf}/Recordings/{room.recording_sid}.json")
    assert room_rec["status"] == "completed"
    check("conference_recording", room_rec)
