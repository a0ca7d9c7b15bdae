"""Command line: choose demo, profile or environment credentials, then start the console.

``callboard sim …`` runs the Twilio simulator standalone instead. Configuration problems end the
program with one sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from tui.core.config import config_path, load_settings, log_dir, resolve_credentials
from tui.core.crash import EXIT_CRASH, known_secrets, write_crash_report
from tui.core.errors import CallboardError, ConfigError


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("callboard")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def validate_api_url(url: str) -> str:
    """``--api-url`` is the base of a Twilio-compatible REST API: http(s), a host, no secrets."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--api-url {url!r} is not an API address: give the http:// or https:// base URL "
            "of a Twilio-compatible API, e.g. http://127.0.0.1:8080 from 'callboard sim'."
        )
    if parts.username or parts.password:
        raise ConfigError("--api-url must not carry credentials; use TWILIO_* or a profile.")
    return url.strip().rstrip("/")


def missing_config_note(env: Mapping[str, str]) -> str | None:
    """A sentence when ``CALLBOARD_CONFIG`` names a file that does not exist."""
    named = env.get("CALLBOARD_CONFIG")
    if named and not config_path().exists():
        return (
            f"CALLBOARD_CONFIG points at {config_path()}, which does not exist: running with "
            "the default settings (no profiles, so demo mode unless TWILIO_* is set)."
        )
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callboard",
        description="Live Twilio calls for supervisors: inject TwiML, transfer, hang up.",
        epilog="Run 'callboard sim --help' for the standalone Twilio API simulator and "
        "'callboard hub --help' for the hub that feeds many consoles from one poller.",
    )
    parser.add_argument("--version", action="version", version=f"callboard {_version()}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the embedded simulator with synthetic calls (default when no "
        "credentials are configured)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the demo's traffic")
    parser.add_argument(
        "--calls", type=int, default=120, metavar="N", help="live calls in the demo (default 120)"
    )
    parser.add_argument("--profile", metavar="NAME", help="a profile from config.toml")
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="a Twilio-compatible API base URL (or CALLBOARD_API_URL), e.g. a "
        "'callboard sim' in another terminal",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="wall-board mode: show calls, offer and send no actions",
    )
    parser.add_argument(
        "--hub",
        nargs="?",
        const="",
        metavar="URL",
        help="take calls from a 'callboard hub' through NATS (nats://…) instead of polling "
        "Twilio; actions still go to Twilio with your own credentials. With --demo and no URL: "
        "start a local nats-server and hub for a demo of several consoles",
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between polls (overrides config)",
    )
    return parser


def _configure_logging() -> None:
    """Log to a file: the terminal belongs to the UI."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    logging.basicConfig(
        filename=directory / "callboard.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("twilio").setLevel(logging.WARNING)


def run_console(args: argparse.Namespace) -> int:
    from dataclasses import replace

    settings = load_settings()
    if args.poll_interval is not None:
        if not 0.5 <= args.poll_interval <= 300:
            raise ConfigError("--poll-interval must be between 0.5 and 300 seconds.")
        settings = replace(settings, poll_interval_s=args.poll_interval)
    api_url = args.api_url
    if api_url:
        api_url = validate_api_url(api_url)
    credentials = (
        None if args.demo else resolve_credentials(os.environ, settings, args.profile, api_url)
    )
    if credentials is None and not args.demo and (api_url or os.environ.get("CALLBOARD_API_URL")):
        raise ConfigError(
            "--api-url (or CALLBOARD_API_URL) needs credentials: set TWILIO_ACCOUNT_SID and "
            "TWILIO_AUTH_TOKEN (a 'callboard sim' prints the lines to paste), or use --demo."
        )
    _configure_logging()

    from tui.ui.app import CallboardApp

    if args.hub is not None:
        from tui.cli_hub import hub_console_app

        app = hub_console_app(args, settings, credentials)
    elif credentials is None:
        from tui.demo import DEMO_LABEL, demo_backend_factory
        from tui.demo_twiml import DemoTwimlServer, demo_settings

        twiml = DemoTwimlServer()
        settings = demo_settings(settings, twiml)
        factory = demo_backend_factory(
            settings,
            seed=args.seed,
            live_calls=max(0, args.calls),
            read_only=args.read_only,
            twiml=twiml,
        )
        app = CallboardApp(factory, settings, mode_label=DEMO_LABEL, read_only=args.read_only)
    else:
        from tui.core.session import backend_factory

        factory = backend_factory(credentials, settings, read_only=args.read_only)
        label = "" if credentials.api_url is None else f"API {credentials.api_url}"
        app = CallboardApp(factory, settings, mode_label=label, read_only=args.read_only)
    note = missing_config_note(os.environ)
    if note is not None:
        print(f"callboard: {note}", file=sys.stderr)
        app.startup_notes.append(note)
    secrets = known_secrets()
    if credentials is not None:
        secrets.append(credentials.password.reveal())
    return run_app(app, secrets)


def run_app(app: Any, secrets: list[str], **run_options: Any) -> int:
    """Run the Textual app; a crash inside it exits :data:`EXIT_CRASH` with a short report.

    Textual's own crash print-out (a traceback with local variables, which can hold secrets)
    is replaced by one line on stderr naming the report.
    """
    if hasattr(app, "_fatal_error"):

        def quiet_fatal_error() -> None:
            app.bell()
            app._close_messages_no_wait()

        app._fatal_error = quiet_fatal_error
    app.run(**run_options)
    error = getattr(app, "_exception", None)
    if error is None and not app.return_code:
        return 0
    if error is None:
        return int(app.return_code)
    return _crashed(error, secrets)


def _crashed(error: BaseException, secrets: list[str]) -> int:
    logging.getLogger(__name__).error("crashed: %s", type(error).__name__)
    try:
        path = write_crash_report(error, log_dir(), secrets)
        where = f"a short report is in {path}"
    except OSError as exc:
        where = f"the report could not be written ({exc.strerror or type(exc).__name__})"
    print(f"callboard: the console crashed ({type(error).__name__}); {where}", file=sys.stderr)
    return EXIT_CRASH


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sim"]:
        from tui.sim.standalone import main as sim_main

        return sim_main(argv[1:])
    if argv[:1] == ["calls"]:
        from tui.cli_calls import main as calls_main

        return calls_main(argv[1:])
    if argv[:1] == ["hub"]:
        from tui.hub.cli import main as hub_main

        return hub_main(argv[1:])
    if argv[:1] == ["profiles"]:
        from tui.cli_profiles import main as profiles_main

        return profiles_main(argv[1:])
    if argv[:1] == ["serve"]:
        from tui.cli_serve import main as serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return run_console(args)
    except CallboardError as error:
        print(f"callboard: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        return _crashed(error, known_secrets())
