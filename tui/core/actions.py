"""What a supervisor does to live calls: inject TwiML, redirect, hang up.

Rules a caller may rely on:

* Input is checked first (TwiML, URL, method, every Call SID). Invalid input raises the
  :class:`~tui.core.errors.ValidationError` subclass: nothing is sent, nothing is audited.
* In read-only mode every action raises :class:`~tui.core.errors.ActionFailed`; nothing is sent.
* Each call gets exactly one ``update_async`` through the SDK, never retried — not after a
  timeout, not after a 429, not after a 21220. Calls of one request go out concurrently (bounded).
* A call that already has an action in flight is refused without sending (a double key press).
* Every :class:`~tui.core.models.ActionResult` is written to the audit log (in a thread) before the
  method returns it, so whatever the supervisor sees is already on disk.
* Twilio's answers become plain sentences; a timeout or dropped connection is
  :attr:`Outcome.UNKNOWN` ("check the call"), because the update may have been applied.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, Protocol

import aiohttp
from twilio.base.exceptions import TwilioException

from tui.core.coordination import ActionClaims
from tui.core.errors import ActionFailed
from tui.core.models import Action, ActionResult, Call, Outcome
from tui.core.outcomes import outcome_from_answer
from tui.core.sdk_errors import int_attr, twilio_message
from tui.core.sids import validate_call_sid
from tui.core.twilio_client import (
    ResponseInfo,
    TwilioAccess,
    TwilioLinkRefused,
    TwilioUnreachable,
    capture_response,
)
from tui.core.twiml import validate_twiml
from tui.core.urls import validate_method, validate_url

_log = logging.getLogger(__name__)

READ_ONLY_MESSAGE: Final = "Callboard is in read-only mode: nothing was sent to Twilio."
IN_FLIGHT_MESSAGE: Final = "an action on this call is already in progress"
UNKNOWN_MESSAGE: Final = "no answer from Twilio — unknown outcome, check the call"
NOT_SENT_MESSAGE: Final = "could not connect to Twilio — nothing was sent"
DEFAULT_RATE_LIMIT_WAIT_S: Final = 5

HANG_UP_STATUS: Final = "completed"
_ACTION_NOUN: Final = {
    Action.INJECT_TWIML: "TwiML injection",
    Action.REDIRECT: "redirect",
    Action.HANG_UP: "hang-up",
}


class AuditRecorder(Protocol):
    """What the action service needs from :class:`tui.core.audit.AuditLog`."""

    def record(
        self,
        *,
        operator: str,
        account_sid: str,
        result: ActionResult,
        parameters: Mapping[str, str],
    ) -> object: ...


_Send = Callable[[Call], Awaitable[Any]]
"""Sends the update for one call; returns the SDK's CallInstance."""


