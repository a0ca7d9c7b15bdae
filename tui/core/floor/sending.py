"""Sending one floor action: claim the target, send once, read Twilio's answer, audit, release.

The base of :class:`tui.core.floor.actions.FloorActions`. Nothing here retries: a timeout or a
dropped connection is an unknown outcome the supervisor checks, never a second request.

On a hub the target is also claimed from every other console first (the same
:class:`~tui.core.coordination.ActionClaims` as call actions, keyed on the leg's Call SID, the
room's Conference SID or the queue member): a refused claim is audited and nothing is sent, and
the supervisor is told who acted. The supervisor's own monitoring leg (listen, whisper, barge,
stop) is not claimed: it is theirs alone, and two supervisors may listen to one room.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, Final

import aiohttp
from twilio.base.exceptions import TwilioException

from tui.core.actions import (
    NOT_SENT_MESSAGE,
    READ_ONLY_MESSAGE,
    UNKNOWN_MESSAGE,
    AuditRecorder,
    write_audited,
)
from tui.core.coordination import ActionClaims
from tui.core.errors import ActionFailed
from tui.core.floor.outcomes import APPLIED, error_result
from tui.core.models import Action, ActionResult, Outcome
from tui.core.twilio_client import TwilioAccess, TwilioUnreachable, capture_response

_log = logging.getLogger(__name__)

IN_FLIGHT: Final = "an action on this is already in progress"
UNCLAIMED: Final = frozenset({Action.LISTEN, Action.WHISPER, Action.BARGE, Action.STOP_LISTENING})
"""Actions on the supervisor's own leg: no other console can be acting on it."""


class AuditedSender:
    """One-shot, audited, read-only-aware sending of SDK requests."""

    def __init__(
        self,
        access: TwilioAccess,
        audit: AuditRecorder | None,
        *,
        operator: str,
        read_only: bool = False,
        claims: ActionClaims | None = None,
    ) -> None:
        self._access = access
        self._claims = claims
        """Asked before each shared target's request (consoles on a hub)."""
        self._audit = audit
        self.operator = operator
        self.read_only = read_only
        self._in_flight: set[str] = set()
        self._audit_lock = asyncio.Lock()

    def in_flight(self, key: str) -> bool:
        """True while an action on ``key`` (a leg, a room, a queue member) is being sent."""
        return key in self._in_flight

    @property
    def _client(self) -> Any:
        return self._access.client

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ActionFailed(READ_ONLY_MESSAGE)

    async def _run(
        self,
        key: str,
        action: Action,
        send: Callable[[], Awaitable[Any]],
        parameters: Mapping[str, str],
        *,
        sid: str | None = None,
        claim: str | None = None,
    ) -> ActionResult:
        result, _ = await self._run_keep(key, action, send, parameters, sid=sid, claim=claim)
        return result

    async def _run_keep(
        self,
        key: str,
        action: Action,
        send: Callable[[], Awaitable[Any]],
        parameters: Mapping[str, str],
        *,
        sid: str | None = None,
        claim: str | None = None,
    ) -> tuple[ActionResult, Any]:
        """Claim ``key``, send once, audit, release; return the result and Twilio's instance.

        ``claim`` is the key other consoles know the target by (default ``key``).
        """
        shown = sid or key
        if key in self._in_flight:
            result = ActionResult(shown, action, Outcome.REFUSED, IN_FLIGHT)
            return await self._audited(result, parameters), None
        self._in_flight.add(key)
        claims = None if action in UNCLAIMED else self._claims
        claim_key = claim or key
        try:
            note = ""
            if claims is not None:
                answer = await claims.claim(claim_key, action)
                if not answer.granted:
                    refused = ActionResult(shown, action, Outcome.REFUSED, answer.message)
                    return await self._audited(refused, parameters), None
                note = answer.note
            result, instance = await self._send(shown, key, action, send)
            if note:
                result = replace(result, message=f"{result.message} ({note})")
            if claims is not None:
                await claims.settle(replace(result, sid=claim_key))
            return await self._audited(result, parameters), instance
        finally:
            self._in_flight.discard(key)

    async def _send(
        self, shown: str, key: str, action: Action, send: Callable[[], Awaitable[Any]]
    ) -> tuple[ActionResult, Any]:
        """One request; Twilio's answer (or the lack of one) as a result."""
        instance: Any = None
        with capture_response() as info:
            try:
                instance = await send()
                result = ActionResult(shown, action, Outcome.APPLIED, APPLIED[action])
            except TwilioException as exc:
                result = error_result(shown, action, exc, info)
            except TimeoutError:
                result = ActionResult(shown, action, Outcome.UNKNOWN, UNKNOWN_MESSAGE)
            except (aiohttp.ClientConnectorError, TwilioUnreachable):
                result = ActionResult(shown, action, Outcome.REFUSED, NOT_SENT_MESSAGE)
            except (aiohttp.ClientError, OSError):
                result = ActionResult(shown, action, Outcome.UNKNOWN, UNKNOWN_MESSAGE)
            except Exception as exc:
                _log.exception("floor action %s on %s failed unexpectedly", action, key)
                result = ActionResult(
                    shown,
                    action,
                    Outcome.UNKNOWN,
                    f"unexpected error ({type(exc).__name__}) — unknown outcome, check",
                )
        return result, instance

    async def _audited(self, result: ActionResult, parameters: Mapping[str, str]) -> ActionResult:
        return await write_audited(
            self._audit,
            self._audit_lock,
            operator=self.operator,
            account_sid=self._access.account_sid,
            result=result,
            parameters=parameters,
        )
