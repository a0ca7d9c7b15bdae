"""The arguments of ``callboard calls list|show|hangup|redirect|twiml``.

Split from :mod:`tui.cli_calls` so the command line a script writes against reads in one place:
the options every command takes (profile, API URL, ``--demo``, ``--json``), those of the three
actions (Call SIDs, ``--yes``, ``--read-only``) and each action's own.
"""

from __future__ import annotations

import argparse


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
