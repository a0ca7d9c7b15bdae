"""TwiML on the floor: ``<Dial><Conference>`` with its attributes, ``<Enqueue>`` (named queue,
waitUrl, action), ``<Dial><Queue>``; and Twilio's rules for leaving rooms and queues."""

from __future__ import annotations

from twilio.rest import Client

from tests.sim.conftest import TwimlApp
from tui.sim import EmbeddedSimulator


async def answered(sim: EmbeddedSimulator, twiml: str, from_: str = "+14155550100") -> str:
    sid = sim.engine.create_inbound(from_=from_, to="+18889371204", twiml=twiml).sid
    await sim.advance(1)
    return sid


def conference(name: str, **attrs: str) -> str:
    written = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<Response><Dial><Conference{written}>{name}</Conference></Dial></Response>"


async def status_of(client: Client, sid: str) -> str | None:
    return (await client.calls(sid).fetch_async()).status


async def test_conference_waits_in_init_until_a_starter_joins(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    wait = twiml_app.serve("/wait", "<Response><Play>music.mp3</Play></Response>")
    caller = await answered(
        sim, conference("sales-1", startConferenceOnEnter="false", waitUrl=wait, muted="true")
    )
    (room,) = await client.conferences.list_async(friendly_name="sales-1")
    assert room.status == "init"
    assert twiml_app.hits_to("/wait")[0].params["CallSid"] == caller
    (p,) = await client.conferences(room.sid).participants.list_async()
    assert p.muted is True and p.start_conference_on_enter is False
    agent = await answered(sim, conference("sales-1", endConferenceOnExit="true", beep="false"))
    assert (await client.conferences(room.sid).fetch_async()).status == "in-progress"
    people = await client.conferences(room.sid).participants.list_async()
    assert [x.call_sid for x in people] == [caller, agent]
    assert people[1].end_conference_on_exit is True
    sim.engine.hang_up(agent)
    await sim.advance(1)
    ended = await client.conferences(room.sid).fetch_async()
    assert ended.status == "completed" and ended.call_sid_ending_conference == agent
    assert ended.reason_conference_ended == "participant-with-end-conference-on-exit-left"
    assert await status_of(client, caller) == "completed"  # nothing after its <Dial>


async def test_a_call_given_new_twiml_leaves_the_room_and_the_last_one_out_ends_it(
    sim: EmbeddedSimulator, client: Client
) -> None:
    first = await answered(sim, conference("r"))
    second = await answered(sim, conference("r"), from_="+14155550101")
    (room,) = await client.conferences.list_async(status="in-progress")
    await client.calls(first).update_async(twiml='<Response><Pause length="60"/></Response>')
    (left,) = await client.conferences(room.sid).participants.list_async()
    assert left.call_sid == second
    assert await status_of(client, first) == "in-progress"
    await client.calls(second).update_async(status="completed")
    ended = await client.conferences(room.sid).fetch_async()
    assert ended.status == "completed" and ended.reason_conference_ended == "last-participant-left"
    assert await client.conferences(room.sid).participants.list_async() == []


async def test_after_the_room_the_dial_action_runs(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    after = twiml_app.serve("/after", "<Response><Say>Thanks, goodbye.</Say></Response>")
    caller = await answered(
        sim, f'<Response><Dial action="{after}"><Conference>x</Conference></Dial></Response>'
    )
    (room,) = await client.conferences.list_async(friendly_name="x")
    await client.conferences(room.sid).participants(caller).delete_async()
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/after")
    assert hit.params["DialCallStatus"] == "completed" and hit.params["CallSid"] == caller
    assert (await client.conferences(room.sid).fetch_async()).reason_conference_ended == (
        "last-participant-kicked"
    )
    assert await status_of(client, caller) == "in-progress"
    await sim.advance(10)
    assert await status_of(client, caller) == "completed"


async def test_coach_attribute_whispers_to_a_participant_in_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    agent = await answered(sim, conference("c"))
    await answered(sim, conference("c"), from_="+14155550101")
    coach = await answered(sim, conference("c", coach=agent), from_="+14155550102")
    (room,) = await client.conferences.list_async(friendly_name="c")
    p = await client.conferences(room.sid).participants(coach).fetch_async()
    assert p.coaching is True and p.call_sid_to_coach == agent
    stranger = await answered(sim, conference("c", coach="CA" + "0" * 32), from_="+1415555010")
    notes = await client.calls(stranger).notifications.list_async()
    assert [n.error_code for n in notes] == ["13240"]
    assert len(await client.conferences(room.sid).participants.list_async()) == 3


async def test_enqueue_named_queue_wait_url_and_action_on_dequeue(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    wait = twiml_app.serve("/hold", "<Response><Play>hold.mp3</Play></Response>")
    action = twiml_app.serve("/left", "<Response><Hangup/></Response>")
    caller = await answered(
        sim, f'<Response><Enqueue waitUrl="{wait}" action="{action}">Billing</Enqueue></Response>'
    )
    (queue,) = await client.queues.list_async()
    assert queue.friendly_name == "Billing" and queue.current_size == 1
    (hold,) = twiml_app.hits_to("/hold")
    assert hold.params["QueueSid"] == queue.sid and hold.params["QueuePosition"] == "1"
    agent = await answered(sim, "<Response><Dial><Queue>Billing</Queue></Dial></Response>")
    assert (await client.queues(queue.sid).fetch_async()).current_size == 0
    assert await status_of(client, caller) == "in-progress"
    await client.calls(agent).update_async(status="completed")
    await sim.advance(0)
    (left,) = twiml_app.hits_to("/left")
    assert left.params["QueueResult"] == "bridged" and left.params["CallSid"] == caller
    await sim.advance(1)
    assert await status_of(client, caller) == "completed"


async def test_dial_queue_waits_for_a_caller_and_a_hangup_in_the_queue_is_reported(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    action = twiml_app.serve("/result", "<Response/>")
    agent = await answered(sim, "<Response><Dial><Queue>Sales</Queue></Dial></Response>")
    caller = await answered(
        sim, f'<Response><Enqueue action="{action}">Sales</Enqueue></Response>', "+14155550102"
    )
    (queue,) = await client.queues.list_async()
    assert queue.current_size == 0  # bridged to the waiting agent at once
    sim.engine.hang_up(caller)
    await sim.advance(1)
    assert await status_of(client, agent) == "completed"
    lone = await answered(
        sim, f'<Response><Enqueue action="{action}">Sales</Enqueue></Response>', "+14155550103"
    )
    assert (await client.queues(queue.sid).fetch_async()).current_size == 1
    sim.engine.hang_up(lone)
    await sim.advance(0)
    assert (await client.queues(queue.sid).fetch_async()).current_size == 0
    results = [h.params["QueueResult"] for h in twiml_app.hits_to("/result")]
    assert results == ["hangup"]


async def test_a_full_queue_sends_the_caller_on_with_queue_full(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    action = twiml_app.serve("/full", "<Response><Hangup/></Response>")
    queue = await client.queues.create_async(friendly_name="Tiny", max_size=1)
    twiml = f'<Response><Enqueue action="{action}">Tiny</Enqueue></Response>'
    await answered(sim, twiml)
    await answered(sim, twiml, "+14155550104")
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/full")
    assert hit.params["QueueResult"] == "queue-full" and hit.params["QueueSid"] == queue.sid


async def test_conference_status_callbacks_tell_the_room_history(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    events = twiml_app.serve("/events", "")
    customer = await answered(
        sim,
        conference(
            "h", statusCallback=events, statusCallbackEvent="start end join leave hold mute",
            endConferenceOnExit="true",
        ),
    )  # fmt: skip
    agent = await answered(sim, conference("h"), from_="+14155550101")
    (room,) = await client.conferences.list_async(friendly_name="h")
    people = client.conferences(room.sid).participants
    await people(agent).update_async(muted=True)
    await people(customer).update_async(hold=True)
    await client.calls(customer).update_async(status="completed")
    await sim.advance(0)
    hits = sorted(twiml_app.hits_to("/events"), key=lambda h: int(h.params["SequenceNumber"]))
    seen = [(h.params["StatusCallbackEvent"], h.params.get("CallSid")) for h in hits]
    assert seen == [
        ("participant-join", customer),
        ("conference-start", None),
        ("participant-join", agent),
        ("participant-mute", agent),
        ("participant-hold", customer),
        ("participant-leave", customer),
        ("participant-leave", agent),
        ("conference-end", None),
    ]
    assert [int(h.params["SequenceNumber"]) for h in hits] == list(range(1, 9))
    assert hits[5].params["ReasonParticipantLeft"] == "participant_hung_up"
    assert hits[6].params["ReasonParticipantLeft"] == "conference_ended"
    assert hits[7].params["ReasonConferenceEnded"] == (
        "participant-with-end-conference-on-exit-left"
    )
    assert hits[7].params["CallSidEndingConference"] == customer


async def test_max_participants_turns_the_next_caller_away(
    sim: EmbeddedSimulator, client: Client
) -> None:
    await answered(sim, conference("pair", maxParticipants="2"))
    await answered(sim, conference("pair"), from_="+14155550101")
    third = await answered(sim, conference("pair"), from_="+14155550102")
    (room,) = await client.conferences.list_async(friendly_name="pair")
    assert len(await client.conferences(room.sid).participants.list_async()) == 2
    assert await status_of(client, third) == "completed"  # nothing after its <Dial>
