"""The conference view, driven with keys against the simulator: every room action and its refusals.

Each test asks the simulator (through the SDK) what the room looks like afterwards, and reads the
toast the supervisor saw; nothing here assumes an action worked because a key was pressed.
"""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.ui.conftest import AppMaker, wait_until
from tests.ui.floor_helpers import (
    DEVICE,
    HOLD_URL,
    floor_app,
    open_room,
    participant,
    select,
    toasts_with,
)
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene
from tui.ui.floor.conference_screen import ConferenceScreen
from tui.ui.floor.dialogs import DialScreen, FloorConfirmScreen
from tui.ui.floor.monitor_bar import MonitorBar


async def test_hold_resume_mute_unmute_the_selected_participant(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, room.customer_call_sid)
        await select(pilot, screen, room.customer_call_sid)
        cf, customer = room.conference_sid, room.customer_call_sid

        async def state(attr: str) -> bool:
            return bool(getattr(await participant(twilio, cf, customer), attr))

        await pilot.press("o")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Hold applied")), "hold")
        assert await state("hold")
        await pilot.press("O")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Resume applied")), "resume")
        assert not await state("hold")
        await pilot.press("m")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Mute applied")), "mute")
        assert await state("muted")
        await pilot.press("M")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Unmute applied")), "unmute")
        assert not await state("muted")
        # The screen shows what Twilio says, read back by the next floor pass.
        await wait_until(
            pilot,
            lambda: screen.selected is not None and not screen.selected.muted,
            "the room read back",
        )
    records = read_audit_log(audit_log_path())
    holds = [r for r in records if r["action"] == "hold"]
    assert holds and holds[0]["parameters"]["hold_url"] == HOLD_URL  # type: ignore[index]
    assert {"hold", "resume", "mute", "unmute"} <= {str(r["action"]) for r in records}


async def test_remove_and_end_conference_ask_first_and_then_act(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    first, second = build_floor_scene(sim, queues={}, rooms=2).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, first.customer_call_sid)
        await select(pilot, screen, first.customer_call_sid)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("n")  # kept: nothing sent
        await wait_until(pilot, lambda: isinstance(app.screen, ConferenceScreen), "back")
        assert (await participant(twilio, first.conference_sid, first.customer_call_sid)).call_sid
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Remove from conference")), "toast")
        with pytest.raises(TwilioRestException):
            await participant(twilio, first.conference_sid, first.customer_call_sid)
        await pilot.press("escape")

        screen = await open_room(pilot, app, second.customer_call_sid)
        await pilot.press("X")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "End conference applied")), "end")
        conference = await twilio.client.conferences(second.conference_sid).fetch_async()
        assert conference.status == "completed"
        await wait_until(
            pilot,
            lambda: "ended" in str(screen.query_one("#room-state").render()),
            "the screen to say the room ended",
        )


async def test_listen_whisper_barge_stop_and_the_monitor_bar(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, room.customer_call_sid)
        bar = screen.query_one(MonitorBar)
        await pilot.press("l")
        await wait_until(pilot, lambda: app.main_screen.floor.monitor is not None, "listening")
        leg = app.main_screen.floor.monitor.call_sid  # type: ignore[union-attr]
        sup = await participant(twilio, room.conference_sid, leg)
        assert sup.muted is True and sup.coaching is False
        call = await twilio.client.calls(leg).fetch_async()
        assert call.to == DEVICE
        await wait_until(pilot, lambda: "LISTENING" in bar.text, "the monitor bar")
        await wait_until(pilot, lambda: bar.display, "the monitor bar on screen")

        await select(pilot, screen, room.agent_call_sid)
        await pilot.press("w")
        await wait_until(pilot, lambda: "WHISPERING" in bar.text, "whispering")
        sup = await participant(twilio, room.conference_sid, leg)
        assert sup.coaching is True and sup.call_sid_to_coach == room.agent_call_sid
        assert sup.muted is False

        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: "BARGED" in bar.text, "barged")
        sup = await participant(twilio, room.conference_sid, leg)
        assert sup.coaching is False and sup.muted is False

        await pilot.press("L")
        await wait_until(pilot, lambda: app.main_screen.floor.monitor is None, "stopped")
        with pytest.raises(TwilioRestException):
            await participant(twilio, room.conference_sid, leg)
        await wait_until(pilot, lambda: not bar.text, "the bar to go")
        # The main screen's bar said the same all along.
        await pilot.press("escape")
        assert not app.main_screen.query_one(MonitorBar).text


