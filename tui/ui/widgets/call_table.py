"""The live call table: a Line-API ``ScrollView`` that applies poll diffs in O(changes + visible).

Why not ``DataTable``: at 10k rows its ``remove_row`` is O(n) per call, every change invalidates
every cache and repaints the whole viewport, and new rows are measured on idle (seconds of
freeze; see shared/research/performance.md). Here:

* ``CallRows`` (``call_rows.py``, no Textual) keeps the calls, one sort key per call and the
  display order as a sorted list; a diff costs O(k log n) comparisons plus list memmoves. This
  module is only the widget: cursor, marks, scrolling and painting.
* The widget paints only the lines on screen (``render_line``), formats a row only when it is about
  to be painted, and caches the styled segments by (sid, version, cursor, marked).
* After a diff it compares the SIDs on screen before and after: if they are the same it refreshes
  only the changed lines (a few hundred bytes over SSH), otherwise the viewport.
* The cursor follows a SID, not an index; the screen line of the cursor is kept steady when rows
  arrive above it, so the supervisor's target never slides away under the keys.
* Duration is computed from the start time at paint time; once a second only that column's region
  is refreshed.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events

# Textual imports its scrollbar module the first time a scrollbar is shown, i.e. inside the first
# frame after 10k calls arrive (~6 ms, more without cached bytecode). Import it with the table.
from textual import scrollbar as _scrollbar  # noqa: F401
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from tui.core.models import Call, CallDiff
from tui.core.text import display_text
from tui.ui.widgets.call_format import (
    Layout,
    format_duration_cell,
    format_header,
    format_row,
    is_sortable,
    layout_for,
)
from tui.ui.widgets.call_rows import CallRows, Row, SortKey
from tui.ui.widgets.call_table_extras import TableExtras

__all__ = ["CallTable"]

_Pieces = list[tuple[Segment, str]]
"""A row's cached segments, each with its kind (``text``, ``status`` or the ``duration`` slot)."""