class ActionService:
    """Sends supervisor actions through the shared SDK client and audits every outcome."""

    def __init__(
        self,
        access: TwilioAccess,
        audit: AuditRecorder | None,
        *,
        operator: str,
        read_only: bool = False,
        max_concurrency: int = 8,
        claims: ActionClaims | None = None,
    ) -> None:
        self._access = access
        self._claims = claims
        """Asked before each call's request (shared consoles, see :mod:`tui.core.coordination`)."""
        self._audit = audit
        self.operator = operator
        self.read_only = read_only
        self._in_flight: set[str] = set()
        self._semaphore = asyncio.Semaphore(max(1, max_concurrency))
        self._audit_lock = asyncio.Lock()

    def in_flight(self, sid: str) -> bool:
        """True while an action on ``sid`` is being sent or audited."""
        return sid in self._in_flight

    # ------------------------------------------------------------------ actions

    async def inject_twiml(self, calls: Sequence[Call], twiml: str) -> list[ActionResult]:
        """Replace what each call is doing with ``twiml`` (Twilio's ``Twiml`` parameter)."""
        self._refuse_if_read_only()
        checked = validate_twiml(twiml)
        _validate_sids(calls)

        async def send(call: Call) -> Any:
            return await self._access.client.calls(call.sid).update_async(twiml=checked)

        return await self._run(calls, Action.INJECT_TWIML, send, lambda _call: {"twiml": checked})

    async def redirect(
        self, calls: Sequence[Call], url: str, method: str = "POST"
    ) -> list[ActionResult]:
        """Make Twilio fetch new TwiML for each call from ``url`` and run it at once."""
        self._refuse_if_read_only()
        checked = validate_url(url).url
        verb = validate_method(method)
        _validate_sids(calls)

        async def send(call: Call) -> Any:
            return await self._access.client.calls(call.sid).update_async(url=checked, method=verb)

        return await self._run(
            calls, Action.REDIRECT, send, lambda _call: {"url": checked, "method": verb}
        )

    async def hang_up(self, calls: Sequence[Call]) -> list[ActionResult]:
        """End each call with ``Status=completed``, which ends a call in any live state.

        ``canceled`` would race: Twilio documents that it does not affect a call already in
        progress, and answers 200 all the same, so a ringing call answered just before the
        request arrived would stay up while the console said "canceled". What happened is read
        from the call Twilio returns (:func:`outcome_from_answer`).
        """
        self._refuse_if_read_only()
        _validate_sids(calls)

        async def send(call: Call) -> Any:
            return await self._access.client.calls(call.sid).update_async(status=HANG_UP_STATUS)

        return await self._run(
            calls, Action.HANG_UP, send, lambda _call: {"status": HANG_UP_STATUS}
        )

    # ------------------------------------------------------------------ machinery

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ActionFailed(READ_ONLY_MESSAGE)

    async def _run(
        self,
        calls: Sequence[Call],
        action: Action,
        send: _Send,
        parameters: Callable[[Call], Mapping[str, str]],
    ) -> list[ActionResult]:
        # Claim every SID synchronously (before the first await), so a second request that
        # arrives while this one is in flight sees the claim.
        claimed: list[bool] = []
        for call in calls:
            free = call.sid not in self._in_flight
            if free:
                self._in_flight.add(call.sid)
            claimed.append(free)
        sends = [
            self._one(call, action, send, parameters(call), owns=owns)
            for call, owns in zip(calls, claimed, strict=True)
        ]
        if len(sends) == 1:
            # Awaited in place: a task of its own would queue the request behind whatever else
            # is ready on the loop (slices of a running poll, a frame), milliseconds each.
            return [await sends[0]]
        return list(await asyncio.gather(*sends))

    async def _one(
        self,
        call: Call,
        action: Action,
        send: _Send,
        parameters: Mapping[str, str],
        *,
        owns: bool,
    ) -> ActionResult:
        if not owns:
            result = ActionResult(call.sid, action, Outcome.REFUSED, IN_FLIGHT_MESSAGE)
            return await self._audited(result, parameters)
        try:
            note = ""
            if self._claims is not None:
                answer = await self._claims.claim(call.sid, action)
                if not answer.granted:
                    refused = ActionResult(call.sid, action, Outcome.REFUSED, answer.message)
                    return await self._audited(refused, parameters)
                note = answer.note
            async with self._semaphore:
                result = await self._send(call, action, send, parameters)
            if note:
                result = replace(result, message=f"{result.message} ({note})")
            if self._claims is not None:
                await self._claims.settle(result)
            return await self._audited(result, parameters)
        finally:
            self._in_flight.discard(call.sid)

    async def _send(
        self, call: Call, action: Action, send: _Send, parameters: Mapping[str, str]
    ) -> ActionResult:
        with capture_response() as info:
            try:
                instance = await send(call)
            except TwilioException as exc:
                return twilio_error_result(call, action, exc, info, parameters)
            except TimeoutError:
                return ActionResult(call.sid, action, Outcome.UNKNOWN, UNKNOWN_MESSAGE)
            except TwilioLinkRefused as exc:
                return ActionResult(call.sid, action, Outcome.REFUSED, str(exc))
            except (aiohttp.ClientConnectorError, TwilioUnreachable):
                # The connection was never made: the request did not leave this machine.
                return ActionResult(call.sid, action, Outcome.REFUSED, NOT_SENT_MESSAGE)
            except (aiohttp.ClientError, OSError):
                return ActionResult(call.sid, action, Outcome.UNKNOWN, UNKNOWN_MESSAGE)
            except Exception as exc:
                _log.exception("action %s on %s failed unexpectedly", action, call.sid)
                return ActionResult(
                    call.sid,
                    action,
                    Outcome.UNKNOWN,
                    f"unexpected error ({type(exc).__name__}) — unknown outcome, check the call",
                )
        return outcome_from_answer(call, action, instance, parameters)

    async def _audited(self, result: ActionResult, parameters: Mapping[str, str]) -> ActionResult:
        return await write_audited(
            self._audit,
            self._audit_lock,
            operator=self.operator,
            account_sid=self._access.account_sid,
            result=result,
            parameters=parameters,
        )


