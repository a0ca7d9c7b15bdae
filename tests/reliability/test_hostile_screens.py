"""Each screen a supervisor uses, fed hostile data by a Twilio-compatible API: shown, never obeyed.

The real console runs (Pilot) against :mod:`tests.reliability.hostile_api` through the real SDK.
Each test names the screen it opens and what once went wrong there: ``[/x]`` in a SID or a
Twilio message crashed the console from a toast, a dialog title and a border title; statuses
``on.hold``, ``wrapping.up`` and ``écoute`` crashed the confirm and detail screens; escape
sequences in numbers and names reached the terminal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.hostile_api import (
    HostileApi,
    call_record,
    forbidden_in,
    hostile_api,
    screen_lines,
)
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.session import backend_factory
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.transfer import TransferScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen
from tui.ui.widgets.status_header import StatusHeader

SIZE = (150, 40)
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;aGVsbG8=\x07\x1b]8;;https://evil.example\x1b\\\r\x08\x00\x7f\x9b"


@pytest.fixture
async def hostile(tmp_env: Path) -> AsyncIterator[HostileApi]:
    async with hostile_api() as api:
        yield api


HostileApp = Callable[..., RecordingApp]


@pytest.fixture
def make_hostile_app(hostile: HostileApi) -> HostileApp:
    def make(*, read_only: bool = False) -> RecordingApp:
        settings = replace(load_settings(), poll_interval_s=0.5)
        factory = backend_factory(hostile.credentials(), settings, read_only=read_only)
        return RecordingApp(factory, settings, mode_label="TEST", read_only=read_only)

    return make


def assert_clean_screen(app: RecordingApp, where: str) -> str:
    """Nothing on screen (or in its SVG) is a control, bidi or zero-width character."""
    lines = screen_lines(app)
    text = "".join(lines)
    assert not forbidden_in(text), f"{where}: {forbidden_in(text)} reached the screen"
    text = "\n".join(lines)
    svg = app.export_screenshot().replace("\n", "")
    assert not forbidden_in(svg), f"{where}: {forbidden_in(svg)} in the screenshot"
    return text


async def first_rows(pilot: Any, app: RecordingApp, count: int) -> None:
    await wait_until(pilot, lambda: app.main_screen.table.row_count >= count, "the first poll")


async def test_header_and_table_show_hostile_fields_as_text(
    hostile: HostileApi, make_hostile_app: HostileApp
) -> None:
    hostile.friendly_name = "[/x]Acme" + ESCAPES
    hostile.add(1, **{"from": "+1415" + ESCAPES, "to": "[bold]+14155550199[/bold]"})
    hostile.add(2, **{"from": "+1415555\u202e0100", "to": "+1415\u200b5550101"})
    hostile.add(3, status="on.hold", answered_by="[/x]" + ESCAPES)
    app = make_hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await first_rows(pilot, app, 3)
        await wait_until(
            pilot, lambda: "Acme" in app.main_screen.query_one(StatusHeader).account_name, "name"
        )
        await pilot.pause(0.1)
        text = assert_clean_screen(app, "main screen")
        assert "[/x]Acme" in text  # the name is shown, brackets and all
        assert "[bold]+14155550" in text
        # One number cannot pass for another: the hidden character shows (cut to the column).
        assert "+1415555⟨U+202" in text and "+1415⟨U+200B⟩" in text
        assert "on.hold" in text
        assert "␛" in text  # the escape is visible, inert


@pytest.mark.parametrize("status", ["on.hold", "wrapping.up", "écoute", "[/x]", "in progress"])
async def test_odd_statuses_open_every_dialog(
    hostile: HostileApi, make_hostile_app: HostileApp, status: str
) -> None:
    parent = hostile.add(1, status=status, caller_name="[/x]" + ESCAPES)
    hostile.add(2, status=status, parent_call_sid=parent, to="client:[/x]" + ESCAPES)
    app = make_hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await first_rows(pilot, app, 2)
        table = app.main_screen.table
        while table.cursor_call is not None and table.cursor_call.sid != parent:
            await pilot.press("down")
        for key, dialog, close in (
            ("enter", CallDetailScreen, "escape"),
            ("h", ConfirmHangupScreen, "n"),
            ("t", TwimlEditorScreen, "escape"),
            ("r", TransferScreen, "escape"),
        ):
            await pilot.press(key)
            shown = dialog  # the lambda runs here, in this turn of the loop
            await wait_until(pilot, lambda: isinstance(app.screen, shown), dialog.__name__)  # noqa: B023
            await pilot.pause(0.05)
            text = assert_clean_screen(app, f"{dialog.__name__} for status {status!r}")
            if dialog is not TransferScreen and dialog is not TwimlEditorScreen:
                assert status in text, f"{dialog.__name__} does not show the status"
            await pilot.press(close)
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "closed")
        assert app.is_running


async def test_markup_in_a_sid_is_shown_in_titles_and_toasts(
    hostile: HostileApi, make_hostile_app: HostileApp
) -> None:
    sid = "CA[/x]" + "0" * 20 + "[/x][b]"
    hostile.records[sid] = call_record(hostile.account_sid, sid)
    app = make_hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await first_rows(pilot, app, 1)
        for key, dialog, close in (
            ("enter", CallDetailScreen, "escape"),
            ("t", TwimlEditorScreen, "escape"),
            ("r", TransferScreen, "escape"),
        ):
            await pilot.press(key)
            shown = dialog  # the lambda runs here, in this turn of the loop
            await wait_until(pilot, lambda: isinstance(app.screen, shown), dialog.__name__)  # noqa: B023
            await pilot.pause(0.05)
            assert "[/x][b]" in assert_clean_screen(app, dialog.__name__)
            await pilot.press(close)
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "closed")
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmHangupScreen), "confirm")
        assert "[/x][b]" in assert_clean_screen(app, "confirm")
        await pilot.press("y")  # the SID is malformed: refused before sending, in a toast
        await wait_until(pilot, lambda: "Not sent" in app.toast_text(), "the refusal")
        await pilot.pause(0.1)
        assert_clean_screen(app, "toast")
        assert app.is_running
    assert not [seen for seen in hostile.seen if seen.method == "POST"]


async def test_twilio_error_message_with_markup_and_escapes_is_shown_as_text(
    hostile: HostileApi, make_hostile_app: HostileApp
) -> None:
    hostile.add(1)

    def refuse(sid: str, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        message = "Call [/x] is not in-progress [bold]" + ESCAPES
        return 400, {"code": 29999, "message": message, "status": 400}

    hostile.update_answer = refuse
    app = make_hostile_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await first_rows(pilot, app, 1)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmHangupScreen), "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: "29999" in app.toast_text(), "Twilio's refusal")
        await pilot.pause(0.2)
        text = assert_clean_screen(app, "refusal toast")
        assert "[/x]" in text and "[bold]" in text, text
        assert app.is_running
