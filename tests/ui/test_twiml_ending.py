"""TwiML that will end the call says so in the editor, and is confirmed like a hang-up.

A call whose TwiML runs out ends (in Twilio and in the simulator): ``<Say>`` alone hangs up the
caller it spoke to. The editor's status line says so as the text is typed; ``ctrl+s`` then asks
(focus on *Back*), ``n`` returns to the editor with nothing sent, ``y`` sends. TwiML that hands
the call on (``<Redirect>``, ``<Enqueue>``, ``<Dial>``) is sent without the extra question.
What was sent, and what the call did, is read from the simulator.
"""

from __future__ import annotations

from textual.widgets import Static, TextArea

from tests.ui.conftest import AppMaker, RecordingApp, wait_until
from tests.ui.test_app import SIZE, answered_call, show_only, update_requests
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.ui.screens.confirm_ending import ConfirmEndingScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen

ENDS = "<Response><Say>Thank you for calling.</Say></Response>"
GOES_ON = "<Response><Say>One moment.</Say><Redirect>https://example.com/hold</Redirect></Response>"


def status_line(app: RecordingApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def open_editor_with(pilot, app: RecordingApp, sid: str, text: str) -> None:  # type: ignore[no-untyped-def]
    await show_only(pilot, app, sid)
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(app.screen, TwimlEditorScreen), "the editor")
    app.screen.query_one("#editor", TextArea).text = text
    size = f"valid TwiML, {len(text.strip())}/"
    await wait_until(pilot, lambda: size in status_line(app), "this text validated")


async def test_twiml_that_ends_the_call_is_said_and_confirmed_like_a_hang_up(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550161")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_editor_with(pilot, app, sid, ENDS)
        assert "ends the call" in status_line(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmEndingScreen), "confirm")
        assert app.screen.focused is not None and app.screen.focused.id == "back"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, TwimlEditorScreen), "editor")
        await pilot.pause(0.2)
        assert update_requests(sim, sid) == [], "going back sent the TwiML"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmEndingScreen), "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "both closed")
        await wait_until(pilot, lambda: "TwiML injection" in app.toast_text(), "the outcome")
    [sent] = update_requests(sim, sid)
    assert "Thank you for calling" in sent["Twiml"]
    await sim.advance(30)
    assert sim.engine.get(sid).status == "completed"  # type: ignore[union-attr]


async def test_twiml_that_hands_the_call_on_is_sent_without_the_question(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550162")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_editor_with(pilot, app, sid, GOES_ON)
        assert "ends the call" not in status_line(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the editor closed")
        await wait_until(pilot, lambda: "TwiML injection" in app.toast_text(), "the outcome")
    assert len(update_requests(sim, sid)) == 1
