"""Profiles from twilio-cli's ``config.json`` into Callboard's ``config.toml``, safely.

twilio-cli (3.0 and later) keeps each profile in ``~/.twilio-cli/config.json``::

    {"profiles": {"night": {"accountSid": "AC…", "apiKey": "SK…", "apiSecret": "…",
                            "region": "ie1"}},
     "activeProfile": "night", "edge": "dublin"}

Older releases listed ``"projects"`` there and kept the secret in the system keychain; those
cannot be imported from the file and are reported as such.

Writing: the new ``[profiles.NAME]`` tables are added to the config file's text (nothing else in
the file changes; comments stay), the result is written to a private temporary file beside it
(mode 600), read back with the same loader the console uses — so a profile that would not load is
never written — and only then moved over the config file in one rename. A profile that already
exists is left alone unless ``force`` is given. No message here contains a secret.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tui.core.config import load_settings
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.core.sids import is_account_sid, is_api_key_sid

TWILIO_CLI_CONFIG: Final = Path("~/.twilio-cli/config.json")
_NAME_TOKEN_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
_BARE_KEY_RE: Final = re.compile(r"[A-Za-z0-9_-]+")
_HEADER_RE: Final = re.compile(r"^\s*\[(?!\[)(.*?)\]\s*(?:#.*)?$")
_KEY_TOKEN_RE: Final = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+')


@dataclass(frozen=True, slots=True)
class ImportedProfile:
    """One profile ready to be written; the secret stays a :class:`Secret`."""

    name: str
    account_sid: str
    secret: Secret
    api_key: str | None = None
    """``SK…`` for an API key; ``None`` when ``secret`` is the account's auth token."""
    region: str | None = None
    edge: str | None = None

    @property
    def login(self) -> str:
        return f"API key {self.api_key}" if self.api_key else "auth token"


