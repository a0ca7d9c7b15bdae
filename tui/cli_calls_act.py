"""``callboard calls hangup|redirect|twiml``: validate, look up, confirm, send, report.

Split from :mod:`tui.cli_calls`. Everything an action will send is validated before anything is
(:func:`_request`); each call is looked up first, and one that has ended or is unknown is refused
and audited without sending; the rest are confirmed (``--yes``, or "y" at a terminal) and go
through :class:`tui.core.actions.ActionService`, one request per call, never retried. The results
print in the order the SIDs were given, and the exit code says how they went
(:mod:`tui.cli_calls_exit`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.cli_calls_exit import Exit, _exit_for, _overall, _Stop
from tui.cli_calls_output import dumps, result_json, results_table
from tui.cli_calls_session import _Session
from tui.core.actions import ActionService
from tui.core.call_lookup import CallNotFound, fetch_call
from tui.core.config import Settings
from tui.core.errors import ValidationError
from tui.core.models import ENDED_STATUSES, Action, ActionResult, Call, Outcome
from tui.core.sids import validate_call_sid
from tui.core.text import display_text
from tui.core.twilio_client import TwilioAccessError, TwilioHttpError
from tui.core.twiml import validate_twiml
from tui.core.urls import validate_method, validate_url

_VERBS = {
    Action.HANG_UP: "hang up",
    Action.REDIRECT: "redirect",
    Action.INJECT_TWIML: "inject TwiML into",
}


@dataclass(frozen=True, slots=True)
class _Request:
    action: Action
    sids: tuple[str, ...]
    twiml: str | None = None
    url: str | None = None
    method: str = "POST"

    def parameters(self, call: Call | None) -> dict[str, str]:
        if self.action is Action.INJECT_TWIML:
            return {"twiml": self.twiml or ""}
        if self.action is Action.REDIRECT:
            return {"url": self.url or "", "method": self.method}
        return {}


def _request(args: argparse.Namespace, settings: Settings) -> _Request:
    """Everything the action will send, validated; ``ValidationError`` otherwise."""
    sids = tuple(dict.fromkeys(validate_call_sid(sid.strip()) for sid in args.sids))
    if args.command == "hangup":
        return _Request(Action.HANG_UP, sids)
    if args.command == "redirect":
        url = validate_url(args.url)
        if url.warning:
            print(f"callboard calls: warning: {url.warning}", file=sys.stderr)
        return _Request(Action.REDIRECT, sids, url=url.url, method=validate_method(args.method))
    return _Request(Action.INJECT_TWIML, sids, twiml=_twiml_text(args, settings))


def _twiml_text(args: argparse.Namespace, settings: Settings) -> str:
    if args.snippet is not None:
        snippet = next((s for s in settings.snippets if s.key == args.snippet), None)
        if snippet is None:
            known = ", ".join(s.key for s in settings.snippets)
            raise ValidationError(f"There is no snippet '{args.snippet}'; known: {known}.")
        values: dict[str, str] = {}
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise ValidationError(f"--set wants NAME=VALUE, got {display_text(item)!r}.")
            values[name.strip()] = value
        return snippet.render(values)
    if args.set:
        raise ValidationError("--set fills a --snippet's placeholders; there is no --snippet.")
    if args.file is not None:
        try:
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ValidationError(f"Cannot read the TwiML file: {err}.") from None
        return validate_twiml(text)
    return validate_twiml(args.twiml)


def _interactive(args: argparse.Namespace) -> bool:
    reads_stdin = getattr(args, "file", None) == "-"
    return not reads_stdin and sys.stdin.isatty() and sys.stdout.isatty()


async def _confirm(request: _Request, calls: Sequence[Call]) -> bool:
    print(f"About to {_VERBS[request.action]} {len(calls)} call(s):", file=sys.stderr)
    for call in calls:
        shown = f"{call.sid}  {call.status}  {call.from_} → {call.to}"
        print(f"  {display_text(shown, limit=120)}", file=sys.stderr)
    if request.action is Action.REDIRECT:
        print(f"  to {request.method} {display_text(request.url)}", file=sys.stderr)
    try:
        answer = await asyncio.to_thread(input, "This cannot be undone. Send? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


async def _act(args: argparse.Namespace, request: _Request, session: _Session) -> Exit:
    found: list[Call] = []
    results: dict[str, ActionResult] = {}
    codes: dict[str, Exit] = {}

    async def refuse(sid: str, message: str, code: Exit, twilio_code: int | None = None) -> None:
        result = ActionResult(sid, request.action, Outcome.REFUSED, message, code=twilio_code)
        await asyncio.to_thread(
            session.audit.record,
            operator=session.settings.operator,
            account_sid=session.access.account_sid,
            result=result,
            parameters=request.parameters(None),
        )
        results[sid], codes[sid] = result, code

    lookups = await asyncio.gather(
        *(fetch_call(session.access, sid) for sid in request.sids), return_exceptions=True
    )
    for sid, looked in zip(request.sids, lookups, strict=True):
        if isinstance(looked, Call):
            if looked.status in ENDED_STATUSES:
                await refuse(
                    sid,
                    f"the call has already ended ({looked.status}): nothing was sent",
                    Exit.REFUSED,
                )
            else:
                found.append(looked)
        elif isinstance(looked, CallNotFound):
            await refuse(
                sid, "no such call in this account: nothing was sent", Exit.NOT_FOUND, 20404
            )
        elif isinstance(looked, TwilioHttpError) and looked.auth_refused:
            raise _Stop(Exit.CONFIG, str(looked))
        elif isinstance(looked, TwilioAccessError):
            reason = str(looked).rstrip(".")
            await refuse(
                sid, f"could not look the call up ({reason}): nothing was sent", Exit.TWILIO
            )
        elif isinstance(looked, BaseException):
            raise looked

    if found and not args.yes and not await _confirm(request, found):
        for call in found:
            results[call.sid] = ActionResult(
                call.sid, request.action, Outcome.REFUSED, "not confirmed: nothing was sent"
            )
            codes[call.sid] = Exit.REFUSED
        found = []
    if found:
        actions = ActionService(
            session.access, session.audit, operator=session.settings.operator, read_only=False
        )
        sent = await _send(actions, request, found)
        for result in sent:
            results[result.sid], codes[result.sid] = result, _exit_for(result)

    ordered = [results[sid] for sid in request.sids]
    print(dumps([result_json(r) for r in ordered]) if args.json else results_table(ordered))
    return _overall([codes[sid] for sid in request.sids])


async def _send(actions: ActionService, request: _Request, calls: list[Call]) -> list[ActionResult]:
    if request.action is Action.HANG_UP:
        return await actions.hang_up(calls)
    if request.action is Action.REDIRECT:
        return await actions.redirect(calls, request.url or "", request.method)
    return await actions.inject_twiml(calls, request.twiml or "")
