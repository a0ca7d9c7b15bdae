"""How the call table paints: cached row segments, the header line and the Duration tick.

A mixin of :class:`~tui.ui.widgets.call_table.CallTable`, split from it so the widget's module
keeps its public API and the diff entry points:

* the widget paints only the lines on screen (``render_line``), formats a row only when it is
  about to be painted, and caches the styled segments by (sid, version, cursor, marked, watched);
* Duration is computed from the start time at paint time; once a second only that column's region
  is refreshed (plus the Status cell of a row whose threshold highlight changed).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from tui.ui.widgets.call_cells import format_duration_cell
from tui.ui.widgets.call_format import format_header, format_row
from tui.ui.widgets.call_table_extras import TableExtras

if TYPE_CHECKING:
    from textual.cache import LRUCache

    from tui.ui.widgets.call_columns import Layout
    from tui.ui.widgets.call_rows import Row

Pieces = list[tuple[Segment, str]]
"""A row's cached segments, each with its kind (``text``, ``status`` or the ``duration`` slot)."""


class TablePaint(TableExtras):
    """Base of ``CallTable`` holding its painting; see the module docstring."""

    if TYPE_CHECKING:  # provided by CallTable
        stale: bool
        _cursor_sid: str | None
        _styles: dict[str, Style]
        _line_cache: LRUCache[tuple[str, int, bool, bool, bool], Pieces]
        _watched: frozenset[str]
        _layout: Layout

        def _body_height(self) -> int: ...
        def _refresh_row(self, index: int) -> None: ...

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

    def _row_segments(self, row: Row, cursor: bool, marked: bool) -> Pieces:
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
