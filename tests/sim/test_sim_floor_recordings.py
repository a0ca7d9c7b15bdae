"""Call and Conference Recordings through the SDK: start, pause (skip / silence), resume, stop,
``Twilio.CURRENT``, TwiML-started recordings, completion with duration, bounded memory."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene
from tui.sim.recordings import RETENTION

CURRENT = "Twilio.CURRENT"


async def expect_error(awaitable: object, status: int, code: int) -> None:
    with pytest.raises(TwilioRestException) as info:
        await awaitable  # type: ignore[misc]
    assert (info.value.status, info.value.code) == (status, code), info.value.msg


async def test_call_recording_pause_skip_resume_stop_and_duration(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    recordings = client.calls(room.customer_call_sid).recordings
    rec = await recordings.create_async(recording_channels="dual")
    assert rec.status == "in-progress" and rec.source == "StartCallRecordingAPI"
    assert rec.channels == 2 and rec.call_sid == room.customer_call_sid
    await sim.advance(10)
    paused = await recordings(CURRENT).update_async(status="paused", pause_behavior="skip")
    assert paused.sid == rec.sid and paused.status == "paused"
    await sim.advance(30)  # skipped: not in the recording
    resumed = await recordings(CURRENT).update_async(status="in-progress")
    assert resumed.status == "in-progress"
    await sim.advance(5)
    stopped = await recordings(rec.sid).update_async(status="stopped")
    assert stopped.status == "stopped" and stopped.duration == "15"
    await expect_error(recordings(CURRENT).fetch_async(), 404, 20404)
    await expect_error(recordings(rec.sid).update_async(status="in-progress"), 400, 21220)
    await sim.advance(5)
    (done,) = await recordings.list_async()
    assert done.status == "completed" and done.price is not None


async def test_silence_pause_counts_and_hangup_completes(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    recordings = client.calls(room.agent_call_sid).recordings
    rec = await recordings.create_async()
    await recordings(rec.sid).update_async(status="paused")  # PauseBehavior silence
    await sim.advance(20)
    sim.engine.hang_up(room.agent_call_sid)
    await sim.advance(0)
    processing = await recordings(rec.sid).fetch_async()
    assert processing.status == "processing" and processing.duration == "20"
    await sim.advance(5)
    assert (await recordings(rec.sid).fetch_async()).status == "completed"
    ended = await client.calls(room.agent_call_sid).fetch_async()
    assert ended.status == "completed"
    await expect_error(recordings.create_async(), 400, 21220)


async def test_conference_recording_from_twiml_pauses_through_the_room(
    sim: EmbeddedSimulator, client: Client
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1, recorded=1).rooms
    recordings = client.conferences(room.conference_sid).recordings
    (rec,) = await recordings.list_async()
    assert rec.sid == room.recording_sid and rec.source == "Conference"
    assert rec.conference_sid == room.conference_sid and rec.status == "in-progress"
    paused = await recordings(CURRENT).update_async(status="paused")
    assert paused.status == "paused"
    assert (await recordings(CURRENT).update_async(status="in-progress")).status == "in-progress"
    await client.conferences(room.conference_sid).update_async(status="completed")
    await sim.advance(5)
    done = await recordings(rec.sid).fetch_async()
    assert done.status == "completed" and int(done.duration) >= 90


async def test_dial_record_attribute_records_the_dialling_call(
    sim: EmbeddedSimulator, client: Client
) -> None:
    twiml = '<Response><Dial record="record-from-answer-dual">+14155550188</Dial></Response>'
    sid = sim.engine.create_inbound(from_="+14155550100", to="+18889371204", twiml=twiml).sid
    await sim.advance(1)
    (rec,) = await client.calls(sid).recordings.list_async()
    assert rec.source == "DialVerb" and rec.channels == 2


async def test_finished_recordings_are_bounded(sim: EmbeddedSimulator) -> None:
    build_floor_scene(sim, queues={}, rooms=1)
    recordings = sim.engine.floor.recordings
    (call,) = [c for c in sim.engine if c.to.startswith("client:")]
    from tui.sim.floor_params import CreateRecordingRequest

    for _ in range(RETENTION + 50):
        rec = recordings.start_call(call, CreateRecordingRequest(), sim.engine.now(), "X")
        recordings.update(rec, "stopped", None, sim.engine.now())
    assert len(recordings.by_sid) == RETENTION
    assert len(recordings.of_call[call.sid]) == RETENTION
