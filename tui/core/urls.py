"""Checks for the URL a supervisor redirects a call to.

Twilio fetches TwiML from this URL the moment the call is redirected, so a typo drops the caller
into "an application error has occurred". We refuse what can never work (relative, wrong scheme,
no host, bad port, spaces or control characters) and what should not be typed into a console
that logs every action (a user name or password in the URL: it would end up in the audit log and
on screen). Plain ``http://`` works but is worth a warning.

No message produced here echoes the URL back, only the parts of it that are known to be safe (the
scheme, the host, a character position), so a password pasted by mistake is never shown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final
from urllib.parse import SplitResult, urlsplit

from tui.core.errors import UrlError, ValidationError

HTTP_METHODS: Final = ("POST", "GET")
"""The methods Twilio accepts for fetching TwiML, the default first."""

PLAIN_HTTP_WARNING: Final = (
    "plain http: Twilio will fetch this TwiML unencrypted, so anyone on the path can read or "
    "change it; prefer https://"
)

_ALLOWED_SCHEMES: Final = ("https", "http")


@dataclass(frozen=True, slots=True)
class CheckedUrl:
    """A URL that may be sent, and a warning to show beside it (``None`` when there is none)."""

    url: str
    warning: str | None = None


def validate_url(text: str) -> CheckedUrl:
    """Return the URL to send (surrounding whitespace removed) or raise :class:`UrlError`.

    The URL is returned exactly as typed otherwise: nothing is re-encoded or normalised, so what
    Twilio fetches is what the supervisor saw.
    """
    url = text.strip() if isinstance(text, str) else ""
    if not url:
        raise UrlError("A URL is required.")
    _refuse_invisible_characters(url)
    _refuse_credentials(url)
    parts = _split(url)
    _check_scheme(url, parts)
    _check_authority(parts)
    warning = PLAIN_HTTP_WARNING if parts.scheme == "http" else None
    return CheckedUrl(url=url, warning=warning)


def validate_method(method: object) -> str:
    """Return ``"POST"`` or ``"GET"`` (any letter case accepted) or raise ``ValidationError``."""
    if isinstance(method, str) and method.strip().upper() in HTTP_METHODS:
        return method.strip().upper()
    shown = repr(method) if isinstance(method, str) else f"a {type(method).__name__}"
    raise ValidationError(f"The HTTP method must be POST or GET, got {shown}.")


def _describe_space(char: str) -> str:
    names = {" ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a line break"}
    return names.get(char, f"white space (U+{ord(char):04X})")


def _refuse_invisible_characters(url: str) -> None:
    """Spaces and control characters are never valid in a URL and usually a paste accident."""
    for index, char in enumerate(url, start=1):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zs", "Zl", "Zp"):
            raise UrlError(
                f"The URL contains {_describe_space(char)} at character {index}; remove it or "
                "encode it as %20."
            )
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise UrlError(
                f"The URL contains a control character (U+{ord(char):04X}) at character {index}."
            )


def _refuse_credentials(url: str) -> None:
    """Checked before anything else is reported, so no later message can echo a password."""
    after_scheme = url.split("://", 1)[1] if "://" in url else url
    authority = re.split(r"[/?#]", after_scheme, maxsplit=1)[0]
    if "@" in authority:
        raise UrlError(
            "The URL contains a user name or password before '@'; remove it. Credentials typed "
            "here would be shown on screen and kept in the audit log."
        )


def _split(url: str) -> SplitResult:
    try:
        return urlsplit(url)
    except ValueError:
        raise UrlError("The URL is malformed (check the brackets around an IPv6 host).") from None


def _check_scheme(url: str, parts: SplitResult) -> None:
    if parts.scheme in _ALLOWED_SCHEMES:
        if not url[len(parts.scheme) :].startswith("://"):
            raise UrlError(f"The URL must start with {parts.scheme}:// followed by a host name.")
        return
    if not parts.scheme or url[len(parts.scheme) + 1 : len(parts.scheme) + 2].isdigit():
        raise UrlError(
            "The URL is relative: it must be absolute, starting with https:// (or http://) "
            "and a host name."
        )
    raise UrlError(
        f"The URL scheme {parts.scheme!r} is not allowed: Twilio fetches TwiML only over "
        "https:// (or http://)."
    )


def _check_authority(parts: SplitResult) -> None:
    host = parts.hostname
    if not host:
        raise UrlError("The URL has no host name after '//'.")
    if not parts.netloc.startswith("[") and not _is_host_name(host):
        raise UrlError(f"The URL host {host!r} is not a valid host name.")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or parts.netloc.endswith(":"):
        raise UrlError("The URL port must be a number from 1 to 65535.")


def _is_host_name(host: str) -> bool:
    """Labels of letters, digits, '-' and '_' (any script: IDN hosts are allowed), dot-separated."""
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return all(
        label
        and len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(c.isalnum() or c in "-_" for c in label)
        for label in labels
    )
