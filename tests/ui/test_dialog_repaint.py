"""With a dialog open, the console repaints only what changed and keeps its footer keys.

Both are about what a supervisor over SSH pays for a dialog: before, every tick of the clock
under an open dialog rewrote the whole terminal (Textual's background-screen echo,
``tui/ui/background_repaint.py``), and every dialog opened and closed rebuilt the calls
screen's footer twice (``tui/ui/widgets/key_footer.py``).
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label

from tests.ui.conftest import AppMaker, wait_until
from tui.ui import background_repaint
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.key_footer import KeyFooter

SIZE = (100, 30)


class Dialog(ModalScreen[None]):
    DEFAULT_CSS = "Dialog { align: center middle; background: $background 60%; }"

    def compose(self) -> ComposeResult:
        yield Label("a dialog")


class Nudge(Message):
    """Wakes a screen's message loop (and so its idle handler) without changing anything."""


class Clock(Widget):
    """Ten cells in the top left corner that change in place, as the header's clock does."""

    DEFAULT_CSS = "Clock { width: 10; height: 1; }"
    now = 0

    def render(self) -> str:
        return str(self.now)


class Ticking(App[None]):
    """A clock in the corner of the screen under a translucent dialog."""

    def compose(self) -> ComposeResult:
        yield Clock()

    def tick(self, n: int) -> None:
        clock = self.query_one(Clock)
        clock.now = n
        clock.refresh()


async def test_a_change_under_a_dialog_repaints_its_region_only_and_only_once() -> None:
    assert background_repaint.install()
    app = Ticking()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(Dialog())
        app.tick(1)  # the screen underneath catches up once with what the push changed on it
        await pilot.pause(0.2)
        dialog = app.screen
        forwarded: list[tuple[Region, ...]] = []
        original = dialog.refresh

        def refresh(*regions: Region, **kwargs: Any) -> Screen[Any]:
            forwarded.append(regions)
            return original(*regions, **kwargs)

        dialog.refresh = refresh  # type: ignore[method-assign]
        for n in range(2, 5):
            app.tick(n)
            await pilot.pause(0.1)
        whole = app.screen.size.region
        background = [regions for regions in forwarded if regions]
        assert background, "a change under the dialog reached the screen"
        assert all(whole not in regions for regions in background)
        assert all(region.y == 0 and region.width <= 10 for rs in background for region in rs)
        forwarded.clear()
        for _ in range(3):  # the screen underneath wakes up with nothing new: nothing is sent
            app.screen_stack[0].post_message(Nudge())
            await pilot.pause(0.1)
        assert not [regions for regions in forwarded if regions]


async def test_the_footer_keeps_its_keys_across_a_dialog_and_follows_changes(
    make_app: AppMaker,
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        main = app.main_screen
        await wait_until(pilot, lambda: main.table.row_count > 5, "the first poll")
        footer = main.query_one(KeyFooter)
        await wait_until(pilot, lambda: bool(footer.query("FooterKey")), "the footer keys")
        before = list(footer.query("FooterKey"))
        for _ in range(2):
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is main, "the calls screen again")
            await pilot.pause(0.2)
        after = list(footer.query("FooterKey"))
        assert after == before and all(key.is_attached for key in after)
        shown = [key.description for key in after]  # type: ignore[attr-defined]
        assert "Hang up" in shown
        main.read_only = True  # as a read-only profile does: the writing keys leave the footer
        main._hide_writing_keys()
        main.refresh_bindings()
        await wait_until(
            pilot,
            lambda: "Hang up" not in [k.description for k in footer.query("FooterKey")],  # type: ignore[attr-defined]
            "the footer without the writing keys",
        )
        assert "Help" in [k.description for k in footer.query("FooterKey")]  # type: ignore[attr-defined]
