"""The TwiML editor, driven as a supervisor would: snippets, placeholders, live validation.

Split from ``test_screens.py`` (same harness, :mod:`tests.ui.screen_harness`): the editor is
prefilled from a snippet, placeholders are filled before anything is sent, malformed or hostile
TwiML keeps the dialog open and points at the line, and valid TwiML is returned exactly.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea

from tests.ui.screen_harness import SIZE, ScreenHarness, make_call
from tui.core.snippets import Snippet
from tui.ui.screens import TwimlEditorScreen
from tui.ui.screens.twiml_editor import xml_highlighting_available

SNIPPETS = (
    Snippet(
        "hold", "Please hold", "<Response><Say>{message}</Say></Response>", {"message": "Hold"}
    ),
    Snippet("agent", "Agent", "<Response><Dial><Number>{agent_number}</Number></Dial></Response>"),
    Snippet("hang-up", "Hang up", "<Response><Hangup/></Response>"),
)


def editor_of(screen: Screen[Any]) -> TextArea:
    return screen.query_one("#editor", TextArea)


def status_of(screen: Screen[Any]) -> Static:
    return screen.query_one("#status", Static)


async def test_editor_is_prefilled_from_the_first_snippet_and_says_it_is_valid() -> None:
    app = ScreenHarness(TwimlEditorScreen([make_call(1), make_call(2)], SNIPPETS))
    async with app.run_test(size=SIZE):
        dialog = app.screen.query_one("#dialog")
        assert dialog.border_title == "Inject TwiML into 2 marked calls"
        assert editor_of(app.screen).text == "<Response><Say>Hold</Say></Response>"
        status = str(status_of(app.screen).render())
        assert status.endswith("✓ valid TwiML, 36/4000 characters")
        assert "ends the call" in status  # a lone <Say> hangs up when it finishes
        assert status_of(app.screen).has_class("valid")


async def test_choosing_another_snippet_and_filling_its_placeholder_changes_the_text() -> None:
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#snippets", OptionList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen.focused, Input)
        assert app.screen.focused.name == "agent_number"
        await pilot.press(*"+14155550123")
        await pilot.pause(0.3)
        assert editor_of(app.screen).text == (
            "<Response><Dial><Number>+14155550123</Number></Dial></Response>"
        )
        assert status_of(app.screen).has_class("valid")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["<Response><Dial><Number>+14155550123</Number></Dial></Response>"]


async def test_an_unfilled_placeholder_is_never_sent() -> None:
    no_default = Snippet(
        key="say", title="Say", template="<Response><Say>{message}</Say></Response>"
    )
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], [no_default]))
    async with app.run_test(size=SIZE) as pilot:
        assert "{message}" in editor_of(app.screen).text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TwimlEditorScreen)
        assert "needs a value for 'message'" in str(status_of(app.screen).render())
        assert isinstance(app.screen.focused, Input) and app.screen.focused.name == "message"
        await pilot.press(*"Back soon")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # a lone <Say> ends the call: confirmed like a hang-up
        await pilot.pause()
    assert app.results == ["<Response><Say>Back soon</Say></Response>"]


async def test_ctrl_s_with_malformed_twiml_stays_open_and_points_at_the_line() -> None:
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        editor = editor_of(app.screen)
        editor.text = "<Response>\n  <Say>Hello</Say>\n  <Sya>oops</Sya>\n</Response>"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TwimlEditorScreen)
        status = str(status_of(app.screen).render())
        assert status.startswith("✗ Line 3") and "<Sya>" in status
        assert status_of(app.screen).has_class("invalid")
        assert app.screen.focused is editor
        assert editor.cursor_location[0] == 2
    assert app.results == []


async def test_live_status_follows_typing() -> None:
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        editor = editor_of(app.screen)
        editor.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"<Response><Hangup>")
        await pilot.pause(0.4)
        assert status_of(app.screen).has_class("invalid")
        assert "not well-formed" in str(status_of(app.screen).render())
        await pilot.press(*"</Hangup></Response>")
        await pilot.pause(0.4)
        assert status_of(app.screen).has_class("valid")


async def test_an_entity_or_dtd_is_refused() -> None:
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY lol "lol">]>\n'
        "<Response><Say>&lol;</Say></Response>"
    )
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        editor_of(app.screen).text = hostile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TwimlEditorScreen)
        assert "DOCTYPE" in str(status_of(app.screen).render())
        assert editor_of(app.screen).cursor_location[0] == 1
    assert app.results == []


async def test_valid_twiml_is_returned_exactly() -> None:
    twiml = '<Response>\n  <Say voice="alice">Your call matters &amp; so do you.</Say>\n</Response>'
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        editor_of(app.screen).text = twiml
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # it ends the call: confirmed like a hang-up
        await pilot.pause()
    assert app.results == [twiml]


async def test_editor_escape_returns_none() -> None:
    app = ScreenHarness(TwimlEditorScreen([make_call(1)], SNIPPETS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


def test_xml_highlighting_is_detected() -> None:
    """The project depends on ``textual[syntax]``; without it the editor is plain text."""
    assert xml_highlighting_available()
