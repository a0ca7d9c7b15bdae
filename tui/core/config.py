"""Where Callboard keeps its files, what ``config.toml`` may say, and which credentials to use.

A broken configuration stops the console with one sentence naming the file, the line and the
problem; it never falls back silently to defaults (a supervisor would then be watching the wrong
account, or polling far too often, without knowing it).

Paths (platformdirs, app name ``callboard``):

- config file: ``<user config dir>/config.toml``, or ``$CALLBOARD_CONFIG``;
- logs: ``<user log dir>``, or ``$CALLBOARD_LOG_DIR``; the audit log is ``audit.jsonl`` there.

The file (every table and key is optional; unknown keys are errors)::

    [callboard]
    poll_interval = 2          # seconds between polls, 0.5 to 300
    request_timeout = 10       # seconds to wait for Twilio, 1 to 120
    operator = "ana"           # name written to the audit log (default: your OS user name)
    default_profile = "day"    # profile used when neither --profile nor TWILIO_* is given

    [profiles.day]             # one table per Twilio account
    account_sid = "AC0123456789abcdef0123456789abcdef"
    auth_token = "..."         # either auth_token ...
    # api_key = "SK..."        # ... or api_key + api_secret
    # api_secret = "..."
    region = "ie1"             # optional: Twilio region and edge
    edge = "dublin"
    # api_url = "http://127.0.0.1:8080"   # optional: another API host (simulator, proxy)
    # read_only = true         # optional: refuse every action with this profile (wall board)

    [[destinations]]           # redirect targets offered by the transfer picker
    name = "Main menu"
    url = "https://example.com/ivr/main"
    method = "POST"            # POST (default) or GET

    [[snippets]]               # TwiML snippets, added after the built-in ones
    key = "closed"             # a key equal to a built-in snippet's replaces it
    title = "We are closed"
    template = "<Response><Say>{message}</Say></Response>"
    defaults = { message = "We are closed for the day." }

A file that holds ``auth_token`` or ``api_secret`` must not be readable by group or others
(``chmod 600``), as ssh insists for private keys; otherwise it is refused, not used.

Credentials (:func:`resolve_credentials`), first match wins: an explicit ``--profile``; the
environment (``TWILIO_ACCOUNT_SID`` + ``TWILIO_AUTH_TOKEN``, or ``TWILIO_API_KEY`` +
``TWILIO_API_SECRET`` + ``TWILIO_ACCOUNT_SID``; with ``TWILIO_REGION``, ``TWILIO_EDGE``,
``CALLBOARD_API_URL``); ``default_profile``; otherwise none, and the caller starts demo mode.
An explicit ``api_url`` argument overrides whichever source was chosen.
"""

from __future__ import annotations

import getpass
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final

import platformdirs

from tui.core.config_credentials import resolve_credentials
from tui.core.config_lists import Destination, _load_destinations, _load_snippets
from tui.core.config_profiles import Profile, _known_profiles, _load_profiles
from tui.core.config_reader import _Config, _KeyPath, _read_text
from tui.core.floor.settings import TABLES as FLOOR_TABLES
from tui.core.floor.settings import FloorSettings, load_floor_settings
from tui.core.key_settings import load_keys
from tui.core.limits import PassLimits, load_limits
from tui.core.snippets import BUILTIN_SNIPPETS, Snippet
from tui.core.thresholds import Thresholds, load_thresholds

__all__ = [
    "APP_NAME",
    "POLL_INTERVAL_RANGE",
    "REQUEST_TIMEOUT_RANGE",
    "SECRET_KEYS",
    "Destination",
    "Profile",
    "Settings",
    "audit_log_path",
    "config_path",
    "load_settings",
    "log_dir",
    "resolve_credentials",
]

APP_NAME: Final = "callboard"
POLL_INTERVAL_RANGE: Final = (0.5, 300.0)
REQUEST_TIMEOUT_RANGE: Final = (1.0, 120.0)
SECRET_KEYS: Final = ("auth_token", "api_secret")

_TOP_LEVEL: Final = (
    "callboard", "profiles", "destinations", "snippets", "limits", "thresholds", "keys",
    *FLOOR_TABLES,
)  # fmt: skip
_CALLBOARD_KEYS: Final = ("poll_interval", "request_timeout", "operator", "default_profile")


# ---------------------------------------------------------------------------------------------
# Paths


