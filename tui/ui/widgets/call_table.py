"""The live call table: a Line-API ``ScrollView`` that applies poll diffs in O(changes + visible).

Why not ``DataTable``: at 10k rows its ``remove_row`` is O(n) per call, every change invalidates
every cache and repaints the whole viewport, and new rows are measured on idle (seconds of
freeze; see shared/research/performance.md). Here:

* ``CallRows`` (``call_rows.py``, no Textual) keeps the calls, one sort key per call and the
  display order as a sorted list; a diff costs O(k log n) comparisons plus list memmoves. This
  module is the widget's public API: diffs, sort, filter, marks and its messages.
* ``TableCursor`` (``call_table_cursor.py``): the cursor follows a SID, not an index; the screen
  line of the cursor is kept steady when rows arrive above it, so the supervisor's target never
  slides away under the keys. After a diff it compares the SIDs on screen before and after: if
  they are the same it refreshes only the changed lines (a few hundred bytes over SSH), otherwise
  the viewport.
* ``TablePaint`` (``call_table_paint.py``): only the lines on screen are painted, from cached
  segments; Duration is computed at paint time (for the last tick's time) and ticks by refreshing
  only the characters of that column that change.
* ``TableExtras`` (``call_table_extras.py``): bulk marks, thresholds, new-call news, copy, paste.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual import events

# Textual imports its scrollbar module the first time a scrollbar is shown, i.e. inside the first
# frame after 10k calls arrive (~6 ms, more without cached bytecode). Import it with the table.
from textual import scrollbar as _scrollbar  # noqa: F401
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from tui.core.models import Call, CallDiff
from tui.ui.widgets.call_columns import Layout, is_sortable, layout_for
from tui.ui.widgets.call_rows import CallRows
from tui.ui.widgets.call_table_cursor import TableCursor
from tui.ui.widgets.call_table_extras import TableExtras
from tui.ui.widgets.call_table_paint import Pieces, TablePaint

__all__ = ["CallTable"]


class CallTable(TableCursor, TablePaint, can_focus=True):
    """Live calls, one per line, with a cursor that follows a call and marks for bulk actions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="page-up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="page-down"),
        Binding("home,g", "first_row", "First call", show=False, id="first-row"),
        Binding("end,G", "last_row", "Last call", show=False, id="last-row"),
        Binding("space", "toggle_mark", "Mark", id="toggle-mark"),
        Binding("enter", "open_call", "Open", id="open-call"),
        *TableExtras.EXTRA_BINDINGS,
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "call-table--header",
        "call-table--cursor",
        "call-table--marked",
        "call-table--stale",
        "call-table--status-queued",
        "call-table--status-ringing",
        "call-table--status-in-progress",
        "call-table--status-other",
        "call-table--long-wait",
        "call-table--long-call",
        "call-table--news",
    }

    DEFAULT_CSS = """
    CallTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .call-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .call-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .call-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .call-table--marked { background: $accent 40%; text-style: bold underline; }
        & > .call-table--long-wait { color: $error; text-style: bold reverse; }
        & > .call-table--long-call { color: $warning; text-style: bold; }
        & > .call-table--news { background: $accent; color: $foreground; text-style: bold; }
        & > .call-table--stale { text-style: dim; }
        & > .call-table--status-queued { color: $warning; }
        & > .call-table--status-ringing { color: ansi_bright_cyan; }
        & > .call-table--status-in-progress { color: $success; }
        & > .call-table--status-other { color: $text-muted; }
    }
    """

    stale: reactive[bool] = reactive(False)
    """True while the shown data is out of date (poll failing): every row renders dimmed."""

    class Opened(Message):
        """The supervisor pressed enter on a call."""

        def __init__(self, call: Call) -> None:
            super().__init__()
            self.call = call

    class SelectionChanged(Message):
        """The cursor moved to another call or the marks changed (posted at most once per turn)."""

        def __init__(self, cursor_sid: str | None, marked: frozenset[str]) -> None:
            super().__init__()
            self.cursor_sid = cursor_sid
            self.marked = marked

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = CallRows()
        self._cursor_sid: str | None = None
        self._cursor_index = 0
        self._marks: set[str] = set()
        self._line_cache: LRUCache[tuple[str, int, bool, bool, bool], Pieces] = LRUCache(1024)
        self._watched: frozenset[str] = frozenset()
        self._styles: dict[str, Style] = {}
        self._quiet_scroll = False
        self._selection_pending = False
        self._posted_selection: tuple[str | None, frozenset[str]] | None = None
        self._lost_target: str | None = None
        self._layout: Layout = layout_for(None)
        self.virtual_size = Size(self._layout.row_width, 1)
        self._init_extras()

    # -- public API ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self._model.view)

    @property
    def total_count(self) -> int:
        """All live calls the table holds."""
        return len(self._model.rows)

    @property
    def marked_sids(self) -> frozenset[str]:
        return frozenset(self._marks)

    @property
    def cursor_call(self) -> Call | None:
        if self._cursor_sid is None:
            return None
        return self._model.rows[self._cursor_sid].call

    @property
    def sort_column(self) -> str:
        return self._model.sort_column

    @property
    def sort_descending(self) -> bool:
        return self._model.descending

    @property
    def filter_text(self) -> str:
        return self._model.filter_text

    @property
    def cursor_index(self) -> int:
        """Display index of the cursor's row (0 when the table is empty)."""
        return self._cursor_index

    def get_call_at(self, index: int) -> Call:
        """The call shown at display ``index`` (after sort and filter)."""
        return self._model.rows[self._model.view.sid_at(index)].call

    def get_call(self, sid: str) -> Call | None:
        row = self._model.rows.get(sid)
        return None if row is None else row.call

    def children_of(self, sid: str) -> list[Call]:
        """Present child legs of ``sid``, in the order they are shown."""
        return self._model.children_of(sid)

    def target_calls(self) -> list[Call]:
        """What an action applies to: the marked calls if any, else the cursor's call."""
        if self._marks:
            rows = self._model.rows
            return [rows[sid].call for sid in self._model.in_display_order(self._marks)]
        call = self.cursor_call
        return [] if call is None else [call]

    def take_lost_target(self) -> str | None:
        """Why the next action must not go to what is selected now, once; else ``None``.

        When the call under the cursor ends, the cursor moves to a neighbour; when every marked
        call ends, the action would fall back to the cursor's call. Either way the supervisor's
        next key would act on a call they never chose: the screen asks this first and, given a
        sentence, shows it instead of acting. Moving the cursor (or asking once) clears it.
        """
        lost, self._lost_target = self._lost_target, None
        return lost

    def unmark(self, sids: set[str]) -> None:
        """Drop these calls' marks (e.g. the ones an action was applied to)."""
        if self._marks & sids:
            self._marks.difference_update(sids)
            self.refresh()
            self._selection_changed()

    def apply_diff(self, diff: CallDiff) -> None:
        """Apply one poll's diff; work is O(changes log n + visible rows)."""
        if not diff:
            return
        before, cursor_line = self._snapshot_viewport()
        old_key = self._cursor_key()
        known = self._model.rows
        arrived = [call.sid for call in diff.added if call.sid not in known]
        applied = self._model.apply(diff)
        marks_dropped = bool(self._marks & applied.removed)
        if marks_dropped and not self._marks - applied.removed:
            self._lost_target = (
                "Every marked call has ended, so nothing is marked now; nothing was sent. "
                "Press again to act on the call under the cursor."
            )
        self._marks.difference_update(applied.removed)
        self._after_reorder(before, cursor_line, old_key, applied.touched)
        self._note_arrivals(arrived, applied.removed)
        if marks_dropped:
            self._selection_changed()

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort by a column key; calling it again for the same column flips the direction."""
        if not is_sortable(column):
            raise ValueError(f"cannot sort by {column!r}")
        if descending is None:
            same = column == self._model.sort_column
            descending = not self._model.descending if same else False
        self._lost_target = None
        before, cursor_line = self._snapshot_viewport()
        old_key = self._cursor_key()
        self._model.sort_by(column, descending)
        self._after_reorder(before, cursor_line, old_key, set(), force_repaint=True)

    def set_filter(self, text: str) -> None:
        """Show only calls whose SID, numbers, status, direction or answered-by contain ``text``."""
        if text.strip().lower() == self._model.filter_text:
            return
        self._lost_target = None  # the supervisor chose what is shown: the cursor is theirs
        before, cursor_line = self._snapshot_viewport()
        old_key = self._cursor_key()
        self._model.set_filter(text)
        self._after_reorder(before, cursor_line, old_key, set(), force_repaint=True)
        self._lost_target = None  # the supervisor chose anew

    def toggle_mark(self) -> None:
        sid = self._cursor_sid
        if sid is None:
            return
        if sid in self._marks:
            self._marks.discard(sid)
        else:
            self._marks.add(sid)
        self._refresh_row(self._cursor_index)
        self._selection_changed()
        self._lost_target = None  # the supervisor chose anew

    def clear_marks(self) -> None:
        if not self._marks:
            return
        self._marks.clear()
        self.refresh()
        self._selection_changed()

    # -- actions ------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        self.toggle_mark()

    def action_open_call(self) -> None:
        call = self.cursor_call
        if call is not None:
            self.post_message(self.Opened(call))

    # -- messages -----------------------------------------------------------------------------

    def _selection_changed(self) -> None:
        if not self._selection_pending:
            self._selection_pending = True
            self.call_later(self._post_selection)

    def _post_selection(self) -> None:
        self._selection_pending = False
        state = (self._cursor_sid, frozenset(self._marks))
        if state != self._posted_selection:
            self._posted_selection = state
            self.post_message(self.SelectionChanged(*state))

    # -- Textual hooks ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick_durations)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        """Choose the columns for the width on screen (priority order; full SIDs when wide)."""
        # Leave room for the vertical scrollbar even before it shows: a table that gains rows
        # would otherwise push its last column under the scrollbar.
        scrollbar = 0 if self.show_vertical_scrollbar else self.styles.scrollbar_size_vertical
        width = self.scrollable_content_region.width - scrollbar
        layout = layout_for(width)
        if layout == self._layout:
            return
        self._layout = layout
        self._line_cache.clear()
        self.virtual_size = Size(layout.row_width, len(self._model.view) + 1)
        self.refresh()

    @property
    def column_layout(self) -> Layout:
        """The columns shown now."""
        return self._layout

    def on_click(self, event: events.Click) -> None:
        """A click on a row moves the cursor there; a click on the header sorts by that column."""
        if event.y == 0:
            placed = self._layout.at(event.x + round(self.scroll_x))
            if placed is not None and is_sortable(placed.column.key):
                self.sort_by(placed.column.key)
            return
        self._move_cursor(round(self.scroll_y) + event.y - 1)
