"""``callboard hub``: argument parsing, credentials and logging for the hub process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from tui.core.config import load_settings, log_dir, resolve_credentials
from tui.core.errors import CallboardError, ConfigError
from tui.core.urls import validate_url
from tui.hub.link import shown_url

DEFAULT_NATS_URL: Final = "nats://127.0.0.1:4222"
HUB_URL_ENV: Final = "CALLBOARD_HUB_URL"


def build_hub_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callboard hub",
        description=(
            "Poll one Twilio account for every console: the hub lists the live calls (the same "
            "poller, interval and back-off as the console) and the floor (queues, rooms and "
            "their participants, within the [floor] request budget, rooms open in any "
            "console's view first) and keeps them in NATS JetStream key-value buckets, with "
            "their health; consoles started with 'callboard --hub nats://…' read them instead "
            "of polling Twilio, so ten or a hundred consoles cost Twilio what one does. Run one "
            "hub per account (profile). It reads the same config.toml and credentials as the "
            "console, only reads (consoles act with their own credentials, claiming each call, "
            "leg or queue caller first), reconnects to NATS and to Twilio by itself, "
            "stops cleanly on SIGINT/SIGTERM, and logs to callboard-hub.log in the log "
            "directory."
        ),
        epilog=(
            "NATS needs JetStream enabled (nats-server -js). Names used, per account AC…: "
            "KV buckets callboard_calls_AC… (key = Call SID; key hub.health = poll health), "
            "callboard_floor_AC… (keys floor.queues, room.CF… per room in progress, "
            "floor.health), callboard_claims_AC… and callboard_presence_AC…, the stream "
            "callboard_audit (subjects callboard.audit.AC…) and the subjects "
            "callboard.poll.AC… and callboard.floor.AC…."
        ),
    )
    parser.add_argument(
        "--nats",
        metavar="URL",
        default=None,
        help=f"the NATS server or cluster (default ${HUB_URL_ENV} or {DEFAULT_NATS_URL}); "
        "several URLs may be given comma-separated",
    )
    parser.add_argument("--profile", metavar="NAME", help="a profile from config.toml")
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="a Twilio-compatible API base URL (or CALLBOARD_API_URL), e.g. a 'callboard sim'",
    )
    parser.add_argument(
        "--poll-interval", type=float, metavar="SECONDS", help="seconds between polls"
    )
    parser.add_argument(
        "--webhook-url",
        metavar="URL",
        help="optional push: the public URL you gave Twilio as the calls' StatusCallback; "
        "callbacks are checked with X-Twilio-Signature (needs the auth token), deduplicated "
        "and taken in any order, and reach consoles before the next poll",
    )
    parser.add_argument(
        "--webhook-listen",
        metavar="HOST:PORT",
        default="127.0.0.1:8787",
        help="where the webhook listens (default 127.0.0.1:8787; put a TLS proxy in front)",
    )
    return parser


def webhook_from(url: str | None, listen: str) -> tuple[str, int, str] | None:
    if not url:
        return None
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--webhook-listen must be HOST:PORT (got {listen!r}).")
    return host, int(port), url


def nats_url_from(value: str | None) -> str:
    url = value or os.environ.get(HUB_URL_ENV) or DEFAULT_NATS_URL
    for part in url.split(","):
        if not part.strip().startswith(("nats://", "tls://", "ws://", "wss://")):
            raise ConfigError(
                f"the hub URL must start with nats:// or tls:// (got {shown_url(part)!r})."
            )
    return url


def _configure_logging() -> None:
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    logging.basicConfig(
        filename=directory / "callboard-hub.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("twilio").setLevel(logging.WARNING)


def main(argv: Sequence[str]) -> int:
    args = build_hub_parser().parse_args(list(argv))
    try:
        url = nats_url_from(args.nats)
        settings = load_settings()
        if args.poll_interval is not None:
            if not 0.5 <= args.poll_interval <= 300:
                raise ConfigError("--poll-interval must be between 0.5 and 300 seconds.")
            settings = replace(settings, poll_interval_s=args.poll_interval)
        api_url = validate_url(args.api_url).url if args.api_url else None
        credentials = resolve_credentials(os.environ, settings, args.profile, api_url)
        if credentials is None:
            raise ConfigError(
                "the hub needs credentials: a profile in config.toml, or TWILIO_ACCOUNT_SID "
                "and TWILIO_AUTH_TOKEN."
            )
        _configure_logging()
        from tui.hub.service import HubService, serve

        print(
            f"callboard hub: {credentials.account_sid} → {shown_url(url)} (logs in {log_dir()})",
            file=sys.stderr,
        )
        webhook = webhook_from(args.webhook_url, args.webhook_listen)
        asyncio.run(serve(HubService(credentials, settings, url, webhook=webhook)))
        return 0
    except CallboardError as error:
        print(f"callboard hub: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
