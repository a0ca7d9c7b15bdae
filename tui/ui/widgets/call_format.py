"""How one call becomes the text of one table row, and how calls compare when sorted.

Kept apart from the widget and free of Textual so the formatting and the ordering rules can be
read, tested and reused (the detail screen shows the same labels) without a running app. Every
column has a fixed width: nothing here measures more than the cell it is formatting, which is what
lets the table render only the rows on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from rich.cells import set_cell_size

from tui.core.models import LIVE_STATUSES, Call

CHILD_PREFIX: Final = "└ "
"""Put in front of a child leg's SID so it reads as belonging to the row above."""

_CHILD_PREFIX_WIDTH: Final = 2
"""Cells taken by ``CHILD_PREFIX`` (both characters are one cell wide)."""

MARK: Final = "✓"
WATCHED_MARK: Final = "◉"
"""In the marker cell of a call another supervisor is viewing or acting on (hub consoles)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``key`` is what ``CallTable.sort_by`` takes; ``width`` is in terminal cells."""

    key: str
    title: str
    width: int
    right: bool = False


COLUMNS: Final[tuple[Column, ...]] = (
    Column("marker", "", 1),
    Column("sid", "Call SID", 13),
    Column("direction", "Dir", 4),
    Column("from", "From", 16),
    Column("to", "To", 16),
    Column("status", "Status", 11),
    Column("duration", "Duration", 8, right=True),
    Column("started", "Started", 8),
    Column("queue", "Queue", 7, right=True),
    Column("answered_by", "Answered by", 16),
)
"""Display order. The status and duration cells are styled/ticked separately by the widget."""

SEPARATOR: Final = " "
SORTABLE: Final = frozenset(column.key for column in COLUMNS if column.key != "marker")

_WIDTH = {column.key: column.width for column in COLUMNS}


def column_offset(key: str) -> int:
    """The x of a column's first cell within a row, so the widget can refresh just that column."""
    x = 0
    for column in COLUMNS:
        if column.key == key:
            return x
        x += column.width + len(SEPARATOR)
    raise KeyError(key)


ROW_WIDTH: Final = sum(column.width for column in COLUMNS) + len(SEPARATOR) * (len(COLUMNS) - 1)

_DIRECTIONS: Final = {"inbound": "in", "outbound-api": "out", "outbound-dial": "dial"}


def direction_label(direction: str) -> str:
    """Twilio's ``inbound`` / ``outbound-api`` / ``outbound-dial``
    as ``in`` / ``out`` / ``dial``.
    """
    return _DIRECTIONS.get(direction, direction)


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells; a cut ends in ``…`` so it reads as cut."""
    if text.isascii():
        size = len(text)
        if size <= width:
            pad = " " * (width - size)
            return pad + text if right else text + pad
        return text[: width - 1] + "…"
    fitted = set_cell_size(text, width)
    if fitted.rstrip() != text:
        fitted = set_cell_size(text, width - 1) + "…"
    return fitted


def format_duration(seconds: float | None) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` above; blank for a call that has not started."""
    if seconds is None:
        return ""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_started(start: datetime | None) -> str:
    """Local wall-clock ``HH:MM:SS``: supervisors compare it with the clock on the wall."""
    if start is None:
        return ""
    return start.astimezone().strftime("%H:%M:%S")


def format_queue(queue_time_ms: int | None) -> str:
    """Seconds spent in Twilio's dialling queue; blank when none (inbound calls report 0)."""
    if not queue_time_ms:
        return ""
    return f"{queue_time_ms / 1000:.1f}s"


def start_timestamp(call: Call) -> float | None:
    """The POSIX time the call started, used both to tick Duration and to sort by it."""
    return None if call.start_time is None else call.start_time.timestamp()


def elapsed(start_ts: float | None, now: float | None = None) -> float | None:
    """Seconds since ``start_ts``, computed at render time so it ticks between polls."""
    if start_ts is None:
        return None
    return (time.time() if now is None else now) - start_ts


