"""The modal screens, driven as a supervisor would: keys in, dismissed value out.

Each test pushes one screen onto a bare app with a callback and asserts on what a person notices:
the text on screen, whether the dialog is still open, and the value the app would act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static, TextArea

from tui.core.config import Destination
from tui.core.models import Call
from tui.core.snippets import Snippet
from tui.ui.screens import (
    CallDetailScreen,
    ConfirmHangupScreen,
    HelpScreen,
    TransferScreen,
    TwimlEditorScreen,
)
from tui.ui.screens.twiml_editor import xml_highlighting_available

SIZE = (120, 40)


class ScreenHarness(App[None]):
    """A bare app that pushes one screen and records what it was dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen_under_test = screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.screen_under_test, self.results.append)


def make_call(
    n: int,
    status: str = "in-progress",
    *,
    parent: str | None = None,
    raw: Mapping[str, object] | None = None,
) -> Call:
    sid = f"CA{n:032x}"
    return Call(
        sid=sid,
        parent_call_sid=parent,
        direction="inbound" if parent is None else "outbound-dial",
        from_=f"+1555000{n:04d}",
        to=f"+1555999{n:04d}",
        status=status,
        start_time=datetime(2026, 11, 23, 18, 0, tzinfo=UTC),
        date_created=None,
        date_updated="Mon, 23 Nov 2026 18:00:05 +0000",
        duration=None,
        queue_time_ms=0,
        answered_by=None,
        raw=raw if raw is not None else {},
    )


def screen_text(screen: Screen[Any]) -> str:
    """Everything the labels and statics on a screen currently say, one per line."""
    return "\n".join(str(widget.render()) for widget in screen.query(Static))


def label_texts(screen: Screen[Any], selector: str) -> list[str]:
    return [str(label.render()) for label in screen.query(selector).results(Label)]


# ── Confirm hang-up ─────────────────────────────────────────────────────────


async def test_confirm_names_each_call_and_y_confirms() -> None:
    calls = [make_call(1, "in-progress"), make_call(2, "ringing"), make_call(3, "queued")]
    app = ScreenHarness(ConfirmHangupScreen(calls))
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(app.screen)
        for call in calls:
            assert call.short_sid in text
            assert call.from_ in text and call.to in text
        assert label_texts(app.screen, ".outcome") == ["→ completed", "→ canceled", "→ canceled"]
        assert "1 answered → completed" in text
        assert "2 queued or ringing → canceled" in text
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]


async def test_confirm_n_and_escape_and_enter_keep_the_calls() -> None:
    for key in ("n", "escape", "enter"):
        app = ScreenHarness(ConfirmHangupScreen([make_call(1)]))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [False], key


async def test_confirm_lists_at_most_eight_then_counts_the_rest() -> None:
    calls = [make_call(n) for n in range(11)]
    app = ScreenHarness(ConfirmHangupScreen(calls))
    async with app.run_test(size=SIZE) as pilot:
        assert len(label_texts(app.screen, ".sid")) == 8
        assert "and 3 more" in screen_text(app.screen)
        assert calls[10].short_sid not in screen_text(app.screen)
        await pilot.click("#hang-up")
        await pilot.pause()
    assert app.results == [True]


# ── Help ────────────────────────────────────────────────────────────────────


async def test_help_lists_the_given_keys_and_closes() -> None:
    bindings = [("t", "Inject TwiML"), ("r", "Transfer"), ("ctrl+q", "Quit")]
    for key in ("escape", "question_mark", "q"):
        app = ScreenHarness(HelpScreen(bindings))
        async with app.run_test(size=SIZE) as pilot:
            assert label_texts(app.screen, ".key") == ["t", "r", "ctrl+q"]
            assert label_texts(app.screen, ".description") == ["Inject TwiML", "Transfer", "Quit"]
            assert "Staleness" in screen_text(app.screen)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        assert app.results == [None], key


# ── Transfer ────────────────────────────────────────────────────────────────


DESTINATIONS = [
    Destination("Sales", "https://hooks.example.com/sales"),
    Destination("Support", "https://hooks.example.com/support", "GET"),
    Destination("Legacy IVR", "http://ivr.example.net/main.xml"),
]


def transfer_screen() -> TransferScreen:
    return TransferScreen([make_call(1)], DESTINATIONS)


def message_of(screen: Screen[Any]) -> Static:
    return screen.query_one("#message", Static)


async def test_transfer_enter_on_a_destination_returns_its_url_and_method() -> None:
    app = ScreenHarness(transfer_screen())
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#dialog").border_title == "Transfer CA…00000001"
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.results == [("https://hooks.example.com/support", "GET")]


