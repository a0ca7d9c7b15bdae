"""The call table's cursor and scrolling: a cursor that follows a call, not an index.

A mixin of :class:`~tui.ui.widgets.call_table.CallTable`, split from it so the widget's module
keeps its public API and the diff entry points:

* the cursor keys (up, down, page, first, last) and keeping the cursor on screen;
* after a diff, a sort or a filter: finding the cursor's call again (or its neighbour when it
  left), keeping its screen line steady when rows arrive above it, and repainting only the lines
  that changed when the rows on screen are the same SIDs as before;
* resizing the scrollable area without a full repaint when the scrollbar stays as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size
from textual.scroll_view import ScrollView

from tui.core.text import display_text

if TYPE_CHECKING:
    from tui.ui.widgets.call_columns import Layout
    from tui.ui.widgets.call_rows import CallRows
    from tui.ui.widgets.sorted_rows import SortKey


class TableCursor(ScrollView):
    """Base of ``CallTable`` holding the cursor and scrolling rules; see the module docstring."""

    if TYPE_CHECKING:  # provided by CallTable
        _model: CallRows
        _cursor_sid: str | None
        _cursor_index: int
        _marks: set[str]
        _lost_target: str | None
        _quiet_scroll: bool
        _layout: Layout

        @property
        def row_count(self) -> int: ...
        def _selection_changed(self) -> None: ...

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
        self.set_reactive(TableCursor.virtual_size, new)
        self._scroll_update(new)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Skip the full repaint when a diff scrolled to keep exactly the same rows on screen."""
        if self._quiet_scroll:
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.position = new_value
            return
        super().watch_scroll_y(old_value, new_value)
