"""``callboard profiles list|import``: see the configured accounts, bring in twilio-cli's.

Nothing here prints a secret: a profile is shown by its name, Account SID, how it logs in (auth
token, or the API key's SID), region, edge and API URL. Exit codes follow ``callboard calls``
(:class:`tui.cli_calls.Exit`): 0 ok, 2 usage, 3 config, 5 nothing imported, 8 some imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.cli_calls import Exit
from tui.cli_calls_output import dumps, table
from tui.core.config import config_path, load_settings
from tui.core.errors import ConfigError
from tui.core.profile_import import TWILIO_CLI_CONFIG, add_profiles, read_twilio_cli_config
from tui.core.text import display_text


def build_profiles_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callboard profiles", description="Callboard's Twilio profiles (config.toml)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = sub.add_parser("list", help="the profiles in config.toml (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    importing = sub.add_parser(
        "import", help="copy profiles (API keys) from twilio-cli's config.json into config.toml"
    )
    importing.add_argument(
        "names", nargs="*", metavar="NAME", help="only these profiles (default: all)"
    )
    importing.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        default=str(TWILIO_CLI_CONFIG),
        help=f"twilio-cli's config file (default {TWILIO_CLI_CONFIG})",
    )
    importing.add_argument(
        "--force", action="store_true", help="replace profiles config.toml already has"
    )
    return parser


def _list(args: argparse.Namespace) -> Exit:
    settings = load_settings()
    rows = []
    entries = []
    for name, profile in sorted(settings.profiles.items()):
        login = f"API key {profile.api_key}" if profile.api_key else "auth token"
        if profile.read_only:
            login += " (read-only)"
        entry = {
            "name": name,
            "default": name == settings.default_profile,
            "account_sid": profile.account_sid,
            "login": "api_key" if profile.api_key else "auth_token",
            "api_key": profile.api_key,
            "region": profile.region,
            "edge": profile.edge,
            "api_url": profile.api_url,
            "read_only": profile.read_only,
        }
        entries.append(entry)
        mark = "*" if entry["default"] else ""
        cells = [name, profile.account_sid, login, profile.region, profile.edge, profile.api_url]
        rows.append([mark, *(display_text(c or "", limit=60) for c in cells)])
    if args.json:
        print(dumps(entries))
    elif not rows:
        where = settings.source or config_path()
        print(f"No profiles in {where}; 'callboard profiles import' copies twilio-cli's.")
    else:
        print(table(["", "NAME", "ACCOUNT", "LOGIN", "REGION", "EDGE", "API URL"], rows))
    return Exit.OK


def _import(args: argparse.Namespace) -> Exit:
    source = read_twilio_cli_config(Path(args.source).expanduser())
    wanted = set(args.names)
    found = {p.name for p in source.imported} | {s.name for s in source.skipped}
    missing = sorted(wanted - found)
    if missing:
        shown = ", ".join(display_text(m, limit=40) for m in missing)
        raise ConfigError(f"{args.source} has no profile named {shown}.")
    chosen = [p for p in source.imported if not wanted or p.name in wanted]
    skipped = [s for s in source.skipped if not wanted or s.name in wanted]
    target = config_path()
    written = add_profiles(target, chosen, force=args.force)
    skipped += written.skipped
    for profile in written.imported:
        name = display_text(profile.name, limit=60)
        print(f"imported {name}: account {profile.account_sid}, {profile.login}")
    for skip in skipped:
        print(f"skipped {display_text(skip.name, limit=60)}: {skip.reason}", file=sys.stderr)
    if written.imported:
        print(f"written to {target} (mode 600)")
        settings = load_settings()
        if settings.default_profile is None and source.active in settings.profiles:
            active = display_text(source.active, limit=60)
            print(
                f"twilio-cli's active profile is {active}; to use it by default, add to "
                f'[callboard]: default_profile = "{active}"'
            )
    if not written.imported:
        return Exit.REFUSED if skipped else Exit.OK
    return Exit.PARTIAL if skipped else Exit.OK


def main(argv: Sequence[str]) -> int:
    args = build_profiles_parser().parse_args(list(argv))
    try:
        return int(_list(args) if args.command == "list" else _import(args))
    except ConfigError as error:
        print(f"callboard profiles: {error}", file=sys.stderr)
        return int(Exit.CONFIG)
