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

import difflib
import getpass
import os
import re
import shlex
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Final

import platformdirs

from tui.core.credentials import Credentials
from tui.core.errors import ConfigError, TwimlError, ValidationError
from tui.core.floor.settings import TABLES as FLOOR_TABLES
from tui.core.floor.settings import FloorSettings, load_floor_settings
from tui.core.key_settings import load_keys
from tui.core.limits import PassLimits, load_limits
from tui.core.regions import unknown_place
from tui.core.secret import Secret
from tui.core.sids import is_account_sid, is_api_key_sid
from tui.core.snippets import BUILTIN_SNIPPETS, Snippet
from tui.core.thresholds import Thresholds, load_thresholds
from tui.core.urls import validate_method, validate_url

APP_NAME: Final = "callboard"
POLL_INTERVAL_RANGE: Final = (0.5, 300.0)
REQUEST_TIMEOUT_RANGE: Final = (1.0, 120.0)
SECRET_KEYS: Final = ("auth_token", "api_secret")

_TOP_LEVEL: Final = (
    "callboard", "profiles", "destinations", "snippets", "limits", "thresholds", "keys",
    *FLOOR_TABLES,
)  # fmt: skip
_CALLBOARD_KEYS: Final = ("poll_interval", "request_timeout", "operator", "default_profile")
_PROFILE_KEYS: Final = (
    "account_sid", "auth_token", "api_key", "api_secret", "region", "edge", "api_url",
    "read_only",
)  # fmt: skip
_DESTINATION_KEYS: Final = ("name", "url", "method")
_SNIPPET_KEYS: Final = ("key", "title", "template", "defaults")
_NAME_TOKEN_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")


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


@dataclass(frozen=True, slots=True)
class Destination:
    """A named redirect target offered to the supervisor (the URL is already validated)."""

    name: str
    url: str
    method: str = "POST"


@dataclass(frozen=True, slots=True)
class Profile:
    """One Twilio account from ``[profiles.NAME]``; secrets stay :class:`Secret`."""

    name: str
    account_sid: str
    auth_token: Secret | None = None
    api_key: str | None = None
    api_secret: Secret | None = None
    region: str | None = None
    edge: str | None = None
    api_url: str | None = None
    read_only: bool = False
    """``read_only = true``: a wall board; every action is refused, in the console and scripts."""


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
# Locating keys in the file text (tomllib gives values, not positions)

