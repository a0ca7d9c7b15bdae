"""Twilio's rules for participants through the SDK: hold with music, mute, whisper and barge,
end-on-exit, announcements, and the refusals (16022, 16027, 16028)."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sim.conftest import TwimlApp
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene

SUPERVISOR = "client:supervisor.ana"


async def expect_error(awaitable: object, status: int, code: int) -> None:
    with pytest.raises(TwilioRestException) as info:
        await awaitable  # type: ignore[misc]
    assert (info.value.status, info.value.code) == (status, code), info.value.msg


async def test_hold_fetches_the_hold_url_and_resume_clears_it(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    music = twiml_app.serve("/music", "<Response><Play>jazz.mp3</Play></Response>")
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    customer = client.conferences(room.conference_sid).participants(room.customer_call_sid)
    held = await customer.update_async(hold=True, hold_url=music)
    assert held.hold is True
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/music")
    assert hit.method == "GET" and hit.url.startswith(music)  # HoldMethod defaults to GET
    assert (await customer.update_async(hold=False)).hold is False
    muted = await customer.update_async(muted=True)
    assert muted.muted is True and (await customer.fetch_async()).muted is True
    assert (await customer.update_async(muted="maybe")).muted is False


async def test_whisper_refusals_16028_not_in_room_and_16027_on_hold(
    sim: EmbeddedSimulator, client: Client
) -> None:
    first, second = build_floor_scene(sim, queues={}, rooms=2, held=1).rooms
    people = client.conferences(second.conference_sid).participants
    sup = await people.create_async(from_="+18889371204", to=SUPERVISOR, muted=True, beep="false")
    await sim.advance(10)
    leg = people(sup.call_sid)
    # the agent of another room is not in this one
    await expect_error(
        leg.update_async(coaching=True, call_sid_to_coach=first.agent_call_sid), 400, 16028
    )
    await expect_error(
        people.create_async(
            from_="+18889371204", to=SUPERVISOR, coaching=True,
            call_sid_to_coach=first.agent_call_sid,
        ), 400, 16028,
    )  # fmt: skip
    held_room = client.conferences(first.conference_sid).participants
    await expect_error(
        held_room.create_async(
            from_="+18889371204", to=SUPERVISOR, coaching=True,
            call_sid_to_coach=first.customer_call_sid,
        ), 400, 16027,
    )  # fmt: skip
    ok = await leg.update_async(coaching=True, call_sid_to_coach=second.agent_call_sid)
    assert ok.coaching is True
    await people(second.agent_call_sid).update_async(hold=True)
    await expect_error(
        leg.update_async(coaching=True, call_sid_to_coach=second.agent_call_sid), 400, 16027
    )


async def test_kicking_the_end_on_exit_agent_ends_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    people = client.conferences(room.conference_sid).participants
    await people(room.agent_call_sid).delete_async()
    conf = await client.conferences(room.conference_sid).fetch_async()
    assert conf.status == "completed"
    assert conf.reason_conference_ended == "participant-with-end-conference-on-exit-kicked"
    assert conf.call_sid_ending_conference == room.agent_call_sid
    await expect_error(people(room.customer_call_sid).fetch_async(), 404, 20404)


async def test_warm_transfer_keeps_the_room_when_the_agent_leaves(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    people = client.conferences(room.conference_sid).participants
    await people(room.agent_call_sid).update_async(end_conference_on_exit=False)
    third = await people.create_async(
        from_="+18889371204", to="+14155550177", early_media=True, end_conference_on_exit=False
    )
    await sim.advance(10)
    await people(room.agent_call_sid).delete_async()
    left = [p.call_sid for p in await people.list_async()]
    assert left == [room.customer_call_sid, third.call_sid]
    assert (await client.conferences(room.conference_sid).fetch_async()).status == "in-progress"


async def test_announce_url_is_requested_for_the_room(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    announce = twiml_app.serve("/announce", "<Response><Say>Closing soon.</Say></Response>")
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    conf = await client.conferences(room.conference_sid).update_async(announce_url=announce)
    assert conf.status == "in-progress"
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/announce")
    assert hit.method == "POST" and hit.params["ConferenceSid"] == room.conference_sid


async def test_a_redirected_customer_leaves_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    await client.calls(room.customer_call_sid).update_async(
        twiml="<Response><Say>Transferring you now.</Say></Response>"
    )
    people = await client.conferences(room.conference_sid).participants.list_async()
    assert [p.call_sid for p in people] == [room.agent_call_sid]
    assert (await client.calls(room.customer_call_sid).fetch_async()).status == "in-progress"