@dataclass(frozen=True, slots=True)
class RowText:
    """The fixed-width text of a row, split around the two cells the widget styles on its own.

    ``left`` runs from the marker through To (with a trailing separator), ``status`` is the padded
    status cell, and ``right`` runs from Started to the end. Duration sits between ``status`` and
    ``right`` and is filled in at paint time.
    """

    left: str
    status: str
    right: str


def format_row(call: Call, *, marked: bool, is_child: bool, watched: bool = False) -> RowText:
    """Format the static cells of one row. Called only for rows about to be painted."""
    # The prefix is fitted apart: "└" is not ASCII, and fitting it with the SID would send every
    # child leg down rich's per-character cell measuring (a few ms per full repaint).
    if is_child:
        sid = CHILD_PREFIX + fit(call.short_sid, _WIDTH["sid"] - _CHILD_PREFIX_WIDTH)
    else:
        sid = fit(call.short_sid, _WIDTH["sid"])
    left = SEPARATOR.join(
        (
            MARK if marked else WATCHED_MARK if watched else " ",
            sid,
            fit(direction_label(call.direction), _WIDTH["direction"]),
            fit(call.from_, _WIDTH["from"]),
            fit(call.to, _WIDTH["to"]),
        )
    )
    right = SEPARATOR.join(
        (
            fit(format_started(call.start_time), _WIDTH["started"]),
            fit(format_queue(call.queue_time_ms), _WIDTH["queue"], right=True),
            fit(call.answered_by or "", _WIDTH["answered_by"]),
        )
    )
    return RowText(
        left=left + SEPARATOR,
        status=fit(call.status, _WIDTH["status"]) + SEPARATOR,
        right=SEPARATOR + right,
    )


def format_duration_cell(start_ts: float | None, now: float | None = None) -> str:
    """The Duration cell, padded, for a call that started at ``start_ts``."""
    return fit(format_duration(elapsed(start_ts, now)), _WIDTH["duration"], right=True)


def format_header(sort_column: str, descending: bool) -> str:
    """The header line; the sorted column's title carries ▲ (ascending) or ▼ (descending)."""
    cells = []
    for column in COLUMNS:
        title = column.title
        if column.key == sort_column:
            title = f"{title}{'▼' if descending else '▲'}"
        cells.append(fit(title, column.width, right=column.right))
    return SEPARATOR.join(cells)


def haystack(call: Call) -> str:
    """What the filter searches, lower-cased once per call version."""
    return "\n".join(
        (
            call.sid,
            call.from_,
            call.to,
            call.status,
            call.direction,
            direction_label(call.direction),
            call.answered_by or "",
        )
    ).lower()


SortValue = str | float
"""A column's comparable value. Within one column every value has the same type."""


def _status_rank(call: Call) -> float:
    try:
        return float(LIVE_STATUSES.index(call.status))
    except ValueError:
        return float(len(LIVE_STATUSES))


def _started(call: Call) -> float | None:
    """Sort by start time; a queued call without one sorts by when it was created."""
    moment = call.start_time or call.date_created
    return None if moment is None else moment.timestamp()


def _duration(call: Call) -> float | None:
    start = start_timestamp(call)
    return None if start is None else -start


def _queue(call: Call) -> float | None:
    return None if call.queue_time_ms is None else float(call.queue_time_ms)


SORT_VALUES: Final[dict[str, Callable[[Call], SortValue | None]]] = {
    "sid": lambda call: call.sid,
    "direction": lambda call: direction_label(call.direction),
    "from": lambda call: call.from_,
    "to": lambda call: call.to,
    "status": _status_rank,
    "duration": _duration,
    "started": _started,
    "queue": _queue,
    "answered_by": lambda call: call.answered_by or None,
}
"""Per column, the value a call sorts by; ``None`` means blank (always listed last)."""

BLANK: Final[dict[str, SortValue]] = {
    "sid": "",
    "direction": "",
    "from": "",
    "to": "",
    "status": 0.0,
    "duration": 0.0,
    "started": 0.0,
    "queue": 0.0,
    "answered_by": "",
}
"""A stand-in of the right type for a blank value, so keys in one column always compare."""

DEFAULT_SORT: Final = ("started", True)