_PathPart = str | int
_KeyPath = tuple[_PathPart, ...]
_TOKEN_RE: Final = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+')
_ARRAY_HEADER_RE: Final = re.compile(r"^\s*\[\[(.+?)\]\]")
_TABLE_HEADER_RE: Final = re.compile(r"^\s*\[([^\[].*?)\]")
_KEY_RE: Final = re.compile(
    r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
    r"""(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(token.strip("\"'") for token in _TOKEN_RE.findall(text))


class _KeyLines:
    """Maps key paths such as ``("profiles", "night", "auth_token")`` to their 1-based line.

    A line scan good enough for error messages: first occurrence wins, multi-line strings are
    skipped, and a path with no line of its own falls back to its nearest ancestor's.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[_KeyPath, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        arrays: dict[tuple[str, ...], int] = {}
        current: _KeyPath = ()
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                in_multiline = _toggles_multiline(line, in_multiline)
                continue
            if match := _ARRAY_HEADER_RE.match(line):
                names = _split_dotted(match.group(1))
                arrays[names] = arrays.get(names, -1) + 1
                current = (*_with_indexes(names[:-1], arrays), names[-1], arrays[names])
                self._lines.setdefault(current, number)
            elif match := _TABLE_HEADER_RE.match(line):
                current = _with_indexes(_split_dotted(match.group(1)), arrays)
                self._lines.setdefault(current, number)
            elif match := _KEY_RE.match(line):
                self._lines.setdefault((*current, *_split_dotted(match.group(1))), number)
            in_multiline = _toggles_multiline(line, False)

    def line_of(self, path: _KeyPath) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


def _with_indexes(names: tuple[str, ...], arrays: Mapping[tuple[str, ...], int]) -> _KeyPath:
    """``snippets.defaults`` after the 2nd ``[[snippets]]`` is ``("snippets", 1, "defaults")``."""
    parts: list[_PathPart] = []
    for end, name in enumerate(names, start=1):
        parts.append(name)
        if names[:end] in arrays:
            parts.append(arrays[names[:end]])
    return tuple(parts)


def _toggles_multiline(line: str, inside: bool) -> bool:
    for quote in ('"""', "'''"):
        if line.count(quote) % 2 == 1:
            return not inside
    return inside


# ---------------------------------------------------------------------------------------------
# Loading


def _display(path: Path) -> str:
    """The path as a person would type it (``~/.config/...``)."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _table_name(path: _KeyPath) -> str:
    if not path:
        return "the top level"
    if isinstance(path[-1], int):
        names = ".".join(str(p) for p in path[:-1] if not isinstance(p, int))
        return f"[[{names}]] #{path[-1] + 1}"
    return "[" + ".".join(str(p) for p in path if not isinstance(p, int)) + "]"


class _Config:
    """One file being validated: turns problems into ``ConfigError`` with file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.shown = _display(path)
        self.lines = _KeyLines(text)

    def error(self, message: str, path: _KeyPath = (), line: int | None = None) -> ConfigError:
        line = line or (self.lines.line_of(path) if path else None)
        where = f"{self.shown}, line {line}" if line else self.shown
        return ConfigError(f"{where}: {message}")

    def template_line(self, path: _KeyPath, template_line: int | None) -> int | None:
        """The file line of ``template_line`` (1-based) inside the string at ``path``."""
        key_line = self.lines.line_of((*path, "template"))
        if key_line is None or template_line is None:
            return key_line
        opening = self.text.splitlines()[key_line - 1].rstrip()
        # TOML drops the newline right after an opening triple quote.
        first = key_line + 1 if opening.endswith(('"""', "'''")) else key_line
        return first + template_line - 1

    def parse(self) -> dict[str, object]:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as err:
            raise self._syntax_error(str(err)) from None

    def _syntax_error(self, message: str) -> ConfigError:
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        if match:
            reason = message[: match.start()] + message[match.end() :]
            return ConfigError(
                f"{self.shown}, line {match.group(1)}: the file is not valid TOML: "
                f"{reason} (column {match.group(2)})."
            )
        return ConfigError(f"{self.shown}: the file is not valid TOML: {message}.")

    def table(self, value: object, path: _KeyPath, allowed: tuple[str, ...]) -> dict[str, object]:
        """Check ``value`` is a table with only ``allowed`` keys."""
        if not isinstance(value, dict):
            raise self.error(f"{_table_name(path)} must be a table, got {_describe(value)}", path)
        for key in value:
            if key not in allowed:
                raise self.error(self._unknown_key(key, path, allowed), (*path, key))
        return value

    def _unknown_key(self, key: str, path: _KeyPath, allowed: Iterable[str]) -> str:
        hint = difflib.get_close_matches(key, list(allowed), n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        if not path:
            return (
                f"unknown table or key '{key}'{suggestion}; the file may hold [callboard], "
                "[profiles.NAME], [[destinations]], [[snippets]], [limits], [thresholds], "
                "[keys], [supervisor] and [floor]"
            )
        return f"unknown key '{key}' in {_table_name(path)}{suggestion}"

    def string(
        self, table: Mapping[str, object], key: str, path: _KeyPath, *, required: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.error(f"{_table_name(path)} needs '{key}'", path)
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(
                f"{key} must be a non-empty string, got {_describe(value)}", (*path, key)
            )
        return value.strip()

    def secret(self, table: Mapping[str, object], key: str, path: _KeyPath) -> Secret | None:
        """Like :meth:`string`, but the message never shows the value."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key} must be a non-empty string", (*path, key))
        return Secret(value.strip())

    def seconds(
        self, table: Mapping[str, object], key: str, path: _KeyPath, bounds: tuple[float, float]
    ) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(
                f"{key} must be a number of seconds, got {_describe(value)}", (*path, key)
            )
        low, high = bounds
        if not low <= value <= high:
            raise self.error(
                f"{key} must be between {low:g} and {high:g} seconds, got {value:g}", (*path, key)
            )
        return float(value)


def _read_text(path: Path) -> str | None:
    """The file's text, or ``None`` when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ConfigError(f"{_display(path)}: cannot be read ({err.strerror or err}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(f"{_display(path)}, line {line}: the file is not UTF-8 text.") from None


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


def _known_profiles(profiles: Mapping[str, Profile]) -> str:
    if not profiles:
        return "no profiles are defined"
    return "known profiles: " + ", ".join(sorted(profiles))


def _load_profiles(config: _Config, value: object) -> dict[str, Profile]:
    if not isinstance(value, dict):
        raise config.error(f"[profiles] must be a table, got {_describe(value)}", ("profiles",))
    return {name: _load_profile(config, name, table) for name, table in value.items()}


def _load_profile(config: _Config, name: str, value: object) -> Profile:
    path: _KeyPath = ("profiles", name)
    table = config.table(value, path, _PROFILE_KEYS)
    account_sid = config.string(table, "account_sid", path, required=True) or ""
    if not is_account_sid(account_sid):
        raise config.error(
            f"account_sid {account_sid!r} is not an Account SID ('AC' and 32 hex digits)",
            (*path, "account_sid"),
        )
    api_key = config.string(table, "api_key", path)
    if api_key is not None and not is_api_key_sid(api_key):
        raise config.error(
            f"api_key {api_key!r} is not an API key SID ('SK' and 32 hex digits)",
            (*path, "api_key"),
        )
    profile = Profile(
        name=name,
        account_sid=account_sid,
        auth_token=config.secret(table, "auth_token", path),
        api_key=api_key,
        api_secret=config.secret(table, "api_secret", path),
        region=_name_token(config, table, "region", path),
        edge=_name_token(config, table, "edge", path),
        api_url=_url(config, table, "api_url", path),
        read_only=_flag(config, table, "read_only", path),
    )
    missing = _profile_gap(profile)
    if missing:
        raise config.error(f"profile '{name}' {missing}", path)
    return profile


def _flag(config: _Config, table: Mapping[str, object], key: str, path: _KeyPath) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise config.error(f"{key} must be true or false, got {_describe(value)}", (*path, key))
    return value


def _profile_gap(profile: Profile) -> str | None:
    """What a profile lacks to log in, as the end of a sentence; ``None`` when complete."""
    if profile.api_key and not profile.api_secret:
        return "has api_key but no api_secret"
    if profile.api_secret and not profile.api_key:
        return "has api_secret but no api_key"
    if profile.api_key and profile.auth_token:
        return "has both auth_token and api_key; keep one way to log in"
    if not profile.api_key and not profile.auth_token:
        return "has no auth_token (or api_key and api_secret)"
    return None


def _name_token(
    config: _Config, table: Mapping[str, object], key: str, path: _KeyPath
) -> str | None:
    value = config.string(table, key, path)
    if value is not None and not _NAME_TOKEN_RE.fullmatch(value):
        raise config.error(
            f"{key} {value!r} is not a Twilio {key} name (lowercase letters, digits, '-')",
            (*path, key),
        )
    if value is not None and key in ("region", "edge") and (problem := unknown_place(key, value)):
        raise config.error(problem, (*path, key))
    return value


def _url(config: _Config, table: Mapping[str, object], key: str, path: _KeyPath) -> str | None:
    value = config.string(table, key, path)
    if value is None:
        return None
    try:
        return validate_url(value).url
    except ValidationError as err:
        raise config.error(f"{key}: {err}", (*path, key)) from None


def _array_of_tables(config: _Config, value: object, name: str) -> list[object]:
    if not isinstance(value, list):
        raise config.error(
            f"{name} must be written as [[{name}]] tables, got {_describe(value)}", (name,)
        )
    return value


def _load_destinations(config: _Config, value: object) -> tuple[Destination, ...]:
    destinations: list[Destination] = []
    for index, item in enumerate(_array_of_tables(config, value, "destinations")):
        path: _KeyPath = ("destinations", index)
        table = config.table(item, path, _DESTINATION_KEYS)
        name = config.string(table, "name", path, required=True) or ""
        if any(d.name == name for d in destinations):
            raise config.error(f"a destination named {name!r} is already defined", (*path, "name"))
        url = _url(config, table, "url", path)
        if url is None:
            raise config.error(f"{_table_name(path)} needs 'url'", path)
        method = "POST"
        if "method" in table:
            try:
                method = validate_method(table["method"])
            except ValidationError as err:
                raise config.error(str(err), (*path, "method")) from None
        destinations.append(Destination(name=name, url=url, method=method))
    return tuple(destinations)


def _load_snippets(config: _Config, value: object) -> tuple[Snippet, ...]:
    user = [
        _load_snippet(config, item, ("snippets", index))
        for index, item in enumerate(_array_of_tables(config, value, "snippets"))
    ]
    keys = [snippet.key for snippet in user]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise config.error(
                f"a snippet with key {key!r} is already defined", ("snippets", index)
            )
    builtin = [snippet for snippet in BUILTIN_SNIPPETS if snippet.key not in keys]
    return (*builtin, *user)


def _load_snippet(config: _Config, item: object, path: _KeyPath) -> Snippet:
    table = config.table(item, path, _SNIPPET_KEYS)
    key = config.string(table, "key", path, required=True) or ""
    config.string(table, "template", path, required=True)
    template = str(table["template"])
    title = config.string(table, "title", path) or key
    defaults = table.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise config.error(
            'defaults must be a table of strings, e.g. defaults = { message = "Hello" }',
            (*path, "defaults"),
        )
    unused = [name for name in defaults if f"{{{name}}}" not in template]
    if unused:
        raise config.error(
            f"defaults has '{unused[0]}' but the template has no {{{unused[0]}}} placeholder",
            (*path, "defaults"),
        )
    snippet = Snippet(key=key, title=title, template=template, defaults=defaults)
    try:
        snippet.render(snippet.example_values())
    except TwimlError as err:
        reason = re.sub(r"^Line \d+(, column \d+)?: ", "", str(err))
        line = config.template_line(path, err.line)
        raise config.error(
            f"snippet '{key}' does not make valid TwiML: {reason}", (*path, "template"), line
        ) from None
    except ValidationError as err:
        raise config.error(f"snippet '{key}': {err}", (*path, "template")) from None
    return snippet


# ---------------------------------------------------------------------------------------------
# Credentials

_ENV_SECRETS: Final = ("TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET")


def resolve_credentials(
    env: Mapping[str, str],
    settings: Settings,
    profile: str | None,
    api_url: str | None = None,
) -> Credentials | None:
    """The credentials to use, or ``None`` when there are none (the caller starts demo mode).

    Order: the ``profile`` argument (``--profile``), then the environment, then
    ``settings.default_profile``. ``api_url``, when given, replaces the chosen source's API host.
    Half-given credentials raise :class:`ConfigError` saying what is missing; no message
    contains a secret.
    """
    if profile is not None:
        credentials = _from_profile(settings, profile)
    elif any(_env(env, name) for name in ("TWILIO_ACCOUNT_SID", *_ENV_SECRETS)):
        credentials = _from_env(env)
    elif settings.default_profile is not None:
        credentials = _from_profile(settings, settings.default_profile)
    else:
        return None
    if api_url is not None:
        credentials = _with_api_url(credentials, api_url, "the API URL")
    return credentials


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _from_env(env: Mapping[str, str]) -> Credentials:
    account_sid = _env(env, "TWILIO_ACCOUNT_SID")
    api_key = _env(env, "TWILIO_API_KEY")
    api_secret = _env(env, "TWILIO_API_SECRET")
    token = _env(env, "TWILIO_AUTH_TOKEN")
    if api_key or api_secret:
        username, password = _env_api_key(account_sid, api_key, api_secret)
    elif account_sid and token:
        username, password = account_sid, Secret(token)
    elif token:
        raise ConfigError("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is missing.")
    else:
        raise ConfigError(
            "TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is missing "
            "(or set TWILIO_API_KEY and TWILIO_API_SECRET)."
        )
    assert account_sid is not None
    if not is_account_sid(account_sid):
        raise ConfigError(
            f"TWILIO_ACCOUNT_SID {account_sid!r} is not an Account SID ('AC' and 32 hex digits)."
        )
    for kind in ("region", "edge"):
        value = _env(env, f"TWILIO_{kind.upper()}")
        if value is not None and (problem := unknown_place(kind, value)):
            raise ConfigError(f"TWILIO_{kind.upper()}: {problem}.")
    credentials = Credentials(
        account_sid=account_sid,
        username=username,
        password=password,
        region=_env(env, "TWILIO_REGION"),
        edge=_env(env, "TWILIO_EDGE"),
        source="environment",
    )
    url = _env(env, "CALLBOARD_API_URL")
    return _with_api_url(credentials, url, "CALLBOARD_API_URL") if url else credentials


def _env_api_key(
    account_sid: str | None, api_key: str | None, api_secret: str | None
) -> tuple[str, Secret]:
    if not api_key:
        raise ConfigError("TWILIO_API_SECRET is set but TWILIO_API_KEY is missing.")
    if not api_secret:
        raise ConfigError("TWILIO_API_KEY is set but TWILIO_API_SECRET is missing.")
    if not account_sid:
        raise ConfigError(
            "TWILIO_API_KEY is set but TWILIO_ACCOUNT_SID is missing; an API key needs the "
            "account it belongs to."
        )
    if not is_api_key_sid(api_key):
        raise ConfigError("TWILIO_API_KEY is not an API key SID ('SK' and 32 hex digits).")
    return api_key, Secret(api_secret)


def _from_profile(settings: Settings, name: str) -> Credentials:
    found = settings.profiles.get(name)
    if found is None:
        where = f" in {_display(settings.source)}" if settings.source else ""
        raise ConfigError(
            f"There is no profile '{name}'{where}; {_known_profiles(settings.profiles)}."
        )
    gap = _profile_gap(found)
    if gap:
        raise ConfigError(f"Profile '{name}' {gap}.")
    if found.api_key and found.api_secret:
        username, password = found.api_key, found.api_secret
    else:
        assert found.auth_token is not None
        username, password = found.account_sid, found.auth_token
    return Credentials(
        account_sid=found.account_sid,
        username=username,
        password=password,
        region=found.region,
        edge=found.edge,
        api_url=found.api_url,
        source=f"profile '{name}'",
        profile=name,
        read_only=found.read_only,
    )


def _with_api_url(credentials: Credentials, url: str, what: str) -> Credentials:
    if not url.strip().lower().startswith(("http://", "https://")):
        raise ConfigError(
            f"{what} {url!r} is not an API address: give the http:// or https:// base URL of a "
            "Twilio-compatible API."
        )
    try:
        checked = validate_url(url).url
    except ValidationError as err:
        raise ConfigError(f"{what}: {err}") from None
    return replace(credentials, api_url=checked)
