"""Everything known about one call: Twilio's fields, its child legs, and what this console did.

Read-only and scrollable. Field names are Twilio's own JSON names (``from``, ``queue_time``…), so
what a supervisor reads here matches Twilio's console, logs and support answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label

from tui.core.call_parsing import record_fields
from tui.core.models import Call
from tui.core.text import display_text
from tui.ui.plain import plain
from tui.ui.screens._common import CallboardModal, call_route
from tui.ui.status_styles import OUTCOME_CLASSES, STATUS_CLASSES, outcome_class, status_class
from tui.ui.widgets.text_table import Cell, Column, TextTable

NULL: Final = "—"
"""How a field Twilio sent as ``null`` is shown (dimmed), distinct from an empty string."""


def format_value(name: str, value: object) -> str:
    """One field as text: ``subresource_uris`` by name only, other structures as compact JSON."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "subresource_uris" and isinstance(value, Mapping):
        return ", ".join(str(key) for key in value)
    if name in TIME_FIELDS and isinstance(value, str | datetime):
        return local_time(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return str(value)


TIME_FIELDS: Final = frozenset(("start_time", "end_time", "date_created", "date_updated"))
"""Twilio's timestamps (RFC 2822, UTC): shown in local time, as the table's Started column."""


def local_time(value: str | datetime) -> str:
    """A Twilio timestamp in the supervisor's zone, with the zone named; unparsable: as given."""
    moment = value
    if isinstance(value, str):
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
    assert isinstance(moment, datetime)
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    try:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    except (OverflowError, ValueError, OSError):  # year 1 or 9999 shifted out of range
        return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def format_time(value: object) -> str:
    """Audit times (ISO 8601, UTC) in the supervisor's local time; anything else as given."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        return NULL if value is None else str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    if moment.date() == datetime.now(moment.tzinfo).date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def fields_of(call: Call) -> list[tuple[str, object]]:
    """Twilio's fields in the order Twilio sent them; the parsed ones if ``raw`` is empty."""
    if call.raw:
        return record_fields(call.raw)
    return [
        ("sid", call.sid),
        ("parent_call_sid", call.parent_call_sid),
        ("direction", call.direction),
        ("from", call.from_),
        ("to", call.to),
        ("status", call.status),
        ("start_time", call.start_time),
        ("date_created", call.date_created),
        ("date_updated", call.date_updated),
        ("duration", call.duration),
        ("queue_time", call.queue_time_ms),
        ("answered_by", call.answered_by),
    ]


ACTION_NAMES: Final = {"inject_twiml": "TwiML", "redirect": "transfer", "hang_up": "hang up"}
"""Audit action names as the keys that caused them are labelled."""

SENT_WIDTH: Final = 56
"""At most this many characters of what an action sent (the audit log has all of it)."""


def sent_summary(action: object, parameters: object) -> str:
    """What an audited action asked Twilio for, on one short line.

    A supervisor looking at a call wants to know what was already done to it: which TwiML the
    caller heard, where it was sent, how it was ended.
    """
    if not isinstance(parameters, Mapping) or not parameters:
        return NULL
    if action == "hang_up" and "status" in parameters:
        text = str(parameters["status"])
    elif action == "redirect" and "url" in parameters:
        text = f"{parameters.get('method') or 'POST'} {parameters['url']}"
    elif action == "inject_twiml" and "twiml" in parameters:
        text = re.sub(r">\s+<", "><", str(parameters["twiml"]).strip())
    else:
        text = ", ".join(f"{name}={value}" for name, value in parameters.items())
    text = " ".join(text.split())
    return text if len(text) <= SENT_WIDTH else text[: SENT_WIDTH - 1] + "…"


class FieldTable(TextTable):
    """Twilio's fields, one ``name  value`` row each, as one widget (not two labels a field).

    Names right-aligned in 18 cells (a longer one wraps there), values wrapping in the rest.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--name", "detail--null"}
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column("right", min_width=18, max_width=18, role="detail--name"),
        Column(),
    )


class ChildLegTable(TextTable):
    """The call's child legs as one widget: short SID, number, status.

    A status is styled only through a fixed class name (``status_class``), never by its text.
    A long number gives up cells (and wraps) before the status gets fewer than 12.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--sid", *STATUS_CLASSES}
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column(role="detail--sid"),
        Column(min_width=12, shrink=True),
        Column(min_width=12),
    )


HISTORY_HEADER: Final = ("time", "action", "sent", "outcome", "message")


