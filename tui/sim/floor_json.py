"""Twilio's JSON shapes for the floor: Conference, Participant, Queue, Member, Recording.

Field names and types follow the OpenAPI spec (``api.v2010.account.conference`` …); a test
checks every payload against a copy of the spec's schema properties. Times are RFC 2822, URIs are
paths relative to the API host.
"""

from __future__ import annotations

import math
from typing import Any

from tui.sim.floor_model import Conference, Member, Participant, Queue, Recording
from tui.sim.serialize import API_VERSION, rfc2822


def _account(account_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}"


def conference_payload(conf: Conference) -> dict[str, Any]:
    base = f"{_account(conf.account_sid)}/Conferences/{conf.sid}"
    return {
        "account_sid": conf.account_sid,
        "api_version": API_VERSION,
        "call_sid_ending_conference": conf.call_sid_ending_conference,
        "date_created": rfc2822(conf.created_at),
        "date_updated": rfc2822(conf.updated_at),
        "friendly_name": conf.friendly_name,
        "reason_conference_ended": conf.reason_conference_ended,
        "region": conf.region,
        "sid": conf.sid,
        "status": conf.status,
        "subresource_uris": {
            "participants": f"{base}/Participants.json",
            "recordings": f"{base}/Recordings.json",
        },
        "uri": f"{base}.json",
    }


def participant_payload(
    p: Participant, call_status: str | None, *, queue_time: str | None = None
) -> dict[str, Any]:
    """``call_status`` is the participant's call's status (None once the call is gone)."""
    if p.joined:
        status = "connected"
    elif call_status in ("queued", "ringing"):
        status = call_status
    elif call_status in ("completed", None):
        status = "complete"
    else:
        status = "failed"
    base = f"{_account(p.account_sid)}/Conferences/{p.conference_sid}"
    return {
        "account_sid": p.account_sid,
        "call_sid": p.call_sid,
        "call_sid_to_coach": p.call_sid_to_coach,
        "coaching": p.coaching,
        "conference_sid": p.conference_sid,
        "date_created": rfc2822(p.created_at),
        "date_updated": rfc2822(p.updated_at),
        "end_conference_on_exit": p.end_conference_on_exit,
        "hold": p.hold,
        "label": p.label,
        "muted": p.muted,
        "queue_time": queue_time,
        "start_conference_on_enter": p.start_conference_on_enter,
        "status": status,
        "uri": f"{base}/Participants/{p.call_sid}.json",
    }


def wait_seconds(member: Member, now: float) -> int:
    return max(0, int(now - member.enqueued_at))


def queue_payload(queue: Queue, now: float) -> dict[str, Any]:
    """``average_wait_time`` is computed now, over the members waiting now (as Twilio does)."""
    members = queue.members
    average = 0
    if members:
        total = sum(wait_seconds(m, now) for m in members.values())
        average = round(total / len(members))
    return {
        "account_sid": queue.account_sid,
        "average_wait_time": average,
        "current_size": len(members),
        "date_created": rfc2822(queue.created_at),
        "date_updated": rfc2822(queue.updated_at),
        "friendly_name": queue.friendly_name,
        "max_size": queue.max_size,
        "sid": queue.sid,
        "uri": f"{_account(queue.account_sid)}/Queues/{queue.sid}.json",
    }


def member_payload(account_sid: str, member: Member, position: int, now: float) -> dict[str, Any]:
    return {
        "call_sid": member.call_sid,
        "date_enqueued": rfc2822(member.enqueued_at),
        "position": position,
        "queue_sid": member.queue_sid,
        "uri": f"{_account(account_sid)}/Queues/{member.queue_sid}/Members/{member.call_sid}.json",
        "wait_time": wait_seconds(member, now),
    }


def recording_duration(rec: Recording, now: float) -> float:
    """Seconds recorded so far: paused stretches count only with ``PauseBehavior=silence``."""
    running = now - rec.running_since if rec.running_since is not None else 0.0
    return rec.recorded_s + max(0.0, running)


def recording_payload(rec: Recording, *, conference_view: bool) -> dict[str, Any]:
    """A Call Recording, or with ``conference_view`` a Conference Recording (price is a string)."""
    if conference_view:
        base = f"{_account(rec.account_sid)}/Conferences/{rec.conference_sid}/Recordings"
    else:
        base = f"{_account(rec.account_sid)}/Calls/{rec.call_sid}/Recordings"
    price: float | str | None = rec.price
    if price is not None and conference_view:
        price = f"{price:.4f}"
    payload: dict[str, Any] = {
        "account_sid": rec.account_sid,
        "api_version": API_VERSION,
        "call_sid": rec.call_sid,
        "channels": rec.channels,
        "conference_sid": rec.conference_sid,
        "date_created": rfc2822(rec.created_at),
        "date_updated": rfc2822(rec.updated_at),
        "duration": None if rec.duration_s is None else str(rec.duration_s),
        "encryption_details": None,
        "error_code": None,
        "price": price,
        "price_unit": "USD" if rec.price is not None else None,
        "sid": rec.sid,
        "source": rec.source,
        "start_time": rfc2822(rec.created_at),
        "status": rec.status,
        "uri": f"{base}/{rec.sid}.json",
    }
    if not conference_view:
        payload["track"] = rec.track
    return payload


def recording_price(duration_s: int) -> float:
    """Twilio charges $0.0025 per recorded minute, rounded up."""
    return -round(0.0025 * max(1, math.ceil(duration_s / 60)), 4)
