"""Where Callboard may send the account's credentials: the configured API origin, nowhere else.

Every request carries ``Authorization: Basic …``. Twilio's answers name further URLs (a listing's
``next_page_uri``, ``subresource_uris``), and an answer can come from anything that speaks the
API (a proxy, a hostile endpoint). So every URL is resolved and compared, by scheme, host and
port, with the one origin the credentials point at before anything is sent; a link to any other
place is refused with a plain sentence and nothing goes out.

The configured origin is ``Credentials.api_url`` when one is set (a simulator, a proxy);
otherwise Twilio's API host for the configured region and edge, exactly as the SDK builds it
(``https://api.twilio.com``, ``https://api.<edge>.<region>.twilio.com``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from tui.core.errors import CallboardError

_DEFAULT_PORTS: Final = {"https": 443, "http": 80}


class ForeignLinkError(CallboardError):
    """A URL that does not resolve to the configured API origin; nothing was sent to it."""


@dataclass(frozen=True, slots=True)
class Origin:
    """``(scheme, host, port)`` of a URL, host lower-cased, port filled in from the scheme."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        default = _DEFAULT_PORTS.get(self.scheme)
        port = "" if self.port == default else f":{self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}"


def origin_of(url: str) -> Origin | None:
    """The origin of an absolute http(s) URL, or ``None`` for anything else (relative, odd)."""
    if not isinstance(url, str) or any(c in url for c in "\\\r\n\t\x00"):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    return Origin(scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme])


def twilio_api_host(region: str | None, edge: str | None) -> str:
    """The API host the SDK talks to for this region and edge (its ``get_hostname`` rule)."""
    region = region or (edge and "us1") or None
    return ".".join(part for part in ("api", edge, region, "twilio.com") if part)


def configured_origin(api_url: str | None, region: str | None, edge: str | None) -> Origin:
    """The one origin requests with these credentials may go to."""
    if api_url:
        origin = origin_of(api_url.rstrip("/"))
        if origin is None:
            raise ForeignLinkError("The configured API URL is not an http(s) URL with a host.")
        return origin
    return Origin("https", twilio_api_host(region, edge), 443)


def resolve_link(base: str, link: str) -> str:
    """A listing link (``/2010-04-01/…``, ``Calls.json?…`` or absolute) as a full URL.

    Relative links are joined to ``base`` (an origin such as ``https://api.twilio.com``) by
    plain concatenation, so ``//host/…`` stays a path on ``base`` rather than a new host.
    Absolute links are returned as they are; :func:`check_origin` decides whether they may be
    fetched.
    """
    if link.lower().startswith(("http://", "https://")):
        return link
    return base.rstrip("/") + ("" if link.startswith("/") else "/") + link


def check_origin(url: str, allowed: Origin, *, what: str = "a link in Twilio's answer") -> None:
    """Raise :class:`ForeignLinkError` unless ``url`` is on ``allowed`` (scheme, host, port).

    The message names the allowed origin (configuration, not data) and never the refused URL,
    which came from outside and may carry anything.
    """
    if origin_of(url) != allowed:
        raise ForeignLinkError(
            f"Callboard did not follow {what}: it points away from the API at {allowed}, "
            "so nothing was sent and the account's credentials stayed here."
        )
