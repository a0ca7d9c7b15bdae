"""Outgoing HTTP: fetching TwiML and posting status callbacks, signed as Twilio signs them.

The signature is ``base64(HMAC-SHA1(auth_token, url + name1 + value1 + name2 + value2 …))`` with
POST parameters sorted by name; for GET the parameters are in the URL and nothing is appended.
That is exactly what :class:`twilio.request_validator.RequestValidator` recomputes, so an
application's validation code passes unchanged against the simulator.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

import aiohttp

from tui.sim.twiml_parser import MAX_DOCUMENT_BYTES

USER_AGENT: Final = "TwilioProxy/1.1"
FETCH_TIMEOUT_S: Final = 15.0
"""Twilio waits 15 s for a TwiML response before giving up (error 11205)."""


def compute_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` value for a request to ``url`` with POST ``params``."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """What came back: ``ok`` when a 2xx arrived within the size limit."""

    url: str
    method: str
    status: int | None
    body: str
    error: str | None = None
    too_large: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(slots=True)
class WebhookRecord:
    """One request the simulator sent (kept for tests and ``GET /_sim/stats``)."""

    kind: str
    url: str
    method: str
    params: dict[str, str]
    signature: str
    status: int | None = None
    error: str | None = None
    at: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


class WebhookClient:
    """One aiohttp session for every fetch and callback, signing with the account's auth token."""

    def __init__(self, auth_token: str, *, timeout: float = FETCH_TIMEOUT_S) -> None:
        self._auth_token = auth_token
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self.sent: list[WebhookRecord] = []

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                headers={"User-Agent": USER_AGENT},
            )
        return self._session

    async def request(
        self, kind: str, url: str, method: str, params: Mapping[str, str], *, at: float = 0.0
    ) -> WebhookResult:
        """Send one signed request; never raises for network or HTTP errors."""
        method = method.upper() if method.upper() in ("GET", "POST") else "POST"
        form = dict(params)
        if method == "GET":
            target = url + ("&" if "?" in url else "?") + urlencode(form) if form else url
            signature = compute_signature(self._auth_token, target, {})
            data: dict[str, str] | None = None
        else:
            target = url
            signature = compute_signature(self._auth_token, target, form)
            data = form
        record = WebhookRecord(kind, target, method, form, signature, at=at)
        self.sent.append(record)
        headers = {
            "X-Twilio-Signature": signature,
            "Accept": "*/*",
            "Cache-Control": "max-age=259200",
        }
        try:
            async with self._client().request(
                method, target, data=data, headers=headers, allow_redirects=True
            ) as response:
                raw = await response.content.read(MAX_DOCUMENT_BYTES + 1)
                record.status = response.status
                too_large = len(raw) > MAX_DOCUMENT_BYTES
                body = raw[:MAX_DOCUMENT_BYTES].decode("utf-8", errors="replace")
                return WebhookResult(target, method, response.status, body, too_large=too_large)
        except (TimeoutError, aiohttp.ClientError, ValueError, OSError) as exc:
            record.error = f"{type(exc).__name__}: {exc}"
            return WebhookResult(target, method, None, "", error=record.error)