def config_path() -> Path:
    """The config file: ``$CALLBOARD_CONFIG`` when set, else the user config dir's file."""
    override = os.environ.get("CALLBOARD_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def log_dir() -> Path:
    """Where logs go: ``$CALLBOARD_LOG_DIR`` when set (tests point it at a tmp dir)."""
    override = os.environ.get("CALLBOARD_LOG_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def audit_log_path() -> Path:
    return log_dir() / "audit.jsonl"


# ---------------------------------------------------------------------------------------------
# Models


def _os_user() -> str:
    """The OS login name, the default operator in the audit log."""
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):
        return "unknown"


def _empty_profiles() -> Mapping[str, Profile]:
    return MappingProxyType({})


def _empty_keys() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Settings:
    """Everything ``config.toml`` decides; the defaults are what a missing file means.

    ``snippets`` holds the built-in snippets followed by the user's; ``source`` is the file the
    settings came from (``None`` when there was none).
    """

    poll_interval_s: float = 2.0
    request_timeout_s: float = 10.0
    operator: str = field(default_factory=_os_user)
    destinations: tuple[Destination, ...] = ()
    snippets: tuple[Snippet, ...] = BUILTIN_SNIPPETS
    profiles: Mapping[str, Profile] = field(default_factory=_empty_profiles, hash=False)
    default_profile: str | None = None
    source: Path | None = None
    floor: FloorSettings = field(default_factory=FloorSettings)
    limits: PassLimits = field(default_factory=PassLimits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    keys: Mapping[str, str] = field(default_factory=_empty_keys, hash=False)
    """``[keys]``: binding id → keys (checked against the bindings by ``tui.ui.keymap``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))


# ---------------------------------------------------------------------------------------------
# Loading


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate the config file (``config_path()`` by default).

    A missing file gives the defaults. Any problem raises :class:`ConfigError` with one message
    naming the file and, where it can be found, the line.
    """
    path = config_path() if path is None else path
    text = _read_text(path)
    if text is None:
        return Settings()
    config = _Config(path, text)
    data = config.table(config.parse(), (), _TOP_LEVEL)
    _refuse_exposed_secrets(config, data)
    return _build_settings(config, data)


def _secret_paths(data: Mapping[str, object]) -> list[_KeyPath]:
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        return []
    return [
        ("profiles", name, key)
        for name, table in profiles.items()
        if isinstance(table, dict)
        for key in SECRET_KEYS
        if key in table
    ]


def _refuse_exposed_secrets(config: _Config, data: Mapping[str, object]) -> None:
    """Like ssh with a private key: a secret others can read is refused, never used."""
    secrets = _secret_paths(data)
    if not secrets or os.name != "posix":
        return
    try:
        mode = config.path.stat().st_mode
    except OSError:  # pragma: no cover - it was just read
        return
    if mode & 0o077:
        raise config.error(
            f"the file is readable by others (mode {mode & 0o777:03o}) and holds a secret "
            f"({secrets[0][-1]}); run: chmod 600 {shlex.quote(str(config.path))}",
            secrets[0],
        )


def _build_settings(config: _Config, data: Mapping[str, object]) -> Settings:
    main = config.table(data.get("callboard", {}), ("callboard",), _CALLBOARD_KEYS)
    profiles = _load_profiles(config, data.get("profiles", {}))
    default_profile = config.string(main, "default_profile", ("callboard",))
    if default_profile is not None and default_profile not in profiles:
        raise config.error(
            f"default_profile '{default_profile}' is not a profile; {_known_profiles(profiles)}",
            ("callboard", "default_profile"),
        )
    poll = config.seconds(main, "poll_interval", ("callboard",), POLL_INTERVAL_RANGE)
    timeout = config.seconds(main, "request_timeout", ("callboard",), REQUEST_TIMEOUT_RANGE)
    operator = config.string(main, "operator", ("callboard",))
    return Settings(
        poll_interval_s=2.0 if poll is None else poll,
        request_timeout_s=10.0 if timeout is None else timeout,
        operator=operator or _os_user(),
        destinations=_load_destinations(config, data.get("destinations", [])),
        snippets=_load_snippets(config, data.get("snippets", [])),
        profiles=MappingProxyType(profiles),
        default_profile=default_profile,
        source=config.path,
        floor=load_floor_settings(config, data),
        limits=load_limits(config, data.get("limits", {})),
        thresholds=load_thresholds(config, data.get("thresholds", {})),
        keys=load_keys(config, data.get("keys", {})),
    )
