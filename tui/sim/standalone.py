"""``callboard sim`` / ``python -m tui.sim``: the simulator as a server of its own.

Prints the base URL and the credentials to export, then serves until Ctrl-C. It binds 127.0.0.1
unless told otherwise and always checks credentials (generated from ``--seed`` unless given).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
import textwrap
import time
from typing import TextIO

from tui.sim.clock import Clock, ManualClock
from tui.sim.embedded import EmbeddedSimulator
from tui.sim.faults import FaultSpec
from tui.sim.faults import __doc__ as FAULTS_DOC
from tui.sim.serialize import use_compact_json
from tui.sim.sids import ACCOUNT_SID_RE


def _fault_grammar() -> str:
    doc = FAULTS_DOC or ""
    start = doc.find("Spec grammar")
    return plain_help(textwrap.dedent(doc[start:]).strip()) if start >= 0 else ""


def plain_help(rest: str) -> str:
    """reST from a docstring as a terminal reads it: ````x```` → ``x``, a closing ``::`` → ``:``.

    Indented literal blocks and everything else are kept exactly as written.
    """
    text = re.sub(r"``([^`]+)``", r"\1", rest)
    text = re.sub(r"(?<=\S)::$", ":", text, flags=re.M)
    return re.sub(r"^::$", "", text, flags=re.M)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callboard sim",
        description=(
            "Run the Twilio Voice API simulator: Twilio's Calls API on HTTP, with synthetic "
            "contact-centre traffic. Point the twilio SDK (or the console) at the printed URL."
        ),
        epilog=_fault_grammar()
        + "\n\nAdmin routes (same credentials): GET /_sim/stats, GET|POST|DELETE /_sim/faults, "
        "POST /_sim/advance (with --manual-clock), POST /_sim/calls, "
        "POST /_sim/calls/{Sid}/digits, POST /_sim/calls/{Sid}/hangup.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any)")
    parser.add_argument(
        "--calls", type=int, default=200, metavar="N", help="live calls at start (default 200)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="R",
        help="arrivals per second (default: keeps the live count near --calls)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault spec, e.g. latency=50ms,error_rate=0.1",
    )
    parser.add_argument("--account-sid", default=None, help="Account SID to accept (AC + 32 hex)")
    parser.add_argument("--auth-token", default=None, help="auth token to accept")
    parser.add_argument("--no-traffic", action="store_true", help="no arrivals after the start")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="a contact-centre floor too: queues Support, Sales, Billing; agents in rooms",
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="time stands still until POST /_sim/advance (for scripted tests)",
    )
    parser.add_argument(
        "--clock-from-now",
        action="store_true",
        help="with --manual-clock: time stands still at the moment the simulator starts, not at "
        "a fixed date, so a console on the real clock sees call durations tick each second",
    )
    parser.add_argument(
        "--compact-json",
        action="store_true",
        help="answer JSON without spaces after , and : (Twilio's answers have them)",
    )
    parser.add_argument(
        "--friendly-name", default="Demo Contact Center", help="the account's friendly name"
    )
    return parser


def announce(sim: EmbeddedSimulator, out: TextIO) -> None:
    out.write(
        f"Twilio simulator listening on {sim.base_url}\n"
        f"  account {sim.account_sid} ({sim.friendly_name}); "
        f"API key {sim.api_key_sid} also accepted\n"
        f"export TWILIO_ACCOUNT_SID={sim.account_sid} "
        f"TWILIO_AUTH_TOKEN={sim.auth_token} CALLBOARD_API_URL={sim.base_url}\n"
        f"export TWILIO_API_KEY={sim.api_key_sid} TWILIO_API_SECRET={sim.api_key_secret}\n"
        "Press Ctrl-C to stop.\n"
    )
    out.flush()


async def serve(sim: EmbeddedSimulator, out: TextIO = sys.stdout) -> None:
    """Start ``sim``, announce it, and serve until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    await sim.start()
    try:
        announce(sim, out)
        await stop.wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``callboard sim`` and ``python -m tui.sim``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    faults: FaultSpec | None = None
    if args.faults:
        try:
            faults = FaultSpec.parse(args.faults)
        except ValueError as exc:
            parser.error(f"--faults: {exc}")
    if args.account_sid and not ACCOUNT_SID_RE.match(args.account_sid):
        parser.error("--account-sid must be AC followed by 32 hex digits")
    if args.calls < 0 or (args.rate is not None and args.rate < 0):
        parser.error("--calls and --rate must not be negative")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.clock_from_now and not args.manual_clock:
        parser.error("--clock-from-now needs --manual-clock")
    clock: Clock | None = None
    if args.manual_clock:
        clock = ManualClock(time.time()) if args.clock_from_now else ManualClock()
    if args.compact_json:
        use_compact_json()
    sim = EmbeddedSimulator(
        seed=args.seed,
        live_calls=args.calls,
        rate=args.rate,
        traffic=not args.no_traffic,
        floor=args.floor,
        faults=faults,
        host=args.host,
        port=args.port,
        clock=clock,
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        friendly_name=args.friendly_name,
    )
    try:
        asyncio.run(serve(sim))
    except OSError as exc:
        print(f"callboard sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
