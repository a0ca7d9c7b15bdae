"""The screen never looks more trustworthy than it is, and never answers a key with silence.

* Read-only mode hides the writing keys from the footer, yet pressing one says why nothing
  happens (a wall-board operator who presses ``h`` learns the console is read-only).
* The table dims as soon as the header says STALE: both follow the once-a-second tick, so a hung
  network dims the rows without waiting for the poll that eventually times out.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import AppMaker, wait_until
from tests.ui.test_app import SIZE, answered_call, show_only, update_requests
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.status_header import StatusHeader


async def test_read_only_answers_each_action_key_with_a_note(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550141")
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_only(pilot, app, sid)
        footer = app.export_screenshot()
        assert "Hang up" not in footer and "TwiML" not in footer  # the wall board shows none
        for key, verb in (("t", "inject TwiML"), ("r", "transfer"), ("h", "hang up")):
            app.toasts.clear()
            await pilot.press(key)
            await wait_until(pilot, lambda: bool(app.toasts), f"a note for {key}")
            assert isinstance(app.screen, MainScreen), f"{key} opened a dialog in read-only mode"
            title, message, severity = app.toasts[-1]
            assert title == "Read-only" and verb in message and "nothing was sent" in message
            assert severity == "warning"
        await pilot.pause(0.1)
        assert "Read-only" in app.export_screenshot()  # the note is on screen (not "READ-ONLY")
    assert update_requests(sim, sid) == []


async def test_table_dims_with_the_header_on_the_tick_not_the_next_poll(
    sim: EmbeddedSimulator,
    twilio: TwilioAccess,
    make_app: AppMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(StatusHeader, "STALE_AFTER_MIN_S", 1.0)  # stale after ~1.3 s, not 6 s
    await answered_call(sim, twilio, "+14155550142")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        header = app.main_screen.query_one(StatusHeader)
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 0, "the first poll")
        assert not table.stale
        # Every answer now takes 5 s: no poll event for that long, and the header says STALE
        # after ~1.3 s (the test's threshold). The table must dim then, not when the answer lands.
        sim.faults.set("latency=5s")
        await wait_until(pilot, lambda: header.is_stale, "the header to say STALE")
        # The header's tick (once a second) dims the table; the hung poll has not returned.
        await wait_until(pilot, lambda: table.stale, "the table to dim", within=2.5)
        assert "STALE" in app.export_screenshot()
        sim.faults.set("")
        await wait_until(pilot, lambda: not header.is_stale, "a good poll again", within=15)
        await wait_until(pilot, lambda: not table.stale, "the table to brighten", within=2.5)