class HistoryTable(TextTable):
    """What this console did to the call, a header row then one row an action, as one widget.

    What was sent gives up cells (and wraps) before the message gets fewer than 16: at 80
    columns the outcome and the message stay on screen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--header", "detail--sent", *OUTCOME_CLASSES}
    COLUMNS: ClassVar[tuple[Column, ...]] = (
        Column(),
        Column(),
        Column(min_width=12, shrink=True, role="detail--sent"),
        Column(),
        Column(min_width=16),
    )


def field_rows(call: Call) -> list[tuple[Cell, Cell]]:
    """``(name, value)`` cells for :class:`FieldTable`; a ``null`` value is dimmed."""
    rows: list[tuple[Cell, Cell]] = []
    for name, value in fields_of(call):
        text = format_value(str(name), value)
        rows.append((plain(name, limit=64), (text, "detail--null") if value is None else text))
    return rows


def child_rows(children: Iterable[Call]) -> list[tuple[Cell, Cell, Cell]]:
    """``(sid, to, status)`` cells for :class:`ChildLegTable`."""
    return [
        (child.short_sid, child.to or NULL, (child.status, status_class(child.status)))
        for child in children
    ]


def history_rows(history: Iterable[Mapping[str, object]]) -> list[tuple[Cell, ...]]:
    """A header row, then one row of cells per audit entry, for :class:`HistoryTable`."""
    rows: list[tuple[Cell, ...]] = [tuple((name, "detail--header") for name in HISTORY_HEADER)]
    for entry in history:
        outcome = entry.get("outcome")
        message = str(entry.get("message") or NULL)
        if entry.get("code") is not None:
            message = f"{message} (code {entry['code']})"
        if entry.get("operator"):
            message = f"{message} — {entry['operator']}"
        action = str(entry.get("action") or NULL)
        rows.append(
            (
                format_time(entry.get("time")),
                ACTION_NAMES.get(action, action),
                sent_summary(action, entry.get("parameters")),
                (str(outcome or NULL), outcome_class(outcome)),
                message,
            )
        )
    return rows


class CallDetailScreen(CallboardModal[None]):
    """Shows one call in full; escape (or ``q``, ``enter``) closes. Dismisses ``None``.

    ``history`` entries are audit records for this call: ``time``, ``action``, ``outcome``,
    ``message`` (and optionally ``code``, ``operator``); missing keys show as a dash.

    Each table (fields, child legs, history) is one :class:`~tui.ui.widgets.text_table.TextTable`
    rather than a ``Grid`` of a ``Label`` per cell (~100 widgets for a call with a short
    history): opening the detail costs about as much as a small dialog, whatever the call holds.
    """

    BINDINGS = [
        Binding("escape,q,enter", "close", "Close"),
    ]

    def __init__(
        self,
        call: Call,
        children: Sequence[Call],
        history: Sequence[Mapping[str, object]],
        others: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.others = tuple(others)
        """Other supervisors on this call now (hub consoles only), e.g. ``ben (viewing)``."""
        self.call = call
        self.children_legs: tuple[Call, ...] = tuple(children)
        self.history: tuple[Mapping[str, object], ...] = tuple(history)

    def compose(self) -> ComposeResult:
        call = self.call
        with VerticalScroll(id="dialog", classes="dialog") as dialog:
            dialog.border_title = plain(f"Call {display_text(call.short_sid)}")
            dialog.border_subtitle = "esc to close"
            summary = (
                f"{call_route(call)}  ·  {display_text(call.direction, limit=32)}"
                f"  ·  {display_text(call.status, limit=32)}"
            )
            yield Label(plain(summary), id="summary", markup=False)
            if self.others:
                others = ", ".join(display_text(name, limit=64) for name in self.others)
                yield Label(plain(f"Also on this call: {others}"), id="presence", markup=False)

            yield Label("Twilio fields", classes="section")
            yield FieldTable(field_rows(call), id="fields")

            yield Label(f"Child legs ({len(self.children_legs)})", classes="section")
            if self.children_legs:
                yield ChildLegTable(child_rows(self.children_legs), id="children")
            else:
                yield Label("None.", classes="empty")

            yield Label(f"Actions from this console ({len(self.history)})", classes="section")
            if self.history:
                yield HistoryTable(history_rows(self.history), id="history")
            else:
                yield Label("None yet.", classes="empty")

    def action_close(self) -> None:
        self.dismiss(None)
