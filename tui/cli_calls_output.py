"""What ``callboard calls`` prints: plain aligned tables for people, JSON for scripts.

Every string that came from Twilio or a caller goes through :func:`tui.core.text.display_text`
before it reaches a table, so a caller name cannot move the cursor or retitle the terminal. JSON
keeps the values as Twilio sent them but is written with ``ensure_ascii``: every control or
non-ASCII character is a ``\\uXXXX`` escape, inert in a terminal and exact for ``jq``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from tui.core.models import ActionResult, Call
from tui.core.text import display_text

_CELL_LIMIT = 40


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def call_json(call: Call) -> dict[str, object]:
    """The call's fields under stable names (Twilio's, ``from`` without the underscore)."""
    return {
        "sid": call.sid,
        "parent_call_sid": call.parent_call_sid,
        "status": call.status,
        "direction": call.direction,
        "from": call.from_,
        "to": call.to,
        "start_time": _iso(call.start_time),
        "date_created": _iso(call.date_created),
        "duration": call.duration,
        "queue_time_ms": call.queue_time_ms,
        "answered_by": call.answered_by,
    }


def result_json(result: ActionResult) -> dict[str, object]:
    return {
        "sid": result.sid,
        "action": str(result.action),
        "outcome": str(result.outcome),
        "message": result.message,
        "code": result.code,
        "call_status": result.call_status,
    }


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=True, indent=2)


def _elapsed(call: Call, now: float) -> str:
    if call.duration is not None and call.status not in ("queued", "ringing", "in-progress"):
        seconds = call.duration
    elif call.start_time is not None:
        seconds = max(0, int(now - call.start_time.timestamp()))
    else:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _clock(value: datetime | None) -> str:
    return value.astimezone().strftime("%H:%M:%S") if value is not None else ""


def _cell(value: object) -> str:
    return display_text(value, limit=_CELL_LIMIT)


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = ()
) -> str:
    """Columns padded to their widest cell, two spaces apart; ``right`` aligns some right."""
    body = [list(row) for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    right_set = set(right)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right_set else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), *(line(row) for row in body)])


def calls_table(calls: Sequence[Call]) -> str:
    now = time.time()
    rows = [
        [
            _cell(call.sid),
            _cell(call.status),
            _cell(call.direction),
            _cell(call.from_),
            _cell(call.to),
            _elapsed(call, now),
            _clock(call.start_time),
            _cell(call.parent_call_sid or ""),
        ]
        for call in calls
    ]
    headers = ["SID", "STATUS", "DIRECTION", "FROM", "TO", "TIME", "STARTED", "PARENT"]
    return table(headers, rows, right=[5])


def call_detail(call: Call, history: Sequence[Mapping[str, object]]) -> str:
    now = time.time()
    fields = [
        ("SID", call.sid),
        ("Status", call.status),
        ("Direction", call.direction),
        ("From", call.from_),
        ("To", call.to),
        ("Parent", call.parent_call_sid or ""),
        ("Started", _iso(call.start_time) or ""),
        ("Time", _elapsed(call, now)),
        ("Queue time", f"{call.queue_time_ms} ms" if call.queue_time_ms is not None else ""),
        ("Answered by", call.answered_by or ""),
    ]
    lines = [f"{name + ':':<13}{_cell(value)}" for name, value in fields]
    if history:
        lines.append("")
        lines.append("Actions from this machine (audit log):")
        for entry in history:
            when = display_text(entry.get("time"), limit=30)
            who = display_text(entry.get("operator"), limit=30)
            what = display_text(entry.get("action"), limit=30)
            outcome = display_text(entry.get("outcome"), limit=30)
            message = display_text(entry.get("message"), limit=160)
            lines.append(f"  {when}  {who}  {what}  {outcome}: {message}")
    return "\n".join(lines)


def results_table(results: Sequence[ActionResult]) -> str:
    rows = [[_cell(r.sid), str(r.outcome), display_text(r.message, limit=200)] for r in results]
    return table(["SID", "OUTCOME", "MESSAGE"], rows)
