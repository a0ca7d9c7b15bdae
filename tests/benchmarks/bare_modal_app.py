"""The baseline for the terminal benchmark: a bare Textual app of similar content.

A ``DataTable`` of 10,000 call-like rows whose Duration cells tick every second (50 visible), and
a ``ModalScreen`` dialog with a question, a list of calls and two buttons, opened with ``h`` and
closed with ``escape``. Run as ``python -m tests.benchmarks.bare_modal_app`` inside a terminal.
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Label, Static

ROWS = 10_000
COLUMNS = ("SID", "Status", "From", "To", "Direction", "Started", "Duration", "Queue")


class BareDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    BareDialog { align: center middle; }
    BareDialog > Vertical { width: 80; height: auto; border: thick $error; padding: 1 2; }
    BareDialog Grid { grid-size: 4; height: auto; }
    BareDialog Horizontal { height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss_false", "Cancel"), Binding("n", "dismiss_false")]

    def compose(self) -> ComposeResult:
        with Vertical() as dialog:
            dialog.border_title = "Hang up CA…0000002a"
            yield Label("Hang up this call?")
            with Grid():
                for n in range(4):
                    yield Label(f"CA…{n:08x}")
                    yield Label("+14155550100 → +18889371204")
                    yield Label("in-progress")
                    yield Label("→ completed")
            yield Static("The caller hears nothing more; the call ends now.")
            with Horizontal():
                yield Button("Hang up (y)", variant="error")
                yield Button("Keep (n)")

    def action_dismiss_false(self) -> None:
        self.dismiss(False)


class BareApp(App[None]):
    BINDINGS = [Binding("h", "open", "Hang up"), Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.keys = [table.add_column(name, key=name) for name in COLUMNS]
        self.started = time.time()
        self.rows = [
            table.add_row(
                f"CA{n:032x}",
                "in-progress",
                "+14155550100",
                "+18889371204",
                "inbound",
                "12:00:00",
                f"{n % 600 // 60}:{n % 60:02d}",
                "support",
            )
            for n in range(ROWS)
        ]
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """What a supervisor sees change each second: the Duration of the visible calls."""
        table = self.query_one(DataTable)
        elapsed = int(time.time() - self.started)
        top = table.scroll_offset.y
        for index in range(top, min(top + table.size.height, ROWS)):
            seconds = index % 600 + elapsed
            table.update_cell(self.rows[index], "Duration", f"{seconds // 60}:{seconds % 60:02d}")

    def action_open(self) -> None:
        self.push_screen(BareDialog())


if __name__ == "__main__":
    BareApp().run()
