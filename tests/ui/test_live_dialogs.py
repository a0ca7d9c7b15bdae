"""A dialog that names calls shows them live, and never sends to a call that ended meanwhile.

Against the simulator over HTTP: the dialog is opened, the call changes or ends on Twilio's side
(the simulator's clock, or a hang-up through the SDK as another console would), the next poll
reaches the open dialog, and what the console then sends (or not) is read from the simulator's
request log. Also: when the call under the cursor ends, the next action key says so instead of
acting on the neighbour the cursor moved to.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.conftest import AppMaker, RecordingApp, wait_until
from tests.ui.test_app import LONG_HOLD, SIZE, answered_call, show_only, update_requests
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.live_targets import NOTES_ID, ActionDialog
from tui.ui.screens.main import MainScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen


def notes(app: RecordingApp) -> str:
    return str(app.screen.query_one(f"#{NOTES_ID}", Static).render())


async def end_elsewhere(twilio: TwilioAccess, sid: str) -> None:
    """Hang the call up as another console (or the caller) would: not through this app."""
    await twilio.client.calls(sid).update_async(status="completed")


@pytest.mark.parametrize(
    ("key", "dialog", "send"),
    [("h", ConfirmHangupScreen, "y"), ("t", TwimlEditorScreen, "ctrl+s")],
)
async def test_a_call_that_ends_while_the_dialog_is_open_is_not_sent_anything(
    sim: EmbeddedSimulator,
    twilio: TwilioAccess,
    make_app: AppMaker,
    key: str,
    dialog: type[ActionDialog[object]],
    send: str,
) -> None:
    sid = await answered_call(sim, twilio, "+14155550151")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, dialog), dialog.__name__)
        await pilot.pause(0.3)
        await end_elsewhere(twilio, sid)
        ours = len(update_requests(sim, sid))
        await wait_until(pilot, lambda: "ended" in notes(app), "the dialog to say it ended")
        assert "nothing will be sent" in notes(app)
        await pilot.press(send)
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the dialog closed")
        await wait_until(pilot, lambda: "Not sent" in app.toast_text(), "the not-sent note")
        await pilot.pause(0.3)
    assert len(update_requests(sim, sid)) == ours, "the console sent to a call that had ended"


async def test_the_confirm_dialog_follows_a_call_that_is_answered(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    call = await twilio.client.calls.create_async(
        to="+14155550152", from_="+14155550100", twiml=LONG_HOLD
    )
    sid = str(call.sid)
    await sim.advance(1)
    assert sim.engine.get(sid).status in ("queued", "ringing")  # type: ignore[union-attr]
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmHangupScreen), "confirm")
        outcome = app.screen.query_one("#outcome-0", Static)
        assert "canceled" in str(outcome.render())
        await sim.advance(10)  # the far end answers
        await wait_until(pilot, lambda: "is now in-progress" in notes(app), "the change shown")
        assert "completed" in str(outcome.render())  # a hang-up now ends an answered call
        assert "answered → completed" in str(app.screen.query_one("#summary", Static).render())
        await pilot.press("y")
        await wait_until(pilot, lambda: "Hang-up" in app.toast_text(), "the outcome")
    assert sim.engine.get(sid).status == "completed"  # type: ignore[union-attr]


async def test_when_the_call_under_the_cursor_ends_the_next_key_does_not_act_on_another(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    first = await answered_call(sim, twilio, "+14155550153")
    second = await answered_call(sim, twilio, "+14155550154")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.get_call(second) is not None, "both calls")
        await pilot.press("slash", *"55015", "enter")  # both numbers, nothing else
        await wait_until(pilot, lambda: table.row_count == 2, "the filter")
        while table.cursor_call is None or table.cursor_call.sid != first:
            await pilot.press("down" if table.cursor_index == 0 else "up")
        await end_elsewhere(twilio, first)
        await wait_until(pilot, lambda: table.get_call(first) is None, "the call to leave")
        assert table.cursor_call is not None and table.cursor_call.sid == second
        await pilot.press("h")
        await wait_until(pilot, lambda: "Call ended" in app.toast_text(), "the note")
        assert isinstance(app.screen, MainScreen), "a key acted on a call nobody chose"
        await pilot.press("h")  # asked again, on purpose: now it is about the second call
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmHangupScreen), "confirm")
        assert isinstance(app.screen, ConfirmHangupScreen)
        assert [call.sid for call in app.screen.calls] == [second]
        await pilot.press("n")
    assert update_requests(sim, second) == []