class CallTable(TableExtras, can_focus=True):
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
        self._line_cache: LRUCache[tuple[str, int, bool, bool, bool], _Pieces] = LRUCache(1024)
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

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor_index - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor_index + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self._cursor_index - self._body_height())

    def action_page_down(self) -> None:
        self._move_cursor(self._cursor_index + self._body_height())

    def action_first_row(self) -> None:
        self._move_cursor(0)

    def action_last_row(self) -> None:
        self._move_cursor(self.row_count - 1)

    def action_toggle_mark(self) -> None:
        self.toggle_mark()

    def action_open_call(self) -> None:
        call = self.cursor_call
        if call is not None:
            self.post_message(self.Opened(call))

    # -- cursor and scrolling -----------------------------------------------------------------

    def _body_height(self) -> int:
        """Lines available for rows (the header takes one)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _cursor_key(self) -> SortKey | None:
        return None if self._cursor_sid is None else self._model.rows[self._cursor_sid].key

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)

    def _move_cursor(self, index: int) -> None:
        view = self._model.view
        if not len(view):
            return
        index = max(0, min(index, len(view) - 1))
        self._lost_target = None
        if index != self._cursor_index or self._cursor_sid is None:
            self._refresh_row(self._cursor_index)
            self._cursor_index = index
            self._cursor_sid = view.sid_at(index)
            self._refresh_row(index)
            self._selection_changed()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        top, body = round(self.scroll_y), self._body_height()
        if self._cursor_index < top:
            self.scroll_to(y=self._cursor_index, animate=False)
        elif self._cursor_index >= top + body:
            self.scroll_to(y=self._cursor_index - body + 1, animate=False)

    def _relocate_cursor(self, old_key: SortKey | None) -> None:
        """Find the cursor's call again; if it left (or is filtered out), take its neighbour."""
        view = self._model.view
        previous = self._cursor_sid
        if not len(view):
            self._cursor_sid, self._cursor_index = None, 0
        else:
            row = self._model.rows.get(previous) if previous is not None else None
            index = None if row is None else view.index_of(row.key)
            if index is None:
                key = row.key if row is not None else old_key
                index = 0 if key is None else view.nearest(key)
            self._cursor_index = index
            self._cursor_sid = view.sid_at(index)
        if self._cursor_sid != previous:
            if previous is not None and previous not in self._model.rows and not self._marks:
                self._lost_target = (
                    f"The call under the cursor ({display_text(previous[:2])}…"
                    f"{display_text(previous[-8:])}) has ended and the cursor moved to another "
                    "call; nothing was sent. Press again to act on the call now under the cursor."
                )
            self._selection_changed()

    def _snapshot_viewport(self) -> tuple[list[str], int | None]:
        """SIDs on screen, and the cursor's line on screen if it is visible."""
        top, body = round(self.scroll_y), self._body_height()
        line = self._cursor_index - top
        visible = self._cursor_sid is not None and 0 <= line < body
        return self._model.view.window(top, body), (line if visible else None)

    def _after_reorder(
        self,
        before: list[str],
        cursor_line: int | None,
        old_key: SortKey | None,
        touched: set[str],
        *,
        force_repaint: bool = False,
    ) -> None:
        """Settle cursor, scroll and size after the rows changed, then repaint what must be."""
        previous_cursor = self._cursor_sid
        self._relocate_cursor(old_key)
        self._set_row_count(len(self._model.view))
        body = self._body_height()
        top = round(self.scroll_y)
        if cursor_line is not None:
            top = self._cursor_index - cursor_line
        elif self._cursor_index < top or self._cursor_index >= top + body:
            top = self._cursor_index if previous_cursor != self._cursor_sid else top
        top = max(0, min(top, self.max_scroll_y))
        after = self._model.view.window(top, body)
        same_rows = after == before and not force_repaint
        if top != round(self.scroll_y):
            self._quiet_scroll = same_rows
            try:
                self.scroll_to(y=top, animate=False)
            finally:
                self._quiet_scroll = False
        if not same_rows:
            self.refresh()
            return
        if previous_cursor != self._cursor_sid:
            touched = touched | {self._cursor_sid or "", previous_cursor or ""}
        for offset, sid in enumerate(after):
            if sid in touched:
                self._refresh_row(top + offset)

    def _set_row_count(self, rows: int) -> None:
        """Resize the scrollable area without repainting the viewport when possible.

        Assigning ``virtual_size`` runs a layout, and the compositor then marks the whole widget
        dirty because its geometry changed: over SSH that resends every visible line on each poll
        even when nothing on screen moved. When the vertical scrollbar neither appears nor
        disappears, only the scrollbar needs updating, which ``_scroll_update`` does. (A later
        layout pass by another widget still repaints the table once; that is Textual's call.)
        """
        new = Size(self._layout.row_width, rows + 1)
        old = self.virtual_size
        if new == old:
            return
        height = self.container_size.height
        same_scrollbars = height > 0 and (old.height > height) == (new.height > height)
        if not (self.is_mounted and same_scrollbars):
            self.virtual_size = new
            return
        self.set_reactive(CallTable.virtual_size, new)
        self._scroll_update(new)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Skip the full repaint when a diff scrolled to keep exactly the same rows on screen."""
        if self._quiet_scroll:
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.position = new_value
            return
        super().watch_scroll_y(old_value, new_value)

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

    def watch_stale(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._line_cache.clear()
        self.refresh()

    def _tick_durations(self) -> None:
        """Repaint only the Duration column of the rows on screen."""
        placed = self._layout.find("duration")
        if not len(self._model.view) or placed is None:
            return
        scroll_x, top, body = round(self.scroll_x), round(self.scroll_y), self._body_height()
        screen = self.size.region
        regions = [Region(placed.x - scroll_x, 1, placed.width, body).intersection(screen)]
        # Status joins in on the rows whose threshold highlight changed (see _alerts_changed).
        status = self._layout.find("status")
        if status is not None and status.x < placed.x:
            width = placed.x - status.x
            regions += [
                Region(status.x - scroll_x, 1 + index - top, width, 1).intersection(screen)
                for index in self._alerts_changed(top, body, time.time())
            ]
        regions = [region for region in regions if region]
        if regions:
            self.refresh(*regions)

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

    # -- painting -----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"call-table--{name}", partial=True)
            self._styles[name] = style
        return style

    def _base_style(self) -> Style:
        """``self.rich_style``, kept until the styles change.

        Textual computes ``rich_style`` by walking every ancestor's styles; asked once per painted
        line it cost ~0.1 ms each, several milliseconds of every full repaint.
        """
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _row_style(self, cursor: bool, marked: bool) -> Style:
        style = self._base_style()
        if marked:
            style += self._style("marked")
        if cursor:
            style += self._style("cursor")
        if self.stale:
            style += self._style("stale")
        return style

    def _status_style(self, status: str) -> Style:
        if status in ("queued", "ringing", "in-progress"):
            return self._style(f"status-{status}")
        return self._style("status-other")

    def refresh_calls(self, sids: Collection[str]) -> None:
        """Repaint the rows of ``sids`` whose cells changed outside their Call (the floor's
        Where column); rows not on screen just lose their cached lines."""
        for key in [key for key in self._line_cache.keys() if key[0] in sids]:  # noqa: SIM118
            self._line_cache.discard(key)
        top = round(self.scroll_y)
        for offset, sid in enumerate(self._model.view.window(top, self._body_height())):
            if sid in sids:
                self._refresh_row(top + offset)

    def set_watched(self, sids: frozenset[str]) -> None:
        """Calls another console is on (shown in the marker cell); repaints if it changed."""
        if sids != self._watched:
            self._watched = sids
            self.refresh()

    def _row_segments(self, row: Row, cursor: bool, marked: bool) -> _Pieces:
        watched = row.call.sid in self._watched
        key = (row.call.sid, row.version, cursor, marked, watched)
        cached = self._line_cache.get(key)
        if cached is None:
            pieces = format_row(
                row.call, self._layout, marked=marked, is_child=row.is_child, watched=watched
            )
            style = self._row_style(cursor, marked)
            status_style = style + self._status_style(row.call.status)
            if self.stale:
                status_style += self._style("stale")
            cached = [
                (Segment(text, status_style if kind == "status" else style), kind)
                for text, kind in pieces
            ]
            self._line_cache[key] = cached
        return cached

    def _header_strip(self) -> Strip:
        text = format_header(self._layout, self._model.sort_column, self._model.descending)
        style = self._base_style() + self._style("header")
        return Strip([Segment(text, style)], self._layout.row_width)

    def render_row(self, index: int, now: float | None = None) -> Strip:
        """The full-width strip of display row ``index`` (unscrolled); public for tests."""
        sid = self._model.view.sid_at(index)
        row = self._model.rows[sid]
        now = time.time() if now is None else now
        alert = self._threshold_style(row, now)
        duration = self._layout.find("duration")
        segments: list[Segment] = []
        for segment, kind in self._row_segments(row, sid == self._cursor_sid, sid in self._marks):
            if kind == "duration":
                width = 8 if duration is None else duration.width
                text = format_duration_cell(row.start_ts, width, now)
                style = segment.style or Style()
                segments.append(Segment(text, style + alert if alert else style))
            elif kind == "status" and alert is not None:
                segments.append(Segment(segment.text, (segment.style or Style()) + alert))
            else:
                segments.append(segment)
        return Strip(segments, self._layout.row_width)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._base_style()
        if y == 0:
            header = self._header_strip().crop_extend(scroll_x, scroll_x + width, base)
            news = self._with_news(header, min(width, self.scrollable_content_region.width))
            return news.crop_extend(0, width, base)
        index = scroll_y + y - 1
        if index >= len(self._model.view):
            if y == 1 and self._model.filter_text:
                return self._no_matches_strip(width)
            return Strip.blank(width, base)
        return self.render_row(index, time.time()).crop_extend(scroll_x, scroll_x + width, base)
