"""``callboard calls list|show|hangup|redirect|twiml``: the console's actions, for scripts.

The same rules as the console, through the same code: input is validated by
:mod:`tui.core.twiml` / :mod:`tui.core.urls` / :mod:`tui.core.sids` before anything is sent;
actions go through :class:`tui.core.actions.ActionService` (one request per call, never
retried, every outcome written to the audit log before it is printed); read-only mode refuses
every action; a call that has already ended is refused without sending. Hang-up, redirect and
TwiML injection cannot be undone, so nothing is sent without ``--yes`` — or a "y" typed at the
prompt when both stdin and stdout are a terminal; without a terminal there is no prompt.

Exit codes (:class:`Exit`) are part of the interface; the README lists them.

This module holds the read-only commands and the entry point; the arguments are in
:mod:`tui.cli_calls_parser`, the exit codes in :mod:`tui.cli_calls_exit`, the connection in
:mod:`tui.cli_calls_session`, the actions in :mod:`tui.cli_calls_act` and the output in
:mod:`tui.cli_calls_output`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from tui.cli_calls_act import _act, _interactive, _request
from tui.cli_calls_exit import Exit, _exit_for, _Stop
from tui.cli_calls_output import call_detail, call_json, calls_table, dumps
from tui.cli_calls_parser import build_calls_parser
from tui.cli_calls_session import _credentials, _lookup_failure, _open, _Session
from tui.core.call_lookup import CallNotFound, fetch_call, list_live_calls
from tui.core.config import load_settings
from tui.core.errors import ActionFailed, CallboardError, ConfigError, ValidationError
from tui.core.twilio_client import TwilioAccessError

__all__ = ["Exit", "_exit_for", "build_calls_parser", "main"]


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
