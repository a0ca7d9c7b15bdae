"""Which credentials to use: ``--profile``, the ``TWILIO_*`` environment, or ``default_profile``.

Separate from reading the file: this is the precedence rule and the half-given-credentials
messages (none of which ever contains a secret); :mod:`tui.core.config` re-exports
:func:`resolve_credentials`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from tui.core.config_profiles import _known_profiles, _profile_gap
from tui.core.config_reader import _display
from tui.core.credentials import Credentials
from tui.core.errors import ConfigError, ValidationError
from tui.core.regions import unknown_place
from tui.core.secret import Secret
from tui.core.sids import is_account_sid, is_api_key_sid
from tui.core.urls import validate_url

if TYPE_CHECKING:
    from tui.core.config import Settings

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