@dataclass(frozen=True, slots=True)
class Skipped:
    name: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    imported: list[ImportedProfile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    active: str | None = None
    """twilio-cli's active profile, for the hint to set ``default_profile``."""


# ------------------------------------------------------------------------------------ reading


def read_twilio_cli_config(path: Path) -> ImportReport:
    """The profiles in twilio-cli's config file, each usable or skipped with a reason."""
    shown = str(path)
    try:
        data = json.loads(path.expanduser().read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{shown}: there is no twilio-cli config file there.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{shown}: cannot be read ({type(err).__name__}).") from None
    except ValueError as err:
        line = getattr(err, "lineno", None)
        where = f", line {line}" if line else ""
        raise ConfigError(f"{shown}{where}: not valid JSON.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: not a twilio-cli config (no JSON object).")
    report = ImportReport()
    active = data.get("activeProfile")
    report.active = active if isinstance(active, str) else None
    global_edge = data.get("edge") if isinstance(data.get("edge"), str) else None
    profiles = data.get("profiles")
    if isinstance(profiles, dict):
        for name, entry in profiles.items():
            result = _profile(str(name), entry, global_edge)
            if isinstance(result, Skipped):
                report.skipped.append(result)
            else:
                report.imported.append(result)
    projects = data.get("projects")
    known = {p.name for p in report.imported} | {s.name for s in report.skipped}
    if isinstance(projects, list):
        for project in projects:
            name = project.get("id") if isinstance(project, dict) else None
            if isinstance(name, str) and name not in known:
                report.skipped.append(
                    Skipped(
                        name,
                        "an old twilio-cli profile whose secret is in the system keychain, not "
                        "in config.json; create it again with a newer twilio-cli or add it to "
                        "config.toml by hand",
                    )
                )
    return report


def _profile(name: str, entry: object, global_edge: str | None) -> ImportedProfile | Skipped:
    if not isinstance(entry, dict):
        return Skipped(name, "not a profile object")
    if not name.strip() or not name.isprintable():
        return Skipped(name, "the profile name is empty or has control characters")
    account = entry.get("accountSid")
    key = entry.get("apiKey")
    secret = entry.get("apiSecret")
    if not isinstance(account, str) or not is_account_sid(account.strip()):
        return Skipped(name, "accountSid is not an Account SID ('AC' and 32 hex digits)")
    if not isinstance(secret, str) or not secret.strip():
        return Skipped(name, "there is no apiSecret in the file")
    account, secret = account.strip(), secret.strip()
    api_key: str | None
    if isinstance(key, str) and is_api_key_sid(key.strip()):
        api_key = key.strip()
    elif isinstance(key, str) and key.strip() == account:
        api_key = None  # twilio-cli's way of storing an auth token
    else:
        return Skipped(name, "apiKey is not an API key SID ('SK' and 32 hex digits)")
    region = _token(entry.get("region"))
    edge = _token(entry.get("edge")) or _token(global_edge)
    for what, value in (("region", entry.get("region")), ("edge", entry.get("edge"))):
        if value not in (None, "") and _token(value) is None:
            return Skipped(name, f"{what} is not a Twilio {what} name")
    return ImportedProfile(name, account, Secret(secret), api_key, region, edge)


def _token(value: object) -> str | None:
    if isinstance(value, str) and _NAME_TOKEN_RE.fullmatch(value.strip()):
        return value.strip()
    return None


# ------------------------------------------------------------------------------------ writing


def _toml_string(value: str) -> str:
    out = ['"']
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_key(name: str) -> str:
    return name if _BARE_KEY_RE.fullmatch(name) else _toml_string(name)


def profile_table(profile: ImportedProfile) -> str:
    """The ``[profiles.NAME]`` table for ``profile`` (its secret included: for the file only)."""
    lines = [
        f"[profiles.{_toml_key(profile.name)}]  # imported from twilio-cli",
        f"account_sid = {_toml_string(profile.account_sid)}",
    ]
    if profile.api_key:
        lines.append(f"api_key = {_toml_string(profile.api_key)}")
        lines.append(f"api_secret = {_toml_string(profile.secret.reveal())}")
    else:
        lines.append(f"auth_token = {_toml_string(profile.secret.reveal())}")
    if profile.region:
        lines.append(f"region = {_toml_string(profile.region)}")
    if profile.edge:
        lines.append(f"edge = {_toml_string(profile.edge)}")
    return "\n".join(lines) + "\n"


def _header_names(line: str) -> tuple[str, ...] | None:
    match = _HEADER_RE.match(line)
    if match is None:
        return None
    tokens = _KEY_TOKEN_RE.findall(match.group(1))
    return tuple(json.loads(t) if t.startswith('"') else t.strip("'") for t in tokens)


def _without_table(text: str, name: str) -> str | None:
    """``text`` without the ``[profiles.NAME]`` table, or ``None`` when it has no such header."""
    lines = text.splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if _header_names(line) == ("profiles", name)), None
    )
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not lines[end].lstrip().startswith("["):
        end += 1
    return "".join(lines[:start] + lines[end:])


def add_profiles(
    config_file: Path, profiles: Iterable[ImportedProfile], *, force: bool = False
) -> ImportReport:
    """Write ``profiles`` into ``config_file``; those that exist are skipped unless ``force``.

    Raises :class:`ConfigError` when the current file does not load (fix it first) or the
    result would not; the file is then left exactly as it was.
    """
    report = ImportReport()
    try:
        text = config_file.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{config_file}: cannot be read ({type(err).__name__}).") from None
    existing: Mapping[str, object] = load_settings(config_file).profiles if text else {}
    additions: list[str] = []
    for profile in profiles:
        if profile.name in existing:
            if not force:
                report.skipped.append(
                    Skipped(profile.name, "already in config.toml (--force replaces it)")
                )
                continue
            replaced = _without_table(text, profile.name)
            if replaced is None:
                report.skipped.append(
                    Skipped(profile.name, "defined in config.toml in a form import cannot replace")
                )
                continue
            text = replaced
        additions.append(profile_table(profile))
        report.imported.append(profile)
    if not additions:
        return report
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"\n{block}" for block in additions)
    _write_checked(config_file, text)
    return report


def _write_checked(config_file: Path, text: str) -> None:
    """Write privately beside the file, load it back, then rename over the file."""
    directory = config_file.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            load_settings(temp)
        except ConfigError as err:
            message = str(err).replace(str(temp), str(config_file))
            raise ConfigError(f"not written, the result would not load: {message}") from None
        os.replace(temp, config_file)
    finally:
        temp.unlink(missing_ok=True)
