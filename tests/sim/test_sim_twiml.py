"""The call engine: TwiML verbs, updates that change what a call does next, signed webhooks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.sim.conftest import TwimlApp
from tui.sim import EmbeddedSimulator
from tui.sim.twiml_parser import TwimlParseError, parse_twiml

LONG = '<Response><Pause length="600"/></Response>'


async def answered_call(sim: EmbeddedSimulator, twiml: str = LONG, **kwargs: Any) -> str:
    """An inbound call, answered (its first verb running) once this returns."""
    sid = sim.engine.create_inbound(
        from_="+14155550100", to="+18889371204", twiml=twiml, **kwargs
    ).sid
    await sim.advance(1)
    return sid


async def status_of(client: Client, sid: str) -> str | None:
    return (await client.calls(sid).fetch_async()).status


# ------------------------------------------------------------------------------ verbs


async def test_say_lasts_by_word_count_then_the_call_completes(
    sim: EmbeddedSimulator, client: Client
) -> None:
    words = " ".join(["word"] * 50)  # about 20 seconds at 150 words a minute
    sid = await answered_call(sim, f"<Response><Say>{words}</Say></Response>")
    await sim.advance(15)
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(10)
    call = await client.calls(sid).fetch_async()
    assert call.status == "completed"
    assert 20 <= int(call.duration or 0) <= 23


async def test_play_loop_and_pause_add_up(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await answered_call(
        sim,
        '<Response><Play loop="3">https://e.com/hold.mp3</Play><Pause length="2"/></Response>',
    )
    await sim.advance(18.5)  # 3 x 6 s clip + 2 s pause = 20 s after the answer
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(1.5)
    assert await status_of(client, sid) == "completed"


async def test_gather_times_out_and_goes_on(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await answered_call(
        sim, '<Response><Gather timeout="5"><Pause length="3"/></Gather><Hangup/></Response>'
    )
    await sim.advance(7.5)
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(1)
    call = await client.calls(sid).fetch_async()
    assert call.status == "completed" and call.duration == "9"


async def test_gather_with_digits_posts_them_to_its_action(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    action = twiml_app.serve("/menu", "<Response><Hangup/></Response>")
    sid = await answered_call(sim, f'<Response><Gather action="{action}" timeout="10"/></Response>')
    assert sim.engine.send_digits(sid, "2")
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/menu")
    assert hit.params["Digits"] == "2" and hit.params["CallSid"] == sid
    assert await status_of(client, sid) == "completed"


async def test_hangup_and_reject(sim: EmbeddedSimulator, client: Client) -> None:
    hung = await answered_call(sim, "<Response><Hangup/></Response>")
    assert await status_of(client, hung) == "completed"
    busy = await answered_call(sim, '<Response><Reject reason="busy"/></Response>')
    rejected = await answered_call(sim, "<Response><Reject/></Response>")
    assert await status_of(client, busy) == "busy"
    call = await client.calls(rejected).fetch_async()
    assert call.status == "no-answer" and call.duration is None


async def test_dial_creates_a_child_leg_answered_after_ringing(
    sim: EmbeddedSimulator, client: Client
) -> None:
    parent = await answered_call(
        sim,
        '<Response><Dial callerId="+18889371204">+14155550199</Dial><Say>Bye now</Say></Response>',
    )
    (child,) = await client.calls.list_async(parent_call_sid=parent)
    assert child.direction == "outbound-dial" and child.to == "+14155550199"
    assert child._from == "+18889371204" and child.status in ("queued", "ringing")
    await sim.advance(7)
    child = await client.calls(child.sid).fetch_async()
    assert child.status == "in-progress" and child.start_time is not None
    # Hanging up the agent's leg lets the parent go on to its next verb (<Say>), then end.
    await client.calls(child.sid).update_async(status="completed")
    assert await status_of(client, parent) == "in-progress"
    await sim.advance(3)
    assert await status_of(client, parent) == "completed"


async def test_dial_unanswered_within_timeout_is_no_answer(
    sim: EmbeddedSimulator, client: Client
) -> None:
    parent = await answered_call(sim, '<Response><Dial timeout="1">+14155550199</Dial></Response>')
    await sim.advance(2)
    (child,) = await client.calls.list_async(parent_call_sid=parent)
    assert child.status == "no-answer"
    assert await status_of(client, parent) == "completed"


async def test_enqueue_waits_until_an_agent_dials_the_queue_then_bridges(
    sim: EmbeddedSimulator, client: Client
) -> None:
    sid = await answered_call(sim, "<Response><Enqueue>support</Enqueue></Response>")
    await sim.advance(900)  # nobody takes the caller: they wait, as on Twilio
    (queue,) = await client.queues.list_async()
    assert queue.friendly_name == "support" and queue.current_size == 1
    assert await status_of(client, sid) == "in-progress"
    agent = await answered_call(sim, "<Response><Dial><Queue>support</Queue></Dial></Response>")
    assert (await client.queues(queue.sid).fetch_async()).current_size == 0
    sim.engine.hang_up(agent)
    await sim.advance(1)
    assert await status_of(client, sid) == "completed"


async def test_time_limit_ends_the_call(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await answered_call(sim)
    await client.calls(sid).update_async(time_limit=30)
    await sim.advance(29)
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(2)
    call = await client.calls(sid).fetch_async()
    assert call.status == "completed" and int(call.duration or 0) == pytest.approx(31, abs=1)


# ------------------------------------------------------------------------------ updates


async def test_update_twiml_replaces_the_current_verb_at_once(
    sim: EmbeddedSimulator, client: Client
) -> None:
    sid = await answered_call(sim)
    await client.calls(sid).update_async(twiml="<Response><Say>One two three</Say></Response>")
    await sim.advance(1)
    assert await status_of(client, sid) == "in-progress"  # now saying three words
    await sim.advance(1.5)
    assert await status_of(client, sid) == "completed"  # the 600 s pause is gone
    hung = await answered_call(sim)
    await client.calls(hung).update_async(twiml="<Response><Hangup/></Response>")
    assert await status_of(client, hung) == "completed"


async def test_update_url_fetches_signed_twiml_and_runs_it(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    url = twiml_app.serve("/next", "<Response><Say>Transferring</Say><Hangup/></Response>")
    sid = await answered_call(sim, caller_name="SMITH JOHN")
    await client.calls(sid).update_async(url=url)
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/next")
    assert hit.method == "POST"
    params = hit.params
    assert params["CallSid"] == sid and params["AccountSid"] == sim.account_sid
    assert params["From"] == "+14155550100" and params["To"] == "+18889371204"
    assert params["CallStatus"] == "in-progress" and params["Direction"] == "inbound"
    assert params["ApiVersion"] == "2010-04-01" and params["CallerName"] == "SMITH JOHN"
    assert params["FromCity"] == "SAN FRANCISCO" and params["FromState"] == "CA"
    assert hit.signature is not None
    assert RequestValidator(sim.auth_token).validate(hit.url, params, hit.signature)
    assert not RequestValidator("wrong" * 6).validate(hit.url, params, hit.signature)
    await sim.advance(0.5)
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(2)
    assert await status_of(client, sid) == "completed"


async def test_update_url_with_get_signs_the_query(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    url = twiml_app.serve("/get-me", "<Response><Hangup/></Response>") + "?campaign=7"
    sid = await answered_call(sim)
    await client.calls(sid).update_async(url=url, method="GET")
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/get-me")
    assert hit.method == "GET" and "campaign=7" in hit.url and f"CallSid={sid}" in hit.url
    assert hit.signature is not None
    assert RequestValidator(sim.auth_token).validate(hit.url, {}, hit.signature)
    assert await status_of(client, sid) == "completed"


async def test_redirect_verb_resolves_relative_urls(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    first = twiml_app.serve("/flow/start", "<Response><Redirect>step2</Redirect></Response>")
    twiml_app.serve("/flow/step2", '<Response><Pause length="30"/></Response>')
    sid = await answered_call(sim)
    await client.calls(sid).update_async(url=first)
    await sim.advance(0)
    assert [hit.path for hit in twiml_app.hits] == ["/flow/start", "/flow/step2"]
    await sim.advance(25)
    assert await status_of(client, sid) == "in-progress"
    await sim.advance(10)
    assert await status_of(client, sid) == "completed"


async def test_fallback_url_is_used_when_the_url_fails(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    broken = twiml_app.serve("/broken", "oops", status=500)
    fallback = twiml_app.serve("/fallback", '<Response><Pause length="40"/></Response>')
    sid = await answered_call(sim)
    await client.calls(sid).update_async(url=broken, fallback_url=fallback)
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/fallback")
    assert hit.params["ErrorCode"] == "11200" and hit.params["ErrorUrl"] == broken
    await sim.advance(30)
    assert await status_of(client, sid) == "in-progress"  # running the fallback's 40 s pause
    notes = await client.calls(sid).notifications.list_async()
    assert [n.error_code for n in notes] == ["11200"]


async def test_twiml_that_does_not_parse_logs_12100_and_ends_the_call(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    url = twiml_app.serve("/garbage", "<Response><Say>unclosed</Response>")
    sid = await answered_call(sim)
    await client.calls(sid).update_async(url=url)
    await sim.advance(0)
    notes = await client.calls(sid).notifications.list_async()
    assert [n.error_code for n in notes] == ["12100"]
    assert notes[0].request_url == url
    await sim.advance(1)
    assert await status_of(client, sid) == "in-progress"  # "an application error has occurred"
    await sim.advance(10)
    assert await status_of(client, sid) == "completed"


async def test_unreachable_url_is_11200(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await answered_call(sim)
    await client.calls(sid).update_async(url="http://127.0.0.1:9/nothing-listens-here")
    await sim.advance(15)
    notes = await client.calls(sid).notifications.list_async()
    assert [n.error_code for n in notes] == ["11200"]
    assert await status_of(client, sid) == "completed"


async def test_create_with_url_fetches_on_answer_and_posts_status_callbacks(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    url = twiml_app.serve("/answer", "<Response><Say>Hi</Say></Response>")
    callback = twiml_app.url("/status")
    call = await client.calls.create_async(
        to="+14155550123",
        from_="+18889371204",
        url=url,
        status_callback=callback,
        status_callback_event=["initiated", "ringing", "answered", "completed"],
        machine_detection="Enable",
    )
    await sim.advance(0)
    await sim.advance(20)
    assert [hit.path for hit in twiml_app.hits].count("/answer") == 1
    events = twiml_app.hits_to("/status")
    assert [hit.params["CallStatus"] for hit in events] == [
        "queued", "ringing", "in-progress", "completed",
    ]  # fmt: skip
    assert [hit.params["SequenceNumber"] for hit in events] == ["0", "1", "2", "3"]
    last = events[-1].params
    assert last["CallbackSource"] == "call-progress-events"
    assert last["CallDuration"] == (await client.calls(call.sid).fetch_async()).duration
    validator = RequestValidator(sim.auth_token)
    assert all(validator.validate(h.url, h.params, h.signature) for h in events)
    fetched = await client.calls(call.sid).fetch_async()
    assert fetched.answered_by in ("human", "machine_start")


async def test_update_status_completed_posts_the_completed_callback(
    sim: EmbeddedSimulator, client: Client, twiml_app: TwimlApp
) -> None:
    sid = await answered_call(sim)
    await client.calls(sid).update_async(status_callback=twiml_app.url("/cb"))
    await client.calls(sid).update_async(status="completed")
    await sim.advance(0)
    (hit,) = twiml_app.hits_to("/cb")
    assert hit.params["CallStatus"] == "completed" and hit.params["CallSid"] == sid


# ------------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<Response><Say>&lol2;</Say></Response>",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<Response><Say>&x;</Say></Response>",
        "<Speak>not twiml</Speak>",
        "",
        "<Response>" + "<Say>x</Say>" * 10_000 + "</Response>",
    ],
)
def test_hostile_or_invalid_twiml_is_refused_quickly(document: str) -> None:
    started = time.perf_counter()
    with pytest.raises(TwimlParseError) as info:
        parse_twiml(document)
    assert info.value.code in (12100, 11750)
    assert time.perf_counter() - started < 0.5
