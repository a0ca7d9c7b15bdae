"""Sending one floor action: claim the target, send once, read Twilio's answer, audit, release.

The base of :class:`tui.core.floor.actions.FloorActions`. Nothing here retries: a timeout or a
dropped connection is an unknown outcome the supervisor checks, never a second request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
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
from tui.core.errors import ActionFailed
from tui.core.floor.outcomes import APPLIED, error_result
from tui.core.models import Action, ActionResult, Outcome
from tui.core.twilio_client import TwilioAccess, TwilioUnreachable, capture_response

_log = logging.getLogger(__name__)

IN_FLIGHT: Final = "an action on this is already in progress"


class AuditedSender:
    """One-shot, audited, read-only-aware sending of SDK requests."""

    def __init__(
        self,
        access: TwilioAccess,
        audit: AuditRecorder | None,
        *,
        operator: str,
        read_only: bool = False,
    ) -> None:
        self._access = access
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
    ) -> ActionResult:
        result, _ = await self._run_keep(key, action, send, parameters, sid=sid)
        return result

    async def _run_keep(
        self,
        key: str,
        action: Action,
        send: Callable[[], Awaitable[Any]],
        parameters: Mapping[str, str],
        *,
        sid: str | None = None,
    ) -> tuple[ActionResult, Any]:
        """Claim ``key``, send once, audit, release; return the result and Twilio's instance."""
        shown = sid or key
        if key in self._in_flight:
            result = ActionResult(shown, action, Outcome.REFUSED, IN_FLIGHT)
            return await self._audited(result, parameters), None
        self._in_flight.add(key)
        instance: Any = None
        try:
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
            return await self._audited(result, parameters), instance
        finally:
            self._in_flight.discard(key)

    async def _audited(self, result: ActionResult, parameters: Mapping[str, str]) -> ActionResult:
        return await write_audited(
            self._audit,
            self._audit_lock,
            operator=self.operator,
            account_sid=self._access.account_sid,
            result=result,
            parameters=parameters,
        )
