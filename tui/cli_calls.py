"""``callboard calls list|show|hangup|redirect|twiml``: the console's actions, for scripts.

The same rules as the console, through the same code: input is validated by
:mod:`tui.core.twiml` / :mod:`tui.core.urls` / :mod:`tui.core.sids` before anything is sent;
actions go through :class:`tui.core.actions.ActionService` (one request per call, never
retried, every outcome written to the audit log before it is printed); read-only mode refuses
every action; a call that has already ended is refused without sending. Hang-up, redirect and
TwiML injection cannot be undone, so nothing is sent without ``--yes`` — or a "y" typed at the
prompt when both stdin and stdout are a terminal; without a terminal there is no prompt.

Exit codes (:class:`Exit`) are part of the interface; the README lists them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from tui.cli_calls_output import (
    call_detail,
    call_json,
    calls_table,
    dumps,
    result_json,
    results_table,
)
from tui.core.actions import NOT_SENT_MESSAGE, ActionService
from tui.core.audit import AuditLog
from tui.core.call_lookup import CallNotFound, fetch_call, list_live_calls
from tui.core.config import Settings, audit_log_path, load_settings, resolve_credentials
from tui.core.credentials import Credentials
from tui.core.errors import ActionFailed, CallboardError, ConfigError, ValidationError
from tui.core.models import ENDED_STATUSES, Action, ActionResult, Call, Outcome
from tui.core.secret import Secret
from tui.core.sids import validate_call_sid
from tui.core.text import display_text
from tui.core.twilio_client import TwilioAccess, TwilioAccessError, TwilioHttpError
from tui.core.twiml import validate_twiml
from tui.core.urls import validate_method, validate_url


class Exit(IntEnum):
    """What ``callboard calls`` exits with."""

    OK = 0
    """Everything asked for was done (listed, shown, applied to every call)."""
    USAGE = 2
    """Bad arguments or input (SID, TwiML, URL, method), or --yes missing: nothing was sent."""
    CONFIG = 3
    """config.toml, the profile or the credentials are unusable (or Twilio refused them)."""
    NOT_FOUND = 4
    """No such call in this account."""
    REFUSED = 5
    """Refused, nothing changed: read-only, the call has ended, Twilio said no, not confirmed."""
    TWILIO = 6
    """Twilio could not be asked or failed to answer a lookup: nothing was sent."""
    UNKNOWN = 7
    """No clear answer to an action (timeout, dropped, 5xx): it may have been applied."""
    PARTIAL = 8
    """Several calls, different outcomes: see each call's line (or its JSON object)."""


class _Stop(Exception):
    def __init__(self, code: Exit, message: str) -> None:
        super().__init__(message)
        self.code = code


_VERBS = {
    Action.HANG_UP: "hang up",
    Action.REDIRECT: "redirect",
    Action.INJECT_TWIML: "inject TwiML into",
}


# ----------------------------------------------------------------------------------- parser


def build_calls_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", metavar="NAME", help="a profile from config.toml")
    common.add_argument("--api-url", metavar="URL", help="a Twilio-compatible API base URL")
    common.add_argument(
        "--demo", action="store_true", help="use a fresh embedded simulator (never by default)"
    )
    common.add_argument("--seed", type=int, default=0, help="seed for --demo")
    common.add_argument("--calls", type=int, default=20, metavar="N", help="live calls in --demo")
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument("sids", nargs="+", metavar="CALL_SID", help="one or more Call SIDs")
    acting.add_argument(
        "--yes", "-y", action="store_true", help="send without asking (required without a terminal)"
    )
    acting.add_argument(
        "--read-only", action="store_true", help="refuse to send anything (as the console's)"
    )

    parser = argparse.ArgumentParser(
        prog="callboard calls",
        description="List, inspect and act on live calls from scripts. Exit codes: 0 ok, "
        "2 usage, 3 config, 4 not found, 5 refused, 6 Twilio error, 7 unknown outcome, "
        "8 partial.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", parents=[common], help="the live calls (queued, ringing, in progress)")
    show = sub.add_parser("show", parents=[common], help="one call, with this machine's actions")
    show.add_argument("sid", metavar="CALL_SID")
    sub.add_parser(
        "hangup", parents=[common, acting], help="end calls (queued, ringing or in progress)"
    )
    redirect = sub.add_parser(
        "redirect", parents=[common, acting], help="make Twilio fetch new TwiML from a URL"
    )
    redirect.add_argument("--url", required=True, help="the TwiML URL (https://…)")
    redirect.add_argument("--method", default="POST", help="POST (default) or GET")
    twiml = sub.add_parser("twiml", parents=[common, acting], help="replace what calls do now")
    source = twiml.add_mutually_exclusive_group(required=True)
    source.add_argument("--twiml", metavar="XML", help="the TwiML itself")
    source.add_argument("--file", metavar="PATH", help="read the TwiML from a file ('-': stdin)")
    source.add_argument("--snippet", metavar="KEY", help="a built-in or config.toml snippet")
    twiml.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a snippet placeholder (repeatable)",
    )
    return parser


# ------------------------------------------------------------------------------ connection


@dataclass(frozen=True, slots=True)
class _Session:
    access: TwilioAccess
    audit: AuditLog
    settings: Settings


