"""Which account ``callboard calls`` talks to: the configured one, or a fresh demo simulator.

Split from :mod:`tui.cli_calls`: credentials come from the environment, ``--profile`` or
config.toml, and a script never falls back to the demo by itself (``--demo`` starts an embedded
simulator for the run). A lookup that fails is told apart: Twilio refusing the credentials is a
configuration error, anything else a Twilio one.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tui.cli_calls_exit import Exit, _Stop
from tui.core.audit import AuditLog
from tui.core.config import Settings, audit_log_path, resolve_credentials
from tui.core.credentials import Credentials
from tui.core.errors import ConfigError, ValidationError
from tui.core.secret import Secret
from tui.core.twilio_client import TwilioAccess, TwilioAccessError, TwilioHttpError
from tui.core.urls import validate_url


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