async def test_whisper_refusals_16027_held_and_16028_gone(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    held, other = build_floor_scene(sim, queues={}, rooms=2).rooms
    app = floor_app(make_app, interval_s=300)  # the view stays as it was until asked
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, held.agent_call_sid)
        await select(pilot, screen, held.agent_call_sid)
        await pilot.press("o")  # the agent on hold, by the console
        await wait_until(pilot, lambda: bool(toasts_with(app, "Hold applied")), "hold")
        await pilot.press("w")
        await wait_until(pilot, lambda: bool(toasts_with(app, "16027")), "16027")
        (toast,) = toasts_with(app, "16027")
        assert "on hold" in toast[1] and toast[2] == "error"
        assert app.main_screen.floor.monitor is None  # nothing dialled
        await pilot.press("escape")

        screen = await open_room(pilot, app, other.customer_call_sid)
        await pilot.press("l")
        await wait_until(pilot, lambda: app.main_screen.floor.monitor is not None, "listening")
        await select(pilot, screen, other.agent_call_sid)
        # The agent leaves behind the console's back; the screen still shows them.
        room = twilio.client.conferences(other.conference_sid)
        await room.participants(other.agent_call_sid).update_async(end_conference_on_exit=False)
        await room.participants(other.agent_call_sid).delete_async()
        await pilot.press("w")
        await wait_until(pilot, lambda: bool(toasts_with(app, "16028")), "16028")
        (toast,) = toasts_with(app, "16028")
        assert "not in the room" in toast[1]
        monitor = app.main_screen.floor.monitor
        assert monitor is not None and monitor.mode == "listening"  # unchanged


async def test_actions_on_a_room_that_ended_are_refused_16022(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_room(pilot, app, room.customer_call_sid)
        await twilio.client.conferences(room.conference_sid).update_async(status="completed")
        await pilot.press("l")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Listen refused")), "refusal")
        (toast,) = toasts_with(app, "Listen refused")
        assert "16022" in toast[1] and "ended" in toast[1]
        assert app.main_screen.floor.monitor is None


async def test_warm_transfer_adds_a_third_party_then_drops_the_agent(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, room.customer_call_sid)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, DialScreen), "the dial box")
        await pilot.press(*"sales", "enter")  # not an address: refused in the dialog
        assert isinstance(app.screen, DialScreen)
        assert "must be" in str(app.screen.query_one("#message").render())
        app.screen.query_one("#address").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"client:bob", "enter")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Warm transfer applied")), "added")
        participants = await twilio.client.conferences(
            room.conference_sid
        ).participants.list_async()
        assert len(participants) == 3
        added = next(
            p
            for p in participants
            if p.call_sid not in (room.agent_call_sid, room.customer_call_sid)
        )
        assert (await twilio.client.calls(added.call_sid).fetch_async()).to == "client:bob"

        await wait_until(
            pilot, lambda: screen.view is not None and len(screen.view.participants) == 3, "3 legs"
        )
        await select(pilot, screen, room.agent_call_sid)
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Drop agent applied")), "dropped")
        left = await twilio.client.conferences(room.conference_sid).participants.list_async()
        assert {p.call_sid for p in left} == {room.customer_call_sid, added.call_sid}
        conference = await twilio.client.conferences(room.conference_sid).fetch_async()
        assert conference.status == "in-progress"  # the caller stays, with the third party


async def test_pause_and_resume_the_recording_that_runs(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    room_rec, call_rec = build_floor_scene(
        sim, queues={}, rooms=2, recorded=1, call_recorded=2
    ).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_room(pilot, app, call_rec.customer_call_sid)
        await select(pilot, screen, call_rec.customer_call_sid)
        await pilot.press("p")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Pause recording applied")), "pause")
        recording = (
            await twilio.client.calls(call_rec.customer_call_sid)
            .recordings(call_rec.call_recording_sid)
            .fetch_async()
        )
        assert recording.status == "paused"
        await pilot.press("P")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Resume recording applied")), "on")
        recording = (
            await twilio.client.calls(call_rec.customer_call_sid)
            .recordings(call_rec.call_recording_sid)
            .fetch_async()
        )
        assert recording.status == "in-progress"
        await pilot.press("escape")
        assert room_rec.recording_sid is not None
        screen = await open_room(pilot, app, room_rec.agent_call_sid)
        await select(pilot, screen, room_rec.agent_call_sid)
        await pilot.press("p")
        await wait_until(
            pilot, lambda: len(toasts_with(app, "Pause recording applied")) == 2, "room paused"
        )
        recording = (
            await twilio.client.conferences(room_rec.conference_sid)
            .recordings(room_rec.recording_sid)
            .fetch_async()
        )
        assert recording.status == "paused"
