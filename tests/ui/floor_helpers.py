"""Set-up for the floor's Pilot tests: a floor scene in the simulator, an app that sees it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import AppMaker, RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.floor.settings import FloorSettings, SupervisorSettings
from tui.core.twilio_client import TwilioAccess
from tui.ui.floor.conference_screen import ConferenceScreen

DEVICE = "client:supervisor"
CALLER_ID = "+15005550006"
HOLD_URL = "https://example.com/hold.xml"


def floor_app(
    make_app: AppMaker, *, read_only: bool = False, interval_s: float = 1.0
) -> RecordingApp:
    """The app with a supervisor device; ``interval_s=300`` means passes only when asked for."""
    settings = load_settings()
    floor = FloorSettings(
        request_budget=40,
        poll_interval_s=interval_s,
        supervisor=SupervisorSettings(device=DEVICE, caller_id=CALLER_ID, hold_music_url=HOLD_URL),
    )
    return make_app(read_only=read_only, settings=replace(settings, floor=floor))


async def until_placed(pilot: Pilot[None], app: RecordingApp, *sids: str) -> None:
    """Wait for the calls to be in the table and for the floor to have placed them."""
    main = app.main_screen
    await wait_until(pilot, lambda: main.backend is not None, "the back end")
    await wait_until(
        pilot,
        lambda: all(main.table.get_call(sid) is not None for sid in sids),
        "the calls in the table",
    )
    await wait_until(
        pilot,
        lambda: all(main.floor.placement(sid) is not None for sid in sids),
        "the floor to place the calls",
    )


async def open_room(pilot: Pilot[None], app: RecordingApp, call_sid: str) -> ConferenceScreen:
    """Put the cursor on ``call_sid`` and open its room with ``c``."""
    await until_placed(pilot, app, call_sid)
    assert app.main_screen.table.jump_to_sid(call_sid)
    await pilot.press("c")
    await wait_until(pilot, lambda: isinstance(app.screen, ConferenceScreen), "the room")
    screen = app.screen
    assert isinstance(screen, ConferenceScreen)
    await wait_until(
        pilot,
        lambda: screen.view is not None and screen.selected is not None,
        "the participants",
    )
    return screen


async def select(pilot: Pilot[None], screen: ConferenceScreen, call_sid: str) -> None:
    """Move the participants' cursor to ``call_sid``."""
    view = screen.view
    assert view is not None
    index = next(i for i, p in enumerate(view.participants) if p.call_sid == call_sid)
    screen.query_one("#participants").move_cursor(row=index)  # type: ignore[attr-defined]
    await wait_until(
        pilot,
        lambda: screen.selected is not None and screen.selected.call_sid == call_sid,
        "the selection",
    )


async def participant(twilio: TwilioAccess, room: str, call_sid: str) -> Any:
    return await twilio.client.conferences(room).participants(call_sid).fetch_async()


def toasts_with(app: RecordingApp, text: str) -> list[tuple[str, str, str]]:
    return [toast for toast in app.toasts if text in toast[0] or text in toast[1]]
