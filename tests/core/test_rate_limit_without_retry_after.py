"""A 429 without Retry-After (Twilio's docs do not promise the header): the console backs off.

Against the simulator's fault ``retry_after=none``, through the real SDK over HTTP.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import HOLD, credentials_for
from tui.core.actions import DEFAULT_RATE_LIMIT_WAIT_S, ActionService
from tui.core.audit import AuditLog
from tui.core.call_parsing import call_from_json
from tui.core.models import Outcome, PollEvent, PollFailed, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator


async def test_the_poller_backs_off_from_a_429_without_retry_after(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    sim.faults.set("rate_limit=1.0,retry_after=none")
    events: list[PollEvent] = []
    poller = LiveCallPoller(access, on_event=events.append, interval_s=1.0, max_backoff_s=30.0)
    delays = [await poller.poll_once() for _ in range(4)]
    limited = [r for r in sim.request_log if r.path.endswith("/Calls.json")]
    assert limited  # the simulator answered them (429s)
    assert all(isinstance(e, PollFailed) and e.rate_limited for e in events)
    assert "HTTP 429" in events[0].reason and "retry after" not in events[0].reason  # type: ignore[union-attr]
    assert all(delay >= 1.0 for delay in delays)  # never sooner than the interval
    assert poller.interval_s > 1.0  # and the regular interval slows down
    assert max(delays) > 2.0  # growing, up to max_backoff_s
    sim.faults.set("")
    await poller.poll_once()
    assert isinstance(events[-1], PollSucceeded)  # and recovers


async def test_an_action_meeting_a_429_without_retry_after_is_not_sent_again(
    sim: EmbeddedSimulator, access: TwilioAccess, tmp_env: Path
) -> None:
    record = sim.engine.create_inbound(from_="+14155550100", to="+18889371204", twiml=HOLD)
    await sim.advance(1.0)
    payload, _, _ = await access.get_json(
        f"/2010-04-01/Accounts/{sim.account_sid}/Calls/{record.sid}.json"
    )
    assert isinstance(payload, dict)
    sim.faults.set("rate_limit=1.0,retry_after=none")
    service = ActionService(access, AuditLog(tmp_env / "audit.jsonl"), operator="t")
    [result] = await service.hang_up([call_from_json(payload)])
    assert result.outcome is Outcome.REFUSED and result.code == 20429
    assert f"try again in {DEFAULT_RATE_LIMIT_WAIT_S} s" in result.message
    posts = [r for r in sim.request_log if r.method == "POST"]
    assert len(posts) == 1  # exactly once, never retried


async def test_the_simulator_says_authentication_error_like_twilio(
    sim: EmbeddedSimulator,
) -> None:
    async with TwilioAccess(credentials_for(sim, token="wrong")) as access:
        try:
            await access.get_json(f"/2010-04-01/Accounts/{sim.account_sid}.json")
        except Exception as exc:
            assert getattr(exc, "twilio_message", None) == "Authentication Error"
            assert getattr(exc, "status", None) == 401
        else:  # pragma: no cover
            raise AssertionError("a wrong token was accepted")
