"""How one value of a call becomes the text of one table cell: pure functions, no layout.

Split from ``call_format.py`` (which builds whole rows) so the column registry
(``call_columns.py``) and the row builder can both use them without importing each other.
Every function here formats exactly one cell and measures nothing wider than it.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Final

from rich.cells import set_cell_size

from tui.core.models import Call
from tui.core.text import display_text

_DIRECTIONS: Final = {"inbound": "in", "outbound-api": "out", "outbound-dial": "dial"}


def direction_label(direction: str) -> str:
    """Twilio's ``inbound``, ``outbound-api``, ``outbound-dial`` as ``in``, ``out``, ``dial``."""
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
    """Seconds Twilio held the call before dialling it; blank when none (inbound calls: 0)."""
    if not queue_time_ms:
        return ""
    return f"{queue_time_ms / 1000:.1f}s"


def caller_name(call: Call) -> str:
    """The CNAM caller name Twilio reports (``caller_name``), sanitised; blank when none."""
    value = call.raw.get("caller_name") if call.raw else None
    return display_text(value) if isinstance(value, str) and value else ""


def start_timestamp(call: Call) -> float | None:
    """The POSIX time the call started, used both to tick Duration and to sort by it."""
    return None if call.start_time is None else call.start_time.timestamp()


def elapsed(start_ts: float | None, now: float | None = None) -> float | None:
    """Seconds since ``start_ts``, computed at render time so it ticks between polls."""
    if start_ts is None:
        return None
    return (time.time() if now is None else now) - start_ts


def format_duration_cell(start_ts: float | None, width: int = 8, now: float | None = None) -> str:
    """The Duration cell, padded, for a call that started at ``start_ts``."""
    return fit(format_duration(elapsed(start_ts, now)), width, right=True)
