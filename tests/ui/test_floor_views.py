"""The floor on the main screen and in the queues view: Where, dequeue, refusals, the room guard."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.ui.conftest import AppMaker, wait_until
from tests.ui.floor_helpers import floor_app, toasts_with, until_placed
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene
from tui.ui.floor.dialogs import DequeueScreen, FloorConfirmScreen
from tui.ui.floor.queues_screen import QueuesScreen
from tui.ui.screens.transfer import TransferScreen


def _row_text(app: object, sid: str) -> str:
    table = app.main_screen.table  # type: ignore[attr-defined]
    index = next(i for i in range(table.row_count) if table.get_call_at(i).sid == sid)
    return "".join(segment.text for segment in table.render_row(index))


async def test_where_column_says_queue_position_wait_agent_hold_and_recording(
    sim: EmbeddedSimulator, make_app: AppMaker
) -> None:
    scene = build_floor_scene(
        sim, queues={"Support": 3}, rooms=1, held=1, recorded=1, wait_step_s=65
    )
    (room,) = scene.rooms
    third = scene.queues["Support"].member_call_sids[2]
    app = floor_app(make_app)
    async with app.run_test(size=(200, 40)) as pilot:
        await until_placed(pilot, app, third, room.customer_call_sid)
        assert "in queue Support #3 for 1:05" in _row_text(app, third)
        agent = room.agent.removeprefix("client:")
        await wait_until(
            pilot,
            lambda: "● rec" in _row_text(app, room.customer_call_sid),
            "the room's recording in the Where column",
        )
        row = _row_text(app, room.customer_call_sid)
        assert f"with agent {agent}" in row and "on hold" in row


async def test_queues_view_dequeues_the_selected_caller_after_asking(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    scene = build_floor_scene(sim, queues={"Support": 2, "Billing": 1}, rooms=0)
    support = scene.queues["Support"]
    head, second = support.member_call_sids
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_placed(pilot, app, second)
        assert app.main_screen.table.jump_to_sid(second)
        await pilot.press("d")  # on the main screen: opens the queue on that caller
        await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen), "the queues view")
        queues = app.screen
        assert isinstance(queues, QueuesScreen)
        names = [view.queue.friendly_name for view in queues.queues]
        assert {"Support", "Billing"} <= set(names)
        await wait_until(
            pilot,
            lambda: (
                queues.selected_member is not None and queues.selected_member.call_sid == second
            ),
            "the caller selected",
        )
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DequeueScreen), "the picker")
        await pilot.press(*"https://example.com/agent", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Dequeue applied")), "dequeued")
        with pytest.raises(TwilioRestException):
            await twilio.client.queues(support.sid).members(second).fetch_async()
        assert (await twilio.client.queues(support.sid).members(head).fetch_async()).position == 1
    (record,) = [r for r in read_audit_log(audit_log_path()) if r["action"] == "dequeue"]
    assert record["call_sid"] == second and record["outcome"] == "applied"
    assert record["parameters"]["url"] == "https://example.com/agent"  # type: ignore[index]


async def test_dequeue_head_and_a_member_that_already_left(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    scene = build_floor_scene(sim, queues={"Sales": 2}, rooms=0)
    sales = scene.queues["Sales"]
    head, second = sales.member_call_sids
    app = floor_app(make_app, interval_s=300)  # the view stays as it was until asked
    async with app.run_test(size=(160, 40)) as pilot:
        await until_placed(pilot, app, head, second)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen), "the queues view")
        queues = app.screen
        assert isinstance(queues, QueuesScreen)
        queues.select_queue(sales.sid)
        await wait_until(
            pilot,
            lambda: queues.selected_member is not None and queues.selected_member.call_sid == head,
            "the head selected",
        )
        # The head leaves behind the console's back (answered elsewhere).
        await (
            twilio.client.queues(sales.sid)
            .members(head)
            .update_async(url="https://example.com/elsewhere")
        )
        queues.query_one("#members").focus()
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DequeueScreen), "the picker")
        await pilot.press(*"https://example.com/agent", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Dequeue refused")), "refused")
        (toast,) = toasts_with(app, "Dequeue refused")
        assert "no longer in that queue" in toast[1] and "20404" in toast[1]

        await pilot.press("D")  # the head of the queue now: the second caller
        await wait_until(pilot, lambda: isinstance(app.screen, DequeueScreen), "the picker")
        await pilot.press(*"https://example.com/agent", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "a confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(toasts_with(app, "Dequeue applied")), "dequeued")
        with pytest.raises(TwilioRestException):
            await twilio.client.queues(sales.sid).members(second).fetch_async()


async def test_read_only_refuses_floor_actions_with_a_note(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={"Support": 1}, rooms=1).rooms
    app = floor_app(make_app, read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_placed(pilot, app, room.customer_call_sid)
        main = app.main_screen
        assert main.table.jump_to_sid(room.customer_call_sid)
        main.action_floor_hold()  # as the palette would, were it offered
        await pilot.pause(0.2)
        assert toasts_with(app, "Read-only mode")
        assert not (
            await twilio.client.conferences(room.conference_sid)
            .participants(room.customer_call_sid)
            .fetch_async()
        ).hold
        shown = {a.binding.action for a in main.active_bindings.values() if a.binding.show}
        assert "floor_listen" not in shown and "floor_queues" in shown
        await pilot.press("l")  # still bound: answered with a note, nothing dialled
        await wait_until(pilot, lambda: len(toasts_with(app, "Read-only mode")) == 2, "a note")
        assert app.main_screen.floor.monitor is None
        await pilot.press("c")
        await wait_until(pilot, lambda: app.screen is not main, "the conference view")
        note = str(app.screen.query_one("#room-note").render())
        assert "Read-only" in note


async def test_transfer_of_a_call_in_a_room_warns_it_leaves_the_room(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_placed(pilot, app, room.customer_call_sid)
        assert app.main_screen.table.jump_to_sid(room.customer_call_sid)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "the warning")
        text = " ".join(str(w.render()) for w in app.screen.query(".floor-line"))
        assert "out of its room" in text
        await pilot.press("n")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, TransferScreen)  # nothing opened, nothing sent
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "the warning")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen), "the picker")
        await pilot.press("escape")
        participant = (
            await twilio.client.conferences(room.conference_sid)
            .participants(room.customer_call_sid)
            .fetch_async()
        )
        assert participant.call_sid == room.customer_call_sid  # still in the room


async def test_palette_offers_every_floor_action_by_its_plain_name(
    sim: EmbeddedSimulator, make_app: AppMaker
) -> None:
    app = floor_app(make_app)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.main_screen.backend is not None, "the back end")
        titles = {command.title for command in app.get_system_commands(app.main_screen)}  # type: ignore[arg-type]
    expected = {
        "Listen", "Whisper", "Barge", "Stop listening", "Hold", "Resume", "Mute", "Unmute",
        "Remove from conference", "End conference", "Dequeue", "Warm transfer",
        "Pause recording", "Resume recording", "Queues", "Conference",
    }  # fmt: skip
    assert expected <= titles
