"""The call table's model: live calls by SID, one sort key per call, and the display order.

Kept apart from the widget, with no Textual import, so the ordering and diff rules can be read,
tested and benchmarked without an app. ``CallTable`` (``call_table.py``) owns the cursor, marks,
scrolling and painting; it asks this model which SID stands at which display index.

* ``SortedRows`` (``sorted_rows.py``) holds a view's keys as an ascending list for ``bisect``;
  a diff costs O(k log n) comparisons plus list memmoves, and big batches are merged in one pass.
* ``CallRows`` keeps the rows, the parent → child-leg links, the full view and the filtered view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.models import Call, CallDiff
from tui.ui.widgets.call_cells import start_timestamp
from tui.ui.widgets.call_columns import BLANK, DEFAULT_SORT, SORT_VALUES, SortValue
from tui.ui.widgets.call_format import filter_digits, haystack
from tui.ui.widgets.sorted_rows import SortedRows, SortKey

__all__ = ["AppliedDiff", "CallRows", "Row", "SortKey", "SortedRows"]

_BULK_MIN = 256
"""From this many additions (and a quarter of the table), re-sort instead of bisect-inserting."""


@dataclass(slots=True, eq=False)
class Row:
    """One live call plus what the table derives from it. ``version`` changes with any of it."""

    call: Call
    version: int
    start_ts: float | None
    key: SortKey = ("", "", "", 0, 0.0, "")  # type: ignore[assignment]
    is_child: bool = False
    text: str | None = None
    """The filter haystack, computed on first use."""


@dataclass(frozen=True, slots=True)
class AppliedDiff:
    """What the widget needs to know after a diff: rows changed in place, and SIDs that left."""

    touched: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


class CallRows:
    """The table's model: calls by SID, their sort keys, the sorted view and the filtered view.

    No Textual here, so it can be tested and benchmarked on its own. Every mutation keeps the
    views sorted incrementally; only ``sort_by``, ``set_filter`` and very large additions
    rebuild them.
    """

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.children: dict[str, set[str]] = {}
        """parent SID → SIDs of present calls that name it as parent (present or not)."""
        self.sort_column, self.descending = DEFAULT_SORT
        self.all = SortedRows(self.descending)
        self.filtered: SortedRows | None = None
        self.filter_text = ""
        self.filter_digits = ""
        self._version = 0

    @property
    def view(self) -> SortedRows:
        """What the table shows: the filtered rows, or all rows when no filter is set."""
        return self.all if self.filtered is None else self.filtered

    def _next_version(self) -> int:
        self._version += 1
        return self._version

    # -- keys ---------------------------------------------------------------------------------

    def _group_key(self, call: Call) -> tuple[int, SortValue, str]:
        value = SORT_VALUES[self.sort_column](call)
        if value is None:
            return (0 if self.descending else 1, BLANK[self.sort_column], call.sid)
        return (1 if self.descending else 0, value, call.sid)

    def _parent_row(self, call: Call) -> Row | None:
        parent_sid = call.parent_call_sid
        if parent_sid is None or parent_sid == call.sid:
            return None
        return self.rows.get(parent_sid)

    def _compute_key(self, row: Row) -> tuple[SortKey, bool]:
        """The key ``row`` should have and whether it shows as a child leg.

        The parent's key must already be current.
        """
        call = row.call
        parent = self._parent_row(call)
        if parent is None:
            return (*self._group_key(call), 0, 0.0, call.sid), False
        order = row.start_ts if row.start_ts is not None else 0.0
        group = parent.key[:3]
        if self.descending:
            return (group[0], group[1], group[2], -1, -order, call.sid), True
        return (group[0], group[1], group[2], 1, order, call.sid), True

    def _assign_key(self, row: Row) -> None:
        row.key, is_child = self._compute_key(row)
        if is_child != row.is_child:
            row.is_child = is_child
            row.version = self._next_version()

    def _assign_all_keys(self, rows: Iterable[Row]) -> None:
        """Key many rows at once, parents first (a parent may itself be a child leg).

        Same keys as ``_assign_key`` row by row, but this is the first-fill and re-sort path
        (10k rows in one call), so it is written flat: the column's value function and the flags
        are bound once, keys are built as literal tuples, and is_child changes share one version
        bump. A row whose parent is outside ``rows`` uses the parent's current key.
        """
        present = self.rows
        value_of = SORT_VALUES[self.sort_column]
        by_start = value_of is SORT_VALUES["started"]
        blank = BLANK[self.sort_column]
        if self.descending:
            shown_flag, blank_flag, child_flag, sign = 1, 0, -1, -1.0
        else:
            shown_flag, blank_flag, child_flag, sign = 0, 1, 1, 1.0
        version = 0  # one new version for every row whose child-leg look changes
        pending: list[Row] = []
        for row in rows:
            call = row.call
            sid = call.sid
            parent_sid = call.parent_call_sid
            if parent_sid is None or parent_sid == sid or parent_sid not in present:
                # Sorting by start (the default) reuses the row's timestamp: a second
                # ``datetime.timestamp`` per call was ~3 ms of the 10k first fill.
                start = row.start_ts if by_start else None
                value = start if start is not None else value_of(call)
                if value is None:
                    row.key = (blank_flag, blank, sid, 0, 0.0, sid)
                else:
                    row.key = (shown_flag, value, sid, 0, 0.0, sid)
                if row.is_child:
                    row.is_child = False
                    row.version = version = version or self._next_version()
            else:
                pending.append(row)
        while pending:  # child legs; usually one round (a grandchild may need another)
            waiting = {row.call.sid for row in pending}
            later: list[Row] = []
            for row in pending:
                call = row.call
                parent_sid = call.parent_call_sid
                if parent_sid in waiting:
                    later.append(row)
                    continue
                group = present[parent_sid].key  # type: ignore[index]
                order = row.start_ts
                row.key = (
                    group[0],
                    group[1],
                    group[2],
                    child_flag,
                    0.0 if order is None else sign * order,
                    call.sid,
                )
                if not row.is_child:
                    row.is_child = True
                    row.version = version = version or self._next_version()
                waiting.discard(call.sid)
            if len(later) == len(pending):  # a cycle of parents: key them as top-level
                for row in later:
                    row.key = (*self._group_key(row.call), 0, 0.0, row.call.sid)
                break
            pending = later

    # -- filter -------------------------------------------------------------------------------

    def shown(self, row: Row) -> bool:
        """In the filtered view: the row matches, or one of its child legs does (so the leg
        is seen under its parent, not orphaned)."""
        if self.matches(row):
            return True
        rows = self.rows
        return any(
            (child := rows.get(sid)) is not None and self.matches(child)
            for sid in self.children.get(row.call.sid, ())
        )

    def _reconcile_parents(self, calls: Iterable[Call], removed: Iterable[str]) -> None:
        """After a diff under a filter: parents shown only for a child leg are added/removed."""
        assert self.filtered is not None
        parents = {call.parent_call_sid for call in calls if call.parent_call_sid}
        parents |= {sid for sid in removed if sid in self.rows}
        for sid in parents:
            row = self.rows.get(sid)
            if row is None:
                continue
            present = self.filtered.index_of(row.key) is not None
            if self.shown(row) != present:
                if present:
                    self.filtered.remove(row.key)
                else:
                    self.filtered.insert(row.key)

    def matches(self, row: Row) -> bool:
        if not self.filter_text:
            return True
        if row.text is None:
            row.text = haystack(row.call)
        return self.filter_text in row.text or bool(
            self.filter_digits and self.filter_digits in row.text
        )

    # -- incremental view maintenance ---------------------------------------------------------

    def _insert(self, row: Row) -> None:
        self.all.insert(row.key)
        if self.filtered is not None and self.shown(row):
            self.filtered.insert(row.key)

    def _detach(self, row: Row) -> None:
        self.all.remove(row.key)
        if self.filtered is not None:
            self.filtered.remove(row.key)

    def _subtree(self, sid: str) -> list[Row]:
        """The row and its present descendants, parents before children."""
        out = [self.rows[sid]]
        seen = {sid}
        index = 0
        while index < len(out):
            for child_sid in self.children.get(out[index].call.sid, ()):
                if child_sid not in seen and child_sid in self.rows:
                    seen.add(child_sid)
                    out.append(self.rows[child_sid])
            index += 1
        return out

    def _rekey_subtree(self, sid: str) -> None:
        """Re-place a row and its child legs after its sort value or its parent changed."""
        subtree = self._subtree(sid)
        for row in subtree:
            self._detach(row)
        for row in subtree:
            self._assign_key(row)
            self._insert(row)

    def _link(self, call: Call) -> None:
        if call.parent_call_sid is not None:
            self.children.setdefault(call.parent_call_sid, set()).add(call.sid)

    def _unlink(self, call: Call) -> None:
        parent_sid = call.parent_call_sid
        if parent_sid is not None and (siblings := self.children.get(parent_sid)) is not None:
            siblings.discard(call.sid)
            if not siblings:
                del self.children[parent_sid]

    def _rebuild_views(self) -> None:
        rows = self.rows.values()
        self.all = SortedRows(self.descending, [row.key for row in rows])
        if self.filter_text:
            self.filtered = SortedRows(
                self.descending, [row.key for row in rows if self.shown(row)]
            )
        else:
            self.filtered = None

    # -- diff ---------------------------------------------------------------------------------

    def apply(self, diff: CallDiff) -> AppliedDiff:
        """Bring the model up to date with one poll's diff."""
        result = AppliedDiff()
        views = [self.all] if self.filtered is None else [self.all, self.filtered]
        for view in views:
            view.begin()
        gone_parents = [
            parent
            for sid in diff.removed
            if self.filtered is not None
            and (row := self.rows.get(sid)) is not None
            and (parent := row.call.parent_call_sid)
        ]
        try:
            self._remove(diff.removed, result)
            updates = [call for call in diff.added if call.sid in self.rows]
            new_calls = [call for call in diff.added if call.sid not in self.rows]
            for call in diff.changed:
                (updates if call.sid in self.rows else new_calls).append(call)
            self._add(new_calls)
            for call in updates:
                self._update(call, result)
        finally:
            for view in views:
                view.commit()
        if self.filtered is not None:
            self._reconcile_parents((*diff.added, *diff.changed), gone_parents)
        return result

    def _remove(self, sids: Iterable[str], result: AppliedDiff) -> None:
        for sid in sids:
            row = self.rows.pop(sid, None)
            if row is None:
                continue
            self._detach(row)
            self._unlink(row.call)
            result.removed.add(sid)
        for sid in result.removed:
            for orphan in list(self.children.get(sid, ())):
                if orphan in self.rows:
                    self._rekey_subtree(orphan)

    def _add(self, calls: list[Call]) -> None:
        if not calls:
            return
        rows, children = self.rows, self.children
        version = self._next_version()  # (sid, version) is the paint cache key: one will do
        new_rows: list[Row] = []
        for call in calls:
            sid = call.sid
            start = call.start_time
            row = Row(call, version, None if start is None else start.timestamp())
            rows[sid] = row
            new_rows.append(row)
            parent_sid = call.parent_call_sid
            if parent_sid is not None:  # _link, inlined: this loop runs 10k times on first fill
                siblings = children.get(parent_sid)
                if siblings is None:
                    children[parent_sid] = {sid}
                else:
                    siblings.add(sid)
        if len(new_rows) >= _BULK_MIN and len(new_rows) * 4 >= len(rows):
            # Existing top-level rows keep their keys; child legs may have found their parent.
            # Any other row whose key depends on a new row is a child leg, so this is enough.
            existing_children = [
                row
                for row in rows.values()
                if row.version != version and row.call.parent_call_sid is not None
            ]
            self._assign_all_keys(new_rows + existing_children)
            self._rebuild_views()
            return
        self._assign_all_keys(new_rows)
        for row in new_rows:
            self._insert(row)
        new_sids = {row.call.sid for row in new_rows}
        for row in new_rows:  # earlier orphans whose parent just arrived
            for child_sid in list(self.children.get(row.call.sid, ())):
                if child_sid in self.rows and child_sid not in new_sids:
                    self._rekey_subtree(child_sid)

    def _update(self, call: Call, result: AppliedDiff) -> None:
        row = self.rows[call.sid]
        old_call, old_key = row.call, row.key
        was_shown = self.shown(row)
        if old_call.parent_call_sid != call.parent_call_sid:
            self._unlink(old_call)
            self._link(call)
        row.call = call
        row.start_ts = start_timestamp(call)
        row.version = self._next_version()
        row.text = None
        key, is_child = self._compute_key(row)
        if key != old_key or is_child != row.is_child:
            self._rekey_subtree(call.sid)
            return
        if self.filtered is not None and was_shown != self.shown(row):
            if was_shown:
                self.filtered.remove(old_key)
            else:
                self.filtered.insert(old_key)
        result.touched.add(call.sid)

    # -- sort, filter, lookups ----------------------------------------------------------------

    def sort_by(self, column: str, descending: bool) -> None:
        self.sort_column, self.descending = column, descending
        self._assign_all_keys(self.rows.values())
        self._rebuild_views()

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().lower()
        self.filter_digits = filter_digits(text)
        if not self.filter_text:
            self.filtered = None
            return
        self.filtered = SortedRows(
            self.descending, (row.key for row in self.rows.values() if self.shown(row))
        )

    def in_display_order(self, sids: Iterable[str]) -> list[str]:
        present = [sid for sid in sids if sid in self.rows]
        return sorted(present, key=lambda sid: self.rows[sid].key, reverse=self.descending)

    def children_of(self, sid: str) -> list[Call]:
        if sid not in self.rows:
            return []
        kids = [s for s in self.children.get(sid, ()) if s in self.rows]
        return [self.rows[s].call for s in self.in_display_order(kids)]
