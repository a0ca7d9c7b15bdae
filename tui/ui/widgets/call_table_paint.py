"""How the call table paints: cached row segments, the header line and the Duration tick.

A mixin of :class:`~tui.ui.widgets.call_table.CallTable`, split from it so the widget's module
keeps its public API and the diff entry points:

* the widget paints only the lines on screen (``render_line``), formats a row only when it is
  about to be painted, and caches the styled segments by (sid, version, cursor, marked, watched);
* Duration is computed from the start time when painted, for the time of the last tick (every paint
  between two ticks uses the same time, so the table knows what the terminal shows); once a second
  only the Duration characters that change are refreshed ("1:23" -> "1:24": one cell per row, over
  SSH each cell repainted costs bytes every second), plus the Status and Duration cells of a row
  whose threshold highlight changed.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from tui.ui.cell_diff import changed_runs
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

    _painted_at: float | None = None
    """The time the Duration cells are painted for: the last tick's (or the first paint's)."""

    def _paint_time(self) -> float:
        if self._painted_at is None:
            self._painted_at = time.time()
        return self._painted_at

    def _tick_durations(self, now: float | None = None) -> None:
        """Repaint the Duration characters that changed since the last tick, on the rows on screen.

        The cells on screen show the Duration at ``_painted_at`` (every paint since the last tick
        used it), so the characters that differ at ``now`` are all that must be written.
        """
        before, now = self._painted_at, time.time() if now is None else now
        self._painted_at = now
        placed = self._layout.find("duration")
        view = self._model.view
        if not len(view) or placed is None:
            return
        scroll_x, top, body = round(self.scroll_x), round(self.scroll_y), self._body_height()
        x = placed.x - scroll_x
        # Status and Duration of the rows whose threshold highlight changed (_alerts_changed).
        alerts = set(self._alerts_changed(top, body, now))
        status = self._layout.find("status")
        left = status.x - scroll_x if status is not None and status.x < placed.x else x
        width = placed.width
        regions = [Region(x, 1, width, body)] if before is None else []
        rows = self._model.rows
        for offset, sid in enumerate(view.window(top, body)):
            y = 1 + offset
            if top + offset in alerts:
                regions.append(Region(left, y, x + width - left, 1))
            elif before is not None:
                start_ts = rows[sid].start_ts
                old = format_duration_cell(start_ts, width, before)
                new = format_duration_cell(start_ts, width, now)
                regions += [Region(x + a, y, b - a, 1) for a, b in changed_runs(old, new)]
        screen = self.size.region
        regions = [clipped for region in regions if (clipped := region.intersection(screen))]
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
        """The full-width strip of display row ``index`` (unscrolled) at ``now`` (by default the
        time the Duration cells are painted for); public for tests."""
        sid = self._model.view.sid_at(index)
        row = self._model.rows[sid]
        now = self._paint_time() if now is None else now
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
        return self.render_row(index).crop_extend(scroll_x, scroll_x + width, base)
