"""Names and formats on NATS: what a hub writes and a console reads, in one place.

Per account (``{AC}`` is the Account SID):

==================================  =========================================================
``callboard_calls_{AC}`` (KV)       key = Call SID, value = the call as compact JSON (Twilio's
                                    fields less ``subresource_uris``); ended calls are purged.
                                    Key ``hub.health`` = the hub's last poll health (JSON).
``callboard_claims_{AC}`` (KV)      key = the target (a Call SID, a Conference SID or a
                                    queue's head ``QU….Front``), value = who is acting
                                    (JSON); 15 s TTL.
``callboard_presence_{AC}`` (KV)    key = ``{CallSID}.{console}``, value = who is viewing or
                                    acting (JSON); 30 s TTL, refreshed every 10 s.
``callboard_audit`` (stream)        subjects ``callboard.audit.{AC}``: one message per audit
                                    record of any console (the same JSON as the local log).
``callboard.poll.{AC}`` (subject)   a console's "refresh now" request to the hub (core NATS).
==================================  =========================================================

The floor (queues and rooms) has a bucket and a subject of its own: :mod:`tui.hub.floor_layout`.

The calls bucket and its health key share one stream, so a console sees every change of a pass
before the health record that closes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Final

from tui.core.models import PollEvent, PollSucceeded

HEALTH_KEY: Final = "hub.health"
HEARTBEAT_S: Final = 2.0
CLAIM_TTL_S: Final = 15.0
PRESENCE_TTL_S: Final = 30.0
PRESENCE_REFRESH_S: Final = 10.0
AUDIT_STREAM: Final = "callboard_audit"
AUDIT_SUBJECTS: Final = "callboard.audit.>"
AUDIT_MAX_AGE_S: Final = 90 * 86_400.0
ENDED_MARKER_TTL_S: Final = 300.0
"""A purged call's marker lives this long (watchers see the purge; a new snapshot never does)."""

_DROPPED_FIELDS: Final = frozenset({"subresource_uris"})


def calls_bucket(account_sid: str) -> str:
    return f"callboard_calls_{account_sid}"


def claims_bucket(account_sid: str) -> str:
    return f"callboard_claims_{account_sid}"


def presence_bucket(account_sid: str) -> str:
    return f"callboard_presence_{account_sid}"


def audit_subject(account_sid: str) -> str:
    return f"callboard.audit.{account_sid}"


def poll_subject(account_sid: str) -> str:
    return f"callboard.poll.{account_sid}"


def is_call_key(key: str) -> bool:
    return key.startswith("CA") and "." not in key


def encode_call(raw: Mapping[str, object]) -> bytes:
    """The compact JSON value of one call (what the poller read from Twilio, less links)."""
    record = {key: value for key, value in raw.items() if key not in _DROPPED_FIELDS}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True, slots=True)
class HubHealth:
    """The hub's last poll as consoles read it (``hub.health``); times are wall-clock seconds."""

    ok: bool
    at: float
    last_success_at: float | None
    interval_s: float
    next_poll_in_s: float
    reason: str | None = None
    rate_limited: bool = False
    requests: int = 0
    duration_s: float = 0.0
    total_live: int = 0
    hub: str = ""
    """Who is publishing (host and process id), for the log and the status line."""
    beat: float = 0.0
    """When this record was written: the hub rewrites it every few seconds as a heartbeat."""

    @classmethod
    def from_event(cls, event: PollEvent, interval_s: float, hub: str) -> HubHealth:
        if isinstance(event, PollSucceeded):
            return cls(
                ok=True,
                at=event.at,
                last_success_at=event.at,
                interval_s=event.interval_s,
                next_poll_in_s=event.next_poll_in_s,
                requests=event.stats.requests,
                duration_s=event.stats.duration_s,
                total_live=event.stats.total_live,
                hub=hub,
            )
        return cls(
            ok=False,
            at=event.at,
            last_success_at=event.last_success_at,
            interval_s=interval_s,
            next_poll_in_s=event.retry_in_s,
            reason=event.reason,
            rate_limited=event.rate_limited,
            hub=hub,
        )

    def encode(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def decode(cls, data: bytes) -> HubHealth | None:
        """The health in ``data``, or ``None`` if it is not a health record we understand."""
        try:
            value = json.loads(data)
            return cls(
                ok=bool(value["ok"]),
                at=float(value["at"]),
                last_success_at=_float_or_none(value.get("last_success_at")),
                interval_s=float(value["interval_s"]),
                next_poll_in_s=float(value.get("next_poll_in_s", value["interval_s"])),
                reason=str(value["reason"]) if value.get("reason") else None,
                rate_limited=bool(value.get("rate_limited", False)),
                requests=int(value.get("requests", 0)),
                duration_s=float(value.get("duration_s", 0.0)),
                total_live=int(value.get("total_live", 0)),
                hub=str(value.get("hub", "")),
                beat=float(value.get("beat", value["at"])),
            )
        except (ValueError, TypeError, KeyError):
            return None


def _float_or_none(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
