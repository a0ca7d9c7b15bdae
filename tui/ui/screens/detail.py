"""Everything known about one call: Twilio's fields, its child legs, and what this console did.

Read-only and scrollable. Field names are Twilio's own JSON names (``from``, ``queue_time``…), so
what a supervisor reads here matches Twilio's console, logs and support answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Label

from tui.core.call_parsing import record_fields
from tui.core.models import Call
from tui.ui.screens._common import CallboardModal, call_route

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
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return str(value)


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


def _slug(value: object) -> str:
    """A CSS-class-safe form of a status or outcome."""
    return "".join(c if c.isalnum() else "-" for c in str(value).lower())


class CallDetailScreen(CallboardModal[None]):
    """Shows one call in full; escape (or ``q``, ``enter``) closes. Dismisses ``None``.

    ``history`` entries are audit records for this call: ``time``, ``action``, ``outcome``,
    ``message`` (and optionally ``code``, ``operator``); missing keys show as a dash.
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
            dialog.border_title = f"Call {call.short_sid}"
            dialog.border_subtitle = "esc to close"
            yield Label(
                f"{call_route(call)}  ·  {call.direction}  ·  {call.status}",
                id="summary",
                markup=False,
            )
            if self.others:
                yield Label(
                    f"Also on this call: {', '.join(self.others)}", id="presence", markup=False
                )

            yield Label("Twilio fields", classes="section")
            with Grid(id="fields"):
                for name, value in fields_of(call):
                    yield Label(str(name), classes="name", markup=False)
                    yield Label(
                        format_value(str(name), value),
                        classes="value null" if value is None else "value",
                        markup=False,
                    )

            yield Label(f"Child legs ({len(self.children_legs)})", classes="section")
            if self.children_legs:
                with Grid(id="children"):
                    for child in self.children_legs:
                        yield Label(child.short_sid, classes="sid", markup=False)
                        yield Label(child.to or NULL, markup=False)
                        yield Label(
                            child.status, classes=f"status-{_slug(child.status)}", markup=False
                        )
            else:
                yield Label("None.", classes="empty")

            yield Label(f"Actions from this console ({len(self.history)})", classes="section")
            if self.history:
                with Grid(id="history"):
                    yield from self._history_rows(self.history)
            else:
                yield Label("None yet.", classes="empty")

    @staticmethod
    def _history_rows(history: Iterable[Mapping[str, object]]) -> ComposeResult:
        for header in ("time", "action", "sent", "outcome", "message"):
            yield Label(header, classes="header")
        for entry in history:
            outcome = entry.get("outcome")
            message = str(entry.get("message") or NULL)
            if entry.get("code") is not None:
                message = f"{message} (code {entry['code']})"
            if entry.get("operator"):
                message = f"{message} — {entry['operator']}"
            yield Label(format_time(entry.get("time")), classes="time", markup=False)
            action = str(entry.get("action") or NULL)
            yield Label(ACTION_NAMES.get(action, action), classes="action", markup=False)
            yield Label(sent_summary(action, entry.get("parameters")), classes="sent", markup=False)
            yield Label(
                str(outcome or NULL), classes=f"outcome outcome-{_slug(outcome)}", markup=False
            )
            yield Label(message, classes="message", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
