"""What the call table does beyond cursor, sort and paint: bulk marks, thresholds, news, copy.

A mixin of :class:`~tui.ui.widgets.call_table.CallTable`, kept apart so the widget's module stays
about painting and scrolling:

* mark every visible call, invert the marks, clear them;
* highlight calls that have waited or lasted past ``[thresholds]`` (computed at paint time, so a
  call crosses a threshold without a poll);
* count new calls that arrived above the rows on screen and show the count in the header line,
  with the key that jumps to them, instead of piling them up out of sight;
* copy the cursor call's SID or number (OSC 52) and jump to a pasted Call SID.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.sids import is_call_sid
from tui.core.text import display_text
from tui.core.thresholds import Thresholds
from tui.ui.clipboard import NotCopyable, copy_to_clipboard
from tui.ui.keymap import key_display
from tui.ui.widgets.call_cells import elapsed

if TYPE_CHECKING:
    from textual.cache import LRUCache

    from tui.core.models import Call
    from tui.ui.widgets.call_rows import CallRows, Row

_MAX_NEWS = 10_000
"""Past this many unseen arrivals the header just says so; the set is not grown further."""


class TableExtras(ScrollView):
    """Base of ``CallTable`` holding the features above; see the module docstring."""

    EXTRA_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "mark_all", "Mark all shown", show=False, id="mark-all"),
        Binding("i", "invert_marks", "Invert marks", show=False, id="invert-marks"),
        Binding("u", "clear_marks", "Clear marks", show=False, id="clear-marks"),
        Binding("y", "copy_sid", "Copy SID", show=False, id="copy-sid"),
        Binding("Y", "copy_number", "Copy number", show=False, id="copy-number"),
        Binding("n", "jump_new", "Jump to new calls", show=False, id="jump-new"),
    ]

    thresholds: Thresholds
    _new_above: set[str]

    if TYPE_CHECKING:  # provided by CallTable
        _model: CallRows
        _marks: set[str]
        _line_cache: LRUCache[tuple[str, int, bool, bool, bool], list[tuple[Segment, str]]]

        @property
        def cursor_call(self) -> Call | None: ...
        def clear_marks(self) -> None: ...
        def _move_cursor(self, index: int) -> None: ...
        def _selection_changed(self) -> None: ...
        def _style(self, name: str) -> Style: ...
        def _base_style(self) -> Style: ...

    def _init_extras(self) -> None:
        self.thresholds = Thresholds()
        self._new_above = set()
        self._tick_alerts: dict[str, Style | None] = {}

    # -- marks --------------------------------------------------------------------------------

    def mark_all_visible(self) -> None:
        """Mark every call the filter shows (all calls without a filter)."""
        view = self._model.view
        before = len(self._marks)
        self._marks.update(view.window(0, len(view)))
        if len(self._marks) != before:
            self._line_cache.clear()
            self.refresh()
            self._selection_changed()

    def invert_marks(self) -> None:
        """Marked visible calls become unmarked and the other visible calls marked."""
        view = self._model.view
        shown = set(view.window(0, len(view)))
        self._marks.symmetric_difference_update(shown)
        self._line_cache.clear()
        self.refresh()
        self._selection_changed()

    def action_mark_all(self) -> None:
        self.mark_all_visible()

    def action_invert_marks(self) -> None:
        self.invert_marks()

    def action_clear_marks(self) -> None:
        self.clear_marks()

    # -- thresholds ---------------------------------------------------------------------------

    def _threshold_style(self, row: Row, now: float) -> Style | None:
        """The highlight for a call that waited or lasted past its threshold, else ``None``."""
        call = row.call
        start = row.start_ts
        if start is None and call.status in ("queued", "ringing") and call.date_created:
            start = call.date_created.timestamp()
        level = self.thresholds.level(call.status, elapsed(start, now))
        return None if level is None else self._style(level)

    def _alerts_changed(self, top: int, count: int, now: float) -> list[int]:
        """Display rows of ``[top, top + count)`` whose highlight changed since the last call, or
        that it had not seen: the Duration tick repaints their Status cell too, and only the
        Duration of the others (over SSH each cell repainted costs bytes every second)."""
        view, rows = self._model.view, self._model.rows
        before, now_alerts = self._tick_alerts, {}
        changed = []
        for index in range(top, min(top + count, len(view))):
            sid = view.sid_at(index)
            alert = now_alerts[sid] = self._threshold_style(rows[sid], now)
            if sid not in before or before[sid] != alert:
                changed.append(index)
        self._tick_alerts = now_alerts
        return changed

    # -- new calls above the screen -----------------------------------------------------------

    @property
    def new_above(self) -> int:
        """New calls that arrived above the rows on screen and have not been seen yet."""
        self._prune_news()
        return len(self._new_above)

    def _note_arrivals(self, arrived: list[str], removed: set[str]) -> None:
        self._new_above.difference_update(removed)
        if not arrived or len(self._new_above) >= _MAX_NEWS:
            return
        top = round(self.scroll_y)
        rows, view = self._model.rows, self._model.view
        for sid in arrived:
            row = rows.get(sid)
            if row is None or row.is_child:
                continue
            index = view.index_of(row.key)
            if index is not None and index < top:
                self._new_above.add(sid)
        self._prune_news()

    def _prune_news(self) -> None:
        """Forget arrivals that are now on screen or below it (scrolled to, or re-sorted)."""
        if not self._new_above:
            return
        top = round(self.scroll_y)
        rows, view = self._model.rows, self._model.view
        seen = set()
        for sid in self._new_above:
            row = rows.get(sid)
            index = None if row is None else view.index_of(row.key)
            if index is None or index >= top:
                seen.add(sid)
        self._new_above -= seen

    def _with_news(self, header: Strip, width: int) -> Strip:
        """The header line, with "↑ 3 new · n" at its right end while new calls are above."""
        count = self.new_above
        if not count:
            return header
        key = key_display(self.app, "jump-new", "n")
        label = f" ↑ {count:,} new above · {key} "
        if len(label) >= width:
            label = f"↑{count} {key}"[: max(0, width)]
        keep = header.crop(0, max(0, width - len(label)))
        news = Segment(label, self._base_style() + self._style("news"))
        return Strip([*keep, news], width).crop_extend(0, width, self._base_style())

    def _no_matches_strip(self, width: int) -> Strip:
        """What an empty filtered table says instead of a blank screen."""
        text = f"  No calls match {display_text(self._model.filter_text, limit=40)!r}"
        text += " (escape clears the filter)"
        style = self._base_style() + self._style("status-other")
        return Strip([Segment(text, style)]).crop_extend(0, width, self._base_style())

    def action_jump_new(self) -> None:
        """Go to the top of the table, where new calls arrive under the default sort."""
        self._new_above.clear()
        self._move_cursor(0)
        self.scroll_to(y=0, animate=False)
        self.refresh_line(0)

    # -- clipboard ----------------------------------------------------------------------------

    def _copy(self, text: str, what: str) -> None:
        try:
            copy_to_clipboard(self.app, text)
        except NotCopyable:
            self.notify(f"This call's {what} cannot be copied.", severity="warning")
            return
        self.notify(f"Copied {what} {text}", timeout=3, markup=False)

    def action_copy_sid(self) -> None:
        call = self.cursor_call
        if call is not None:
            self._copy(call.sid, "SID")

    def action_copy_number(self) -> None:
        """Copy the customer's number: the caller of an inbound call, the callee otherwise."""
        call = self.cursor_call
        if call is not None:
            number = call.from_ if call.direction == "inbound" else call.to
            self._copy(number, "number")

    def jump_to_sid(self, sid: str) -> bool:
        """Put the cursor on the call ``sid``; say why not when it is not shown."""
        row = self._model.rows.get(sid)
        if row is None:
            self.notify(f"{sid} is not a live call here.", severity="warning", markup=False)
            return False
        index = self._model.view.index_of(row.key)
        if index is None:
            self.notify(f"{sid} is hidden by the filter.", severity="warning", markup=False)
            return False
        self._move_cursor(index)
        return True

    def on_paste(self, event: events.Paste) -> None:
        """Pasting a Call SID onto the table jumps to that call."""
        event.stop()
        text = event.text.strip()
        if is_call_sid(text):
            self.jump_to_sid(text)
        else:
            self.notify(
                "Paste a Call SID (CA followed by 32 hex digits) to jump to that call.",
                severity="warning",
            )
