"""One simulated call: what the API shows about it, and what the engine needs to run it.

The record is mutable and owned by the engine; everything that changes a visible field goes
through :meth:`CallEngine._touch <tui.sim.engine.CallEngine>`, which drops the cached JSON so a
listing never serves a stale call and never re-serializes an unchanged one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from tui.sim.twiml_parser import Verb

LIVE_STATUSES: Final = ("queued", "ringing", "in-progress")
ENDED_STATUSES: Final = ("completed", "busy", "no-answer", "failed", "canceled")
ALL_STATUSES: Final = LIVE_STATUSES + ENDED_STATUSES
DEFAULT_TIME_LIMIT: Final = 14_400
"""Twilio ends any call after four hours unless told otherwise."""


@dataclass(frozen=True, slots=True)
class CallPlan:
    """Pre-drawn behaviour for a synthetic call, so that a seed reproduces the whole day.

    ``outcome`` is what happens when an outbound call is dialled: ``answered``, ``busy``,
    ``no-answer`` or ``failed``. Inbound calls use the queue wait, the agent's ring and the talk.
    """

    ring_s: float = 4.0
    outcome: str = "answered"
    queue_wait_s: float = 30.0
    agent_ring_s: float = 2.0
    talk_s: float = 180.0
    agent: str = "client:agent_001"
    answered_by: str | None = None


@dataclass(slots=True, eq=False)
class CallRecord:
    sid: str
    account_sid: str
    seq: int
    created_at: float
    direction: str
    from_: str
    to: str
    status: str = "queued"
    updated_at: float = 0.0
    parent_call_sid: str | None = None
    phone_number_sid: str | None = None
    start_time: float | None = None
    answered_at: float | None = None
    end_time: float | None = None
    price: str | None = None
    price_unit: str = "USD"
    answered_by: str | None = None
    caller_name: str | None = None
    forwarded_from: str | None = None
    queue_time_ms: int | None = 0
    trunk_sid: str | None = None
    group_sid: str | None = None

    # How the call is driven.
    generation: int = 0
    """Bumped whenever the current instructions are abandoned; stale timers check it and stop."""
    program: tuple[Verb, ...] = ()
    pc: int = 0
    document_url: str | None = None
    url: str | None = None
    method: str = "POST"
    fallback_url: str | None = None
    fallback_method: str = "POST"
    initial_twiml: str | None = None
    application_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})
    callback_sequence: int = 0
    ring_timeout: int = 60
    time_limit: int = DEFAULT_TIME_LIMIT
    deadline_token: int = 0
    machine_detection: str | None = None
    child_sid: str | None = None
    queue_name: str | None = None
    enqueued_at: float | None = None
    synthetic: bool = False
    fetching: bool = False
    notifications: list[dict[str, object]] = field(default_factory=list)

    plan: CallPlan | None = None
    key: tuple[float, int] = (0.0, 0)
    """Listing order (newest first = largest key first); set once at creation, never changed."""
    json_cache: bytes | None = None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES
