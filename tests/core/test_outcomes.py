"""Outcomes are read from the call Twilio returns, not assumed from a 200.

A Twilio-compatible endpoint (tests/core/listing_server.py) answers each update with a call of
the test's choosing; the real SDK sends the update and parses the answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from tests.core.listing_server import call_record, listing_server
from tui.core.actions import ActionService
from tui.core.audit import AuditLog
from tui.core.call_parsing import call_from_json
from tui.core.models import Action, ActionResult, Outcome
from tui.core.twilio_client import TwilioAccess

TARGET = call_record(1, "in-progress")
RINGING = "<Response><Say>One moment.</Say><Redirect>https://example.com/hold</Redirect></Response>"


async def _act(
    tmp_env: Path, answer: dict[str, object], action: Action, status: str = "in-progress"
) -> tuple[ActionResult, list[str]]:
    sent: list[str] = []

    def serve(request: web.Request) -> dict[str, object]:
        sent.append(request.method)
        return answer

    async with (
        listing_server(serve) as api,
        TwilioAccess(api.credentials(), timeout_s=5.0) as access,
    ):
        service = ActionService(access, AuditLog(tmp_env / "audit.jsonl"), operator="t")
        call = call_from_json(call_record(1, status))
        if action is Action.HANG_UP:
            [result] = await service.hang_up([call])
        elif action is Action.REDIRECT:
            [result] = await service.redirect([call], "https://example.com/next")
        else:
            [result] = await service.inject_twiml([call], RINGING)
    return result, sent


@pytest.mark.parametrize("action", list(Action))
async def test_an_answer_about_another_call_is_an_unknown_outcome(
    tmp_env: Path, action: Action
) -> None:
    other = call_record(2, "completed")
    result, sent = await _act(tmp_env, other, action)
    assert sent == ["POST"]  # sent once, never repeated
    assert result.outcome is Outcome.UNKNOWN
    assert "another call" in result.message
    assert result.returned_sid == other["sid"]


async def test_a_hang_up_answered_with_a_live_call_is_not_reported_as_done(
    tmp_env: Path,
) -> None:
    result, _ = await _act(tmp_env, call_record(1, "in-progress"), Action.HANG_UP)
    assert result.outcome is Outcome.UNKNOWN
    assert "still in-progress" in result.message


@pytest.mark.parametrize(
    ("returned", "message"),
    [("completed", "hung up"), ("canceled", "canceled before it was answered"),
     ("busy", "the call has ended (busy)")],
)  # fmt: skip
async def test_a_hang_up_says_what_twilio_returned(
    tmp_env: Path, returned: str, message: str
) -> None:
    result, _ = await _act(tmp_env, call_record(1, returned), Action.HANG_UP, "ringing")
    assert (result.outcome, result.message, result.call_status) == (
        Outcome.APPLIED,
        message,
        returned,
    )


@pytest.mark.parametrize("action", [Action.REDIRECT, Action.INJECT_TWIML])
async def test_twiml_for_a_call_that_ended_meanwhile_did_not_run(
    tmp_env: Path, action: Action
) -> None:
    result, _ = await _act(tmp_env, call_record(1, "completed"), action)
    assert result.outcome is Outcome.UNKNOWN
    assert "has ended (completed)" in result.message


async def test_an_answer_without_a_readable_status_is_unknown(tmp_env: Path) -> None:
    result, _ = await _act(tmp_env, call_record(1, status=["x"]), Action.HANG_UP)  # type: ignore[arg-type]
    assert result.outcome is Outcome.UNKNOWN