async def test_transfer_typed_url_with_get_selected() -> None:
    app = ScreenHarness(transfer_screen())
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#url", Input).focus()
        await pilot.press(*"https://x.example.com/t", "ctrl+t", "ctrl+s")
        await pilot.pause()
    assert app.results == [("https://x.example.com/t", "GET")]


async def test_transfer_typed_url_defaults_to_post_and_enter_sends() -> None:
    app = ScreenHarness(TransferScreen([make_call(1)], []))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.focused is app.screen.query_one("#url", Input)
        await pilot.press(*"https://x.example.com/t", "enter")
        await pilot.pause()
    assert app.results == [("https://x.example.com/t", "POST")]


async def test_transfer_refuses_unsafe_urls_with_a_message_and_returns_nothing() -> None:
    bad = {
        "/relative/path": "relative",
        "javascript:alert(1)": "javascript",
        "https://user:secret@example.com/t": "password",
    }
    app = ScreenHarness(transfer_screen())
    async with app.run_test(size=SIZE) as pilot:
        url = app.screen.query_one("#url", Input)
        for typed, expected in bad.items():
            url.value = typed
            url.focus()
            await pilot.press("ctrl+s")
            await pilot.pause()
            message = message_of(app.screen)
            assert expected in str(message.render())
            assert "secret" not in str(message.render())
            assert message.has_class("error")
            assert isinstance(app.screen, TransferScreen)
    assert app.results == []


async def test_transfer_plain_http_warns_then_needs_a_second_press() -> None:
    app = ScreenHarness(transfer_screen())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.results == []
        assert message_of(app.screen).has_class("warning")
        assert "plain http" in str(message_of(app.screen).render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("http://ivr.example.net/main.xml", "POST")]


async def test_transfer_escape_returns_none() -> None:
    app = ScreenHarness(transfer_screen())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# ── TwiML editor ────────────────────────────────────────────────────────────

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


# ── Call detail ─────────────────────────────────────────────────────────────

RAW = {
    "sid": f"CA{1:032x}",
    "from": "+15550000001",
    "to": "+15559990001",
    "status": "in-progress",
    "price": None,
    "queue_time": "0",
    "subresource_uris": {"notifications": "/n.json", "recordings": "/r.json"},
}

HISTORY: list[dict[str, object]] = [
    {
        "time": "2026-01-31T20:36:28.123Z",
        "action": "redirect",
        "outcome": "refused",
        "code": 21220,
        "message": "The call is not in progress.",
        "parameters": {"url": "https://ivr.example.com/agents", "method": "GET"},
    },
    {
        "time": "2026-01-31T20:36:50Z",
        "action": "inject_twiml",
        "outcome": "applied",
        "message": "Playing the new TwiML.",
        "parameters": {
            "twiml": "<Response>\n  <Say>Please hold for a supervisor, we are "
            "reviewing your account now.</Say>\n</Response>"
        },
    },
    {
        "time": "2026-01-31T20:37:00Z",
        "action": "hang_up",
        "outcome": "applied",
        "message": "Ended.",
        "parameters": {"status": "completed"},
    },
]


async def test_detail_shows_raw_fields_children_and_history() -> None:
    call = make_call(1, raw=RAW)
    child = make_call(9, "ringing", parent=call.sid)
    app = ScreenHarness(CallDetailScreen(call, [child], HISTORY))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        names = label_texts(screen, "#fields .name")
        values = label_texts(screen, "#fields .value")
        assert names == list(RAW)
        fields = dict(zip(names, values, strict=True))
        assert fields["from"] == "+15550000001"
        assert fields["price"] == "—"
        assert fields["subresource_uris"] == "notifications, recordings"
        assert label_texts(screen, "#children Label") == [child.short_sid, child.to, "ringing"]
        assert label_texts(screen, "#history .outcome") == ["refused", "applied", "applied"]
        assert label_texts(screen, "#history .action") == ["transfer", "TwiML", "hang up"]
        # What each action sent, on one line, long TwiML cut short.
        assert label_texts(screen, "#history .sent") == [
            "GET https://ivr.example.com/agents",
            "<Response><Say>Please hold for a supervisor, we are rev…",
            "completed",
        ]
        messages = label_texts(screen, "#history .message")
        assert messages[0] == "The call is not in progress. (code 21220)"
        assert screen.query_one("#history .outcome").has_class("outcome-refused")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_detail_without_raw_or_history_still_reads_well() -> None:
    app = ScreenHarness(CallDetailScreen(make_call(2), [], []))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "sid" in label_texts(app.screen, "#fields .name")
        assert "None yet." in screen_text(app.screen)
        await pilot.press("end", "q")
        await pilot.pause()
    assert app.results == [None]
