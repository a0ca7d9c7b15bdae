"""The transfer dialog, driven as a supervisor would: a destination or a typed URL out.

Split from ``test_screens.py`` (same harness, :mod:`tests.ui.screen_harness`): a configured
destination or a typed URL is returned with its method; an unsafe URL is refused with a message
and nothing returned; plain http warns and needs a second press.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Static

from tests.ui.screen_harness import SIZE, ScreenHarness, make_call
from tui.core.config import Destination
from tui.ui.screens import TransferScreen

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