async def write_audited(
    audit: AuditRecorder | None,
    lock: asyncio.Lock,
    *,
    operator: str,
    account_sid: str,
    result: ActionResult,
    parameters: Mapping[str, str],
) -> ActionResult:
    """Write ``result`` to the audit log and only then hand it back (every action service).

    If the log cannot be written the result still comes back (the call *was* acted on), with
    the failure appended so the supervisor knows the record is missing.
    """
    if audit is None:
        return result
    try:
        async with lock:
            await asyncio.to_thread(
                audit.record,
                operator=operator,
                account_sid=account_sid,
                result=result,
                parameters=dict(parameters),
            )
    except Exception as exc:
        _log.exception("could not write the audit log")
        return replace(
            result,
            message=f"{result.message} (not written to the audit log: {type(exc).__name__})",
        )
    return result


def hang_up_status(call: Call) -> str:
    """The ``Status`` a hang-up sends: ``completed`` for a call in any live state."""
    return HANG_UP_STATUS


def _validate_sids(calls: Sequence[Call]) -> None:
    for call in calls:
        validate_call_sid(call.sid)


def twilio_error_result(
    call: Call,
    action: Action,
    exc: TwilioException,
    info: ResponseInfo,
    parameters: Mapping[str, str],
) -> ActionResult:
    """Map an error answer from Twilio to an outcome and a sentence."""
    status = int_attr(exc, "status") or info.status or 0
    code = int_attr(exc, "code")
    if code == status:
        code = None  # the SDK puts the HTTP status there when the body had no Twilio code
    message = twilio_message(exc)

    def refused(text: str) -> ActionResult:
        return ActionResult(call.sid, action, Outcome.REFUSED, text, code=code or status or None)

    if code == 20404 or (code is None and status == 404):
        return refused("the call no longer exists (it may have ended)")
    if code == 21220:
        if action is Action.HANG_UP and parameters.get("status") == "canceled":
            return refused(
                "the call was answered (or ended) before it could be canceled — nothing was "
                "changed; hang up again to end it"
            )
        if call.status in ("queued", "ringing"):
            return refused(
                f"the call is not answered yet (it was {call.status}); Twilio only accepts a "
                f"{_ACTION_NOUN[action]} for an answered call — nothing was changed"
            )
        return refused(
            f"the call ended (or is not in progress) before the {_ACTION_NOUN[action]} — "
            "nothing was changed"
        )
    if code == 20429 or status == 429:
        wait = info.retry_after_s
        seconds = math.ceil(wait) if wait is not None else DEFAULT_RATE_LIMIT_WAIT_S
        return refused(f"Twilio is rate limiting; not sent — try again in {max(1, seconds)} s")
    if code == 21205:
        return refused("Twilio refused the URL")
    if code == 20003 or status == 401:
        return refused("Twilio refused the credentials — nothing was changed")
    if status >= 500:
        detail = f" (Twilio error {code}: {message})" if code and message else ""
        return ActionResult(
            call.sid,
            action,
            Outcome.UNKNOWN,
            f"Twilio failed (HTTP {status}){detail} — unknown outcome, check the call",
            code=code or status,
        )
    shown_code = code if code is not None else status
    return refused(f"Twilio error {shown_code}: {message or 'the update was refused'}")
