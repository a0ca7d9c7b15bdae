"""Floor dialog titles name rooms and queues, whose names come from Twilio: shown, never parsed.

A queue called ``[/x]`` once would have crashed the dequeue dialog from its border title (Textual
parses a ``str`` title as markup). Each floor dialog is opened in a bare app with such a title.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from tests.reliability.hostile_api import forbidden_in, screen_lines
from tui.core.text import display_text
from tui.ui.floor.dialogs import DequeueScreen, DialScreen, FloorConfirmScreen

HOSTILE = "[/x] Support [b]\x1b]0;pwned\x07"


async def test_floor_dialog_titles_show_room_and_queue_names_as_text() -> None:
    title = f"Dequeue the head of {display_text(HOSTILE)}"
    dialogs: list[Screen[Any]] = [
        FloorConfirmScreen(title, [title], verb="End"),
        DequeueScreen(title, []),
        DialScreen(title, "explanation"),
    ]
    app: App[None] = App()
    async with app.run_test(size=(120, 30)) as pilot:
        for dialog in dialogs:
            app.push_screen(dialog)
            await pilot.pause(0.1)
            text = "".join(screen_lines(app))
            assert "[/x] Support [b]" in text, type(dialog).__name__
            assert not forbidden_in(text)
            app.pop_screen()
            await pilot.pause(0.05)
        assert app.is_running
