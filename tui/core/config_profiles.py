"""``[profiles.NAME]``: one Twilio account per table, and what a profile needs to log in.

Kept apart from :mod:`tui.core.config` so the profile model and its checks (SIDs, region/edge
names, the one-way-to-log-in rule) live in one place that credential resolution also uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from tui.core.config_reader import _Config, _describe, _KeyPath, _url
from tui.core.regions import unknown_place
from tui.core.secret import Secret
from tui.core.sids import is_account_sid, is_api_key_sid

_PROFILE_KEYS: Final = (
    "account_sid", "auth_token", "api_key", "api_secret", "region", "edge", "api_url",
    "read_only",
)  # fmt: skip

_NAME_TOKEN_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")


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
