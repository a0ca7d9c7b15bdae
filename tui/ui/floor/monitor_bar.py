"""One line that is on screen whenever the supervisor's own leg is in a room.

"◉ LISTENING to Support call 12 (CF…1a2b) — L stops": a supervisor who forgets they are
barged in speaks to a customer unawares, so this is never hidden while a leg is up, on the main
screen, the queues screen and the conference screen alike.
"""

from __future__ import annotations

from typing import Final

from rich.text import Text
from textual.widget import Widget

from tui.core.floor.actions import Monitor
from tui.core.text import display_text
from tui.ui.floor.control import FloorController

MODE_WORDS: Final = {
    "listening": "LISTENING to",
    "whispering": "WHISPERING in",
    "barged": "BARGED into",
}


def describe_monitor(monitor: Monitor, room_name: str) -> str:
    """The bar's text, e.g. ``LISTENING to Support 12 (CF…1a2b)``."""
    words = MODE_WORDS.get(monitor.mode, monitor.mode.upper())
    sid = monitor.conference_sid
    short = f"{sid[:2]}…{sid[-8:]}"
    name = display_text(room_name, limit=40)
    where = f"{name} ({short})" if name and name != short else short
    coach = ""
    if monitor.coaching:
        coach = f" · coaching {monitor.coaching[:2]}…{monitor.coaching[-8:]}"
    return f"◉ {words} {where}{coach}"


class MonitorBar(Widget):
    """Shown only while the supervisor listens, whispers or is barged in."""

    DEFAULT_CSS = """
    MonitorBar { height: 1; display: none; background: $error; color: $text; text-style: bold; }
    MonitorBar.-whispering { background: $warning; color: $background; }
    MonitorBar.-listening { background: $accent; color: $background; }
    MonitorBar.-on { display: block; }
    """

    def __init__(self, controller: FloorController, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self._shown: tuple[object, ...] | None = None

    def on_mount(self) -> None:
        self.set_interval(0.5, self.sync)
        self.sync()

    def sync(self) -> None:
        monitor = self.controller.monitor
        name = self.controller.room_name(monitor.conference_sid) if monitor else ""
        state = (monitor, name)
        if state == self._shown:
            return
        self._shown = state
        self.set_class(monitor is not None, "-on")
        for mode in ("listening", "whispering", "barged"):
            self.set_class(monitor is not None and monitor.mode == mode, f"-{mode}")
        self.refresh()

    @property
    def text(self) -> str:
        monitor = self.controller.monitor
        if monitor is None:
            return ""
        return describe_monitor(monitor, self.controller.room_name(monitor.conference_sid))

    def render(self) -> Text:
        text = self.text
        return Text(f" {text} — L stops" if text else "")
