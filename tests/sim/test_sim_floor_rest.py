"""The floor's REST resources through the real twilio SDK: Conferences, Participants, Queues,
Members (list with filters and paging, fetch, create, update, delete)."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sim.conftest import TwimlApp
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene


async def expect_error(awaitable: object, status: int, code: int) -> None:
    with pytest.raises(TwilioRestException) as info:
        await awaitable  # type: ignore[misc]
    assert (info.value.status, info.value.code) == (status, code), info.value.msg


# ------------------------------------------------------------------------------ conferences


async def test_conferences_list_by_name_and_status_and_page_without_repeats(
    sim: EmbeddedSimulator, client: Client
) -> None:
    scene = build_floor_scene(sim, queues={}, rooms=7)
    rooms = await client.conferences.list_async(status="in-progress", page_size=3)
    assert len(rooms) == 7 and len({r.sid for r in rooms}) == 7
    assert {r.friendly_name for r in rooms} == {room.friendly_name for room in scene.rooms}
    page = await client.conferences.page_async(page_size=3)
    assert len(list(page)) == 3 and page.next_page_url is not None
    (named,) = await client.conferences.list_async(friendly_name="room-0003")
    assert named.sid == scene.rooms[2].conference_sid and named.status == "in-progress"
    assert named.region == "us1" and named.reason_conference_ended is None
    await client.conferences(named.sid).update_async(status="completed")
    assert len(await client.conferences.list_async(status="in-progress")) == 6
    (ended,) = await client.conferences.list_async(status="completed")
    assert ended.reason_conference_ended == "conference-ended-via-api"
    assert await client.conferences.list_async(friendly_name="nobody") == []


async def test_conference_fetch_and_ending_it_sends_everyone_on(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    conf = await client.conferences(room.conference_sid).fetch_async()
    assert conf.friendly_name == room.friendly_name and conf.status == "in-progress"
    assert conf.subresource_uris["participants"].endswith("/Participants.json")
    ended = await client.conferences(room.conference_sid).update_async(status="completed")
    assert ended.status == "completed"
    assert ended.reason_conference_ended == "conference-ended-via-api"
    await sim.advance(1)
    for sid in (room.agent_call_sid, room.customer_call_sid):
        assert (await client.calls(sid).fetch_async()).status == "completed"
    assert await client.conferences(room.conference_sid).participants.list_async() == []
    await expect_error(client.conferences(room.conference_sid).update_async(status="completed"),
                       400, 16022)  # fmt: skip
    await expect_error(client.conferences("CF" + "0" * 32).fetch_async(), 404, 20404)


# ------------------------------------------------------------------------------ participants


async def test_participants_list_fetch_and_filters(sim: EmbeddedSimulator, client: Client) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1, held=1).rooms
    people = client.conferences(room.conference_sid).participants
    listed = await people.list_async()
    assert [p.call_sid for p in listed] == [room.customer_call_sid, room.agent_call_sid]
    assert all(p.status == "connected" for p in listed)
    (held,) = await people.list_async(hold=True)
    assert held.call_sid == room.customer_call_sid and held.hold is True
    (agent,) = await people.list_async(hold=False)
    assert agent.end_conference_on_exit is True and agent.muted is False
    fetched = await people(room.agent_call_sid).fetch_async()
    assert fetched.conference_sid == room.conference_sid and fetched.coaching is False
    await expect_error(people("CA" + "0" * 32).fetch_async(), 404, 20404)


async def test_participant_create_dials_a_new_leg_into_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    people = client.conferences(room.conference_sid).participants
    added = await people.create_async(
        from_="+18889371204", to="client:supervisor", muted=True, beep="false",
        label="supervisor", early_media=True,
    )  # fmt: skip
    assert added.status == "queued" and added.muted is True and added.label == "supervisor"
    assert added.queue_time is not None
    leg = await client.calls(added.call_sid).fetch_async()
    assert leg.to == "client:supervisor" and leg.direction == "outbound-api"
    await sim.advance(10)
    joined = await people("supervisor").fetch_async()  # by label, as the spec allows
    assert joined.call_sid == added.call_sid and joined.status == "connected"
    assert len(await people.list_async()) == 3
    whisper = await people(added.call_sid).update_async(
        coaching=True, call_sid_to_coach=room.agent_call_sid, muted=False
    )
    assert whisper.coaching is True and whisper.call_sid_to_coach == room.agent_call_sid
    barge = await people(added.call_sid).update_async(coaching=False)
    assert barge.coaching is False and barge.call_sid_to_coach is None
    await people(added.call_sid).delete_async()
    assert len(await people.list_async()) == 2
    await sim.advance(1)
    assert (await client.calls(added.call_sid).fetch_async()).status == "completed"
    conf = await client.conferences(room.conference_sid).fetch_async()
    assert conf.status == "in-progress"


async def test_participant_create_by_friendly_name_opens_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    added = await client.conferences("task-WT123").participants.create_async(
        from_="+18889371204", to="+14155550123", label="customer"
    )
    (room,) = await client.conferences.list_async(friendly_name="task-WT123")
    assert added.conference_sid == room.sid and room.status == "init"
    await sim.advance(10)
    assert (await client.conferences(room.sid).fetch_async()).status == "in-progress"
    (joined,) = await client.conferences(room.sid).participants.list_async()
    assert joined.label == "customer" and joined.status == "connected"


async def test_participant_create_in_a_room_that_ended_is_16022(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    await client.conferences(room.conference_sid).update_async(status="completed")
    people = client.conferences(room.conference_sid).participants
    await expect_error(people.create_async(from_="+18889371204", to="client:sup"), 400, 16022)
    await expect_error(people.create_async(from_="+18889371204", to=""), 400, 16022)
    live = build_floor_scene(sim, queues={}, rooms=1, room_prefix="live").rooms[0]
    people = client.conferences(live.conference_sid).participants
    await expect_error(people.create_async(from_="+18889371204", to="nowhere"), 400, 21211)


# ------------------------------------------------------------------------------ queues


async def test_queues_create_list_fetch_update_delete(
    sim: EmbeddedSimulator, client: Client
) -> None:
    created = await client.queues.create_async(friendly_name="Escalations", max_size=50)
    assert created.sid.startswith("QU") and created.max_size == 50
    assert created.current_size == 0 and created.average_wait_time == 0
    await expect_error(client.queues.create_async(friendly_name="Escalations"), 400, 20001)
    updated = await client.queues(created.sid).update_async(friendly_name="VIP", max_size=200)
    assert (updated.friendly_name, updated.max_size) == ("VIP", 200)
    fetched = await client.queues(created.sid).fetch_async()
    assert fetched.friendly_name == "VIP"
    for name in ("A", "B", "C"):
        await client.queues.create_async(friendly_name=name)
    names = [q.friendly_name for q in await client.queues.list_async(page_size=2)]
    assert names == ["VIP", "A", "B", "C"]
    assert await client.queues(created.sid).delete_async() is True
    await expect_error(client.queues(created.sid).fetch_async(), 404, 20404)
    await expect_error(client.queues.create_async(friendly_name="X", max_size=5001), 400, 20001)


async def test_members_in_order_with_real_wait_times_and_average(
    sim: EmbeddedSimulator, client: Client
) -> None:
    scene = build_floor_scene(sim, queues={"Support": 3}, rooms=0, wait_step_s=30)
    support = scene.queues["Support"]
    queue = await client.queues(support.sid).fetch_async()
    assert queue.current_size == 3 and queue.average_wait_time == 60
    members = await client.queues(support.sid).members.list_async(page_size=2)
    assert [m.call_sid for m in members] == list(support.member_call_sids)
    assert [m.position for m in members] == [1, 2, 3]
    assert [m.wait_time for m in members] == [90, 60, 30]
    await sim.advance(10)
    front = await client.queues(support.sid).members("Front").fetch_async()
    assert front.call_sid == support.member_call_sids[0] and front.wait_time == 100
    assert (await client.queues(support.sid).fetch_async()).average_wait_time == 70


async def test_dequeue_runs_the_url_for_that_call_and_a_gone_member_is_404(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    url = twiml_app.serve("/to-agent", '<Response><Pause length="60"/></Response>')
    scene = build_floor_scene(sim, queues={"Sales": 2}, rooms=0)
    sales = scene.queues["Sales"]
    head = await client.queues(sales.sid).members("Front").update_async(url=url)
    assert head.call_sid == sales.member_call_sids[0]
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/to-agent")
    assert hit.params["CallSid"] == sales.member_call_sids[0]
    remaining = await client.queues(sales.sid).members.list_async()
    assert [m.call_sid for m in remaining] == [sales.member_call_sids[1]]
    assert remaining[0].position == 1
    gone = client.queues(sales.sid).members(sales.member_call_sids[0])
    await expect_error(gone.fetch_async(), 404, 20404)
    await expect_error(gone.update_async(url=url), 404, 20404)
    call = await client.calls(sales.member_call_sids[0]).fetch_async()
    assert call.status == "in-progress"
    await expect_error(client.queues(sales.sid).members("Front").update_async(url="nope"),
                       400, 21205)  # fmt: skip


async def test_scene_builds_a_thousand_rooms(sim: EmbeddedSimulator, client: Client) -> None:
    scene = build_floor_scene(sim, rooms=1000, held=100, muted=50, recorded=200, call_recorded=10)
    assert len(scene.rooms) == 1000 and len({r.conference_sid for r in scene.rooms}) == 1000
    floor = sim.engine.floor
    assert sum(1 for c in floor.conferences.live() if c.status == "in-progress") == 1000
    assert all(r.recording_sid for r in scene.rooms[:200]) and not scene.rooms[200].recording_sid
    page = await client.conferences.page_async(status="in-progress", page_size=1000)
    assert len(list(page)) == 1000
    queues = await client.queues.list_async()
    assert {q.friendly_name: q.current_size for q in queues} == {
        "Support": 3, "Sales": 2, "Billing": 1
    }  # fmt: skip
