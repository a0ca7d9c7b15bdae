"""``callboard serve``: the same console in a web browser, through textual-serve.

Each browser tab that opens the page starts its own console process (``python -m tui`` with the
console options given here) and talks to it over a websocket; the console inside is exactly the
terminal one. What it can do, it does with *this machine's* credentials (the profile, the
environment or the demo chosen here): whoever reaches the page acts as this server's account. So
the server binds to loopback (127.0.0.1) unless told otherwise, refuses any other address without
``--allow-remote``, and the README shows how to put it behind a proxy that authenticates.

The configuration is checked once before serving (a broken config.toml or a missing profile stops
here with the usual one-sentence error), so a tab never opens onto a console that cannot start.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from textual_serve.server import Server

from tui.core.errors import CallboardError, ConfigError, ValidationError
from tui.core.urls import validate_url

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
EXIT_CONFIG: Final = 2


def build_serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callboard serve",
        description=(
            "Serve the console to web browsers (textual-serve). Every tab runs its own console "
            "with this machine's credentials: anyone who can open the page acts as this "
            "account. Binds to 127.0.0.1 unless told otherwise; put it behind a proxy that "
            "authenticates (see the README) before letting others reach it."
        ),
        epilog=(
            "Every console option ('callboard --help': --demo, --profile, --api-url, "
            "--read-only, --poll-interval, ...) is accepted too and given to each console."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}); anything but loopback needs "
        "--allow-remote",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL browsers use to reach this server when it sits behind a proxy, e.g. "
        "https://callboard.example.com (the page's websocket and assets are built from it)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback address: only behind a firewall and an authenticating "
        "proxy; the console acts with this server's credentials",
    )
    return parser


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and the loopback ranges (127.0.0.0/8, ::1)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_public_url(text: str) -> str:
    try:
        url = validate_url(text).url
    except ValidationError as err:
        raise ConfigError(f"--public-url: {err}") from None
    return url.rstrip("/")


def _check_console_options(console_argv: list[str]) -> None:
    """Parse the console options as the console will, and check the config they point at."""
    from tui.cli import build_parser
    from tui.core.config import load_settings, resolve_credentials

    args = build_parser().parse_args(console_argv)
    settings = load_settings()
    api_url = args.api_url
    if api_url:
        try:
            api_url = validate_url(api_url).url
        except ValidationError as err:
            raise ConfigError(f"--api-url: {err}") from None
    if not args.demo:
        resolve_credentials(os.environ, settings, args.profile, api_url)


_REMOTE_LINK_RE = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.S)


def local_templates(directory: Path) -> Path:
    """textual-serve's page template without links to other hosts, written under ``directory``.

    The stock page asks a public web-font service for its font on every load, which tells that
    service when and from where the console is opened; the terminal falls back to a local
    monospace font without it.
    """
    import textual_serve

    stock = Path(textual_serve.__file__).parent / "templates"
    target = directory / "templates"
    target.mkdir(parents=True, exist_ok=True)
    for template in stock.glob("*.html"):
        text = template.read_text("utf-8")
        (target / template.name).write_text(_REMOTE_LINK_RE.sub("", text), "utf-8")
    return target


def console_command(console_argv: Sequence[str]) -> str:
    """The shell command textual-serve runs for each browser tab."""
    return shlex.join([sys.executable, "-m", "tui", *console_argv])


def main(argv: Sequence[str]) -> int:
    parser = build_serve_parser()
    args, console_argv = parser.parse_known_args(list(argv))
    try:
        if not 1 <= args.port <= 65535:
            raise ConfigError("--port must be between 1 and 65535.")
        host = args.host.strip()
        if not is_loopback(host):
            if not args.allow_remote:
                raise ConfigError(
                    f"refusing to listen on {host!r}: the served console acts with this "
                    "server's Twilio credentials, so anyone who reaches the page controls "
                    "live calls. Keep the default 127.0.0.1 behind an authenticating proxy "
                    "(see the README), or add --allow-remote if a firewall and a proxy already "
                    "guard this address."
                )
            print(
                f"callboard serve: warning: listening on {host}, not loopback; whoever "
                "reaches this port acts with this server's credentials.",
                file=sys.stderr,
            )
        public_url = _check_public_url(args.public_url) if args.public_url else None
        _check_console_options(console_argv)
    except CallboardError as error:
        print(f"callboard serve: {error}", file=sys.stderr)
        return EXIT_CONFIG

    if public_url is None:
        shown_host = f"[{host}]" if ":" in host else host
        public_url = f"http://{shown_host}:{args.port}"
    with tempfile.TemporaryDirectory(prefix="callboard-serve-") as scratch:
        server = Server(
            console_command(console_argv),
            host=host,
            port=args.port,
            title="Callboard",
            public_url=public_url,
            templates_path=local_templates(Path(scratch)),
        )
        return _serve(server, host, args.port)


def _serve(server: Server, host: str, port: int) -> int:
    try:
        server.serve()
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"callboard serve: cannot listen on {host}:{port}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return 0
