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
from textual.widgets import Label, Static

from tui.core.models import Call
from tui.ui.screens import ConfirmHangupScreen, HelpScreen

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
