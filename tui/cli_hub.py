"""``callboard --hub``: build the console app on a hub (the CLI's composition root calls this)."""

from __future__ import annotations

import argparse

from tui.core.config import Settings
from tui.core.credentials import Credentials
from tui.core.errors import ConfigError
from tui.hub.cli import nats_url_from
from tui.hub.link import shown_url
from tui.ui.app import CallboardApp


def hub_console_app(
    args: argparse.Namespace, settings: Settings, credentials: Credentials | None
) -> CallboardApp:
    """The console app for ``--hub [URL]`` (with ``--demo``: the embedded demo, or joining it)."""
    read_only = bool(args.read_only)
    if credentials is None:  # --demo
        from tui.demo_hub import demo_hub_factory

        url = nats_url_from(args.hub) if args.hub else None
        factory, label = demo_hub_factory(
            settings, seed=args.seed, live_calls=max(0, args.calls), nats_url=url
        )
        return CallboardApp(factory, settings, mode_label=label, read_only=read_only)
    if not args.hub:
        raise ConfigError(
            "--hub needs the NATS URL of a running 'callboard hub', e.g. "
            "--hub nats://127.0.0.1:4222 (or use --demo --hub for a local demonstration)."
        )
    from tui.hub.console import hub_backend_factory

    url = nats_url_from(args.hub)
    factory = hub_backend_factory(credentials, settings, url, read_only=read_only)
    return CallboardApp(factory, settings, mode_label=f"HUB {shown_url(url)}", read_only=read_only)