def _credentials(args: argparse.Namespace, settings: Settings) -> Credentials | None:
    api_url = args.api_url
    if api_url:
        try:
            api_url = validate_url(api_url).url
        except ValidationError as err:
            raise ConfigError(f"--api-url: {err}") from None
    if args.demo:
        return None
    credentials = resolve_credentials(os.environ, settings, args.profile, api_url)
    if credentials is None:
        raise ConfigError(
            "no credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY "
            "and TWILIO_API_SECRET), pass --profile, set default_profile in config.toml, or "
            "use --demo. Scripts never fall back to the demo by themselves."
        )
    return credentials


@asynccontextmanager
async def _open(
    args: argparse.Namespace, settings: Settings, credentials: Credentials | None
) -> AsyncIterator[_Session]:
    audit = AuditLog(audit_log_path())
    if credentials is not None:
        async with TwilioAccess(credentials, timeout_s=settings.request_timeout_s) as access:
            yield _Session(access, audit, settings)
        return
    from tui.sim import EmbeddedSimulator

    live = max(0, args.calls)
    async with EmbeddedSimulator(seed=args.seed, live_calls=live, traffic=False) as sim:
        demo = Credentials(
            account_sid=sim.account_sid,
            username=sim.account_sid,
            password=Secret(sim.auth_token),
            api_url=sim.base_url,
            source="demo simulator",
            demo=True,
        )
        async with TwilioAccess(demo, timeout_s=settings.request_timeout_s) as access:
            yield _Session(access, audit, settings)


def _lookup_failure(error: TwilioAccessError) -> _Stop:
    if isinstance(error, TwilioHttpError) and error.auth_refused:
        return _Stop(Exit.CONFIG, str(error))
    return _Stop(Exit.TWILIO, str(error))


# -------------------------------------------------------------------------------- commands


async def _list(args: argparse.Namespace, session: _Session) -> Exit:
    try:
        await session.access.fetch_account_name()  # a clear 401 before a listing's retries
        calls = await list_live_calls(session.access)
    except TwilioAccessError as error:
        raise _lookup_failure(error) from None
    print(dumps([call_json(c) for c in calls]) if args.json else calls_table(calls))
    return Exit.OK


async def _show(args: argparse.Namespace, session: _Session) -> Exit:
    try:
        call = await fetch_call(session.access, args.sid)
    except CallNotFound as error:
        raise _Stop(Exit.NOT_FOUND, str(error)) from None
    except TwilioAccessError as error:
        raise _lookup_failure(error) from None
    history = await asyncio.to_thread(session.audit.entries, call.sid)
    if args.json:
        print(dumps({**call_json(call), "history": history}))
    else:
        print(call_detail(call, history))
    return Exit.OK


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


def _exit_for(result: ActionResult) -> Exit:
    """How one action's outcome counts, read from the result the action service returned."""
    if result.outcome is Outcome.APPLIED:
        return Exit.OK
    if result.outcome is Outcome.REFUSED:
        if result.code == 20404:
            return Exit.NOT_FOUND
        if result.message == NOT_SENT_MESSAGE:
            return Exit.TWILIO
        return Exit.REFUSED
    return Exit.UNKNOWN  # UNKNOWN, or any outcome this version does not know: check the call


def _overall(codes: Sequence[Exit]) -> Exit:
    distinct = set(codes)
    if len(distinct) == 1:
        return codes[0]
    return Exit.PARTIAL


# ------------------------------------------------------------------------------------ main


async def _run(args: argparse.Namespace) -> Exit:
    settings = load_settings()
    credentials = _credentials(args, settings)
    request = _request(args, settings) if args.command in ("hangup", "redirect", "twiml") else None
    if request is not None:
        if args.read_only or (credentials is not None and credentials.read_only):
            why = (
                "--read-only"
                if args.read_only
                else f"{credentials and credentials.source} is read-only"
            )
            raise _Stop(Exit.REFUSED, f"{why}: nothing was sent to Twilio.")
        if not args.yes and not _interactive(args):
            raise _Stop(
                Exit.USAGE,
                f"nothing was sent: '{args.command}' cannot be undone; add --yes to send it "
                "without a terminal to confirm at.",
            )
    async with _open(args, settings, credentials) as session:
        if args.command == "list":
            return await _list(args, session)
        if args.command == "show":
            return await _show(args, session)
        assert request is not None
        return await _act(args, request, session)


def main(argv: Sequence[str]) -> int:
    args = build_calls_parser().parse_args(list(argv))
    try:
        return int(asyncio.run(_run(args)))
    except _Stop as stop:
        print(f"callboard calls: {stop}", file=sys.stderr)
        return int(stop.code)
    except ValidationError as error:
        print(f"callboard calls: {error} Nothing was sent.", file=sys.stderr)
        return int(Exit.USAGE)
    except ConfigError as error:
        print(f"callboard calls: {error}", file=sys.stderr)
        return int(Exit.CONFIG)
    except ActionFailed as error:
        print(f"callboard calls: {error}", file=sys.stderr)
        return int(Exit.REFUSED)
    except CallboardError as error:
        print(f"callboard calls: {error}", file=sys.stderr)
        return int(Exit.TWILIO)
    except KeyboardInterrupt:
        return 130
