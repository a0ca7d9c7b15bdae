"""The action service against the simulator: what Twilio (the simulator) ends up doing, what the
supervisor is told, what the audit log holds, and what is never sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import HOLD, TwimlServer, call_status, credentials_for
from tui.core.actions import IN_FLIGHT_MESSAGE, UNKNOWN_MESSAGE, ActionService
from tui.core.audit import AuditLog
from tui.core.call_parsing import call_from_json
from tui.core.errors import ActionFailed, SidError, TwimlError, UrlError, ValidationError
from tui.core.models import Action, Call, Outcome
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator

SAY_AND_HANG_UP = "<Response><Say>Your supervisor is joining.</Say><Hangup/></Response>"


@pytest.fixture
def audit(tmp_env: Path) -> AuditLog:
    return AuditLog(tmp_env / "logs" / "audit.jsonl")


@pytest.fixture
def service(access: TwilioAccess, audit: AuditLog) -> ActionService:
    return ActionService(access, audit, operator="test-supervisor")


async def fetch_call(access: TwilioAccess, sid: str) -> Call:
    payload, _, _ = await access.get_json(
        f"/2010-04-01/Accounts/{access.account_sid}/Calls/{sid}.json"
    )
    assert isinstance(payload, dict)
    return call_from_json(payload)


async def live_call(sim: EmbeddedSimulator, access: TwilioAccess, status: str) -> Call:
    """A new inbound call on hold: ``ringing`` now, ``in-progress`` (for 5 min) after 0.8 s."""
    record = sim.engine.create_inbound(from_="+14155550100", to="+18889371204", twiml=HOLD)
    if status == "in-progress":
        await sim.advance(1.0)
    call = await fetch_call(access, record.sid)
    assert call.status == status
    return call


def updates_to(sim: EmbeddedSimulator, sid: str) -> int:
    return sum(1 for r in sim.request_log if r.method == "POST" and r.path.endswith(f"/{sid}.json"))


# ----------------------------------------------------------------------------- applied


async def test_inject_twiml_runs_it_on_the_call(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService, audit: AuditLog
) -> None:
    call = await live_call(sim, access, "in-progress")
    [result] = await service.inject_twiml([call], SAY_AND_HANG_UP)
    assert (result.outcome, result.action, result.call_status) == (
        Outcome.APPLIED,
        Action.INJECT_TWIML,
        "in-progress",
    )
    await sim.advance(30)  # the <Say> finishes, then <Hangup/>
    assert await call_status(access, call.sid) == "completed"
    [entry] = audit.entries(call.sid)
    assert entry["outcome"] == "applied" and entry["operator"] == "test-supervisor"
    assert entry["parameters"] == {"twiml": SAY_AND_HANG_UP}
    assert sim.auth_token not in audit.path.read_text()


async def test_redirect_makes_twilio_fetch_the_url(
    sim: EmbeddedSimulator,
    access: TwilioAccess,
    service: ActionService,
    audit: AuditLog,
    twiml_server: TwimlServer,
) -> None:
    call = await live_call(sim, access, "in-progress")
    url = f"{twiml_server.base_url}/transfer/sales"
    [result] = await service.redirect([call], url, "get")
    assert result.outcome is Outcome.APPLIED and url in result.message
    await sim.advance(0)  # let the simulator's fetch complete
    [(method, path, params)] = twiml_server.hits
    assert (method, path, params["CallSid"]) == ("GET", "/transfer/sales", call.sid)
    assert audit.entries(call.sid)[0]["parameters"] == {"url": url, "method": "GET"}


async def test_hang_up_completes_answered_and_cancels_ringing_calls(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService, audit: AuditLog
) -> None:
    answered = await live_call(sim, access, "in-progress")
    ringing = await live_call(sim, access, "ringing")
    results = await service.hang_up([answered, ringing])
    assert [r.sid for r in results] == [answered.sid, ringing.sid]
    assert [r.outcome for r in results] == [Outcome.APPLIED, Outcome.APPLIED]
    assert await call_status(access, answered.sid) == "completed"
    assert await call_status(access, ringing.sid) == "canceled"
    # One Status for every live state; what happened is read from Twilio's answer.
    assert audit.entries(answered.sid)[0]["parameters"] == {"status": "completed"}
    assert audit.entries(ringing.sid)[0]["parameters"] == {"status": "completed"}
    assert [(r.message, r.call_status) for r in results] == [
        ("hung up", "completed"),
        ("canceled before it was answered", "canceled"),
    ]
    assert [r.returned_sid for r in results] == [answered.sid, ringing.sid]


# ----------------------------------------------------------------------------- refused


async def test_unknown_and_ended_calls_are_refused_in_plain_words(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService, audit: AuditLog
) -> None:
    ended = await live_call(sim, access, "in-progress")
    sim.engine.hang_up(ended.sid)
    ghost = Call(
        sid="CA" + "0" * 32, parent_call_sid=None, direction="inbound", from_="", to="",
        status="in-progress", start_time=None, date_created=None, date_updated="",
        duration=None, queue_time_ms=None, answered_by=None,
    )  # fmt: skip
    gone, over = await service.redirect([ghost, ended], "https://example.com/twiml")
    assert (gone.outcome, gone.code) == (Outcome.REFUSED, 20404)
    assert gone.message == "the call no longer exists (it may have ended)"
    assert (over.outcome, over.code) == (Outcome.REFUSED, 21220)
    assert over.message == (
        "the call ended (or is not in progress) before the redirect — nothing was changed"
    )
    assert audit.entries(ghost.sid)[0]["code"] == 20404
    assert audit.entries(ended.sid)[0]["outcome"] == "refused"


async def test_twiml_for_a_call_still_ringing_is_accepted(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService
) -> None:
    ringing = await live_call(sim, access, "ringing")
    [result] = await service.inject_twiml([ringing], SAY_AND_HANG_UP)
    assert (result.outcome, result.call_status) == (Outcome.APPLIED, "in-progress")
    await sim.advance(30)  # the inbound call ran the injected TwiML instead of its own
    assert await call_status(access, ringing.sid) == "completed"


async def test_hang_up_of_a_call_answered_meanwhile_still_ends_it(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService
) -> None:
    ringing = await live_call(sim, access, "ringing")
    await sim.advance(1.0)  # answered after we last saw it ringing
    [result] = await service.hang_up([ringing])
    assert (result.outcome, result.message, result.call_status) == (
        Outcome.APPLIED,
        "hung up",
        "completed",
    )
    assert updates_to(sim, ringing.sid) == 1
    assert await call_status(access, ringing.sid) == "completed"


async def test_rate_limit_is_refused_with_the_wait(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService, audit: AuditLog
) -> None:
    call = await live_call(sim, access, "in-progress")
    sim.faults.set("rate_limit=1.0,retry_after=3")
    [result] = await service.hang_up([call])
    assert (result.outcome, result.code) == (Outcome.REFUSED, 20429)
    assert result.message == "Twilio is rate limiting; not sent — try again in 3 s"
    assert audit.entries(call.sid)[0]["outcome"] == "refused"
    sim.faults.clear()
    assert await call_status(access, call.sid) == "in-progress"


async def test_server_errors_are_unknown_outcomes(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService
) -> None:
    call = await live_call(sim, access, "in-progress")
    sim.faults.set("error_rate=1.0")
    [result] = await service.inject_twiml([call], HOLD)
    assert result.outcome is Outcome.UNKNOWN
    assert "unknown outcome, check the call" in result.message
    assert updates_to(sim, call.sid) == 1


async def test_a_timeout_is_unknown_and_the_update_is_sent_exactly_once(
    sim: EmbeddedSimulator, audit: AuditLog
) -> None:
    async with TwilioAccess(credentials_for(sim), timeout_s=0.3) as access:
        call = await live_call(sim, access, "in-progress")
        service = ActionService(access, audit, operator="test-supervisor")
        sim.faults.set("latency=0.8s")
        [result] = await service.hang_up([call])
        assert (result.outcome, result.message) == (Outcome.UNKNOWN, UNKNOWN_MESSAGE)
        assert audit.entries(call.sid)[0]["outcome"] == "unknown"
        await asyncio.sleep(0.8)  # let the simulator finish (and log) the late request
        assert updates_to(sim, call.sid) == 1


async def test_a_second_press_while_in_flight_sends_nothing(
    sim: EmbeddedSimulator, access: TwilioAccess, service: ActionService, audit: AuditLog
) -> None:
    call = await live_call(sim, access, "in-progress")
    sim.faults.set("latency=300ms")
    first = asyncio.create_task(service.hang_up([call]))
    await asyncio.sleep(0.05)
    assert service.in_flight(call.sid)
    [second] = await service.hang_up([call])
    assert (second.outcome, second.message) == (Outcome.REFUSED, IN_FLIGHT_MESSAGE)
    [applied] = await first
    assert applied.outcome is Outcome.APPLIED and not service.in_flight(call.sid)
    assert updates_to(sim, call.sid) == 1
    assert [e["outcome"] for e in audit.entries(call.sid)] == ["refused", "applied"]
    # The same call twice in one request is sent once, too.
    other = await live_call(sim, access, "in-progress")
    sim.faults.clear()
    results = await service.inject_twiml([other, other], HOLD)
    assert [r.outcome for r in results] == [Outcome.APPLIED, Outcome.REFUSED]
    assert updates_to(sim, other.sid) == 1


# ----------------------------------------------------------------------------- never sent


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (lambda s, c: s.inject_twiml(c, "<Response><Sya>typo</Sya></Response>"), TwimlError),
        (lambda s, c: s.inject_twiml(c, "<!DOCTYPE x [<!ENTITY a 'b'>]><Response/>"), TwimlError),
        (lambda s, c: s.redirect(c, "ftp://example.com/x"), UrlError),
        (lambda s, c: s.redirect(c, "https://user:pw@example.com/x"), UrlError),
        (lambda s, c: s.redirect(c, "https://example.com/x", "PUT"), ValidationError),
    ],
)
async def test_invalid_input_sends_and_audits_nothing(
    sim: EmbeddedSimulator,
    access: TwilioAccess,
    service: ActionService,
    audit: AuditLog,
    action: object,
    error: type[Exception],
) -> None:
    call = await live_call(sim, access, "in-progress")
    with pytest.raises(error):
        await action(service, [call])  # type: ignore[operator]
    assert updates_to(sim, call.sid) == 0
    assert not audit.path.exists()
    assert not service.in_flight(call.sid)


async def test_malformed_sid_and_read_only_send_nothing(
    sim: EmbeddedSimulator, access: TwilioAccess, audit: AuditLog
) -> None:
    call = await live_call(sim, access, "in-progress")
    bad = Call(
        sid="CA123", parent_call_sid=None, direction="inbound", from_="", to="",
        status="in-progress", start_time=None, date_created=None, date_updated="",
        duration=None, queue_time_ms=None, answered_by=None,
    )  # fmt: skip
    service = ActionService(access, audit, operator="test-supervisor")
    with pytest.raises(SidError):
        await service.hang_up([call, bad])
    read_only = ActionService(access, audit, operator="test-supervisor", read_only=True)
    with pytest.raises(ActionFailed, match="read-only"):
        await read_only.hang_up([call])
    assert updates_to(sim, call.sid) == 0
    assert not audit.path.exists()
    assert await call_status(access, call.sid) == "in-progress"
