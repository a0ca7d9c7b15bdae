"""The SDK's async HTTP client as Callboard needs it: one session, a real timeout, no retries.

Split from :mod:`tui.core.twilio_client` (which re-exports these names): the transport layer
(API-host rewriting, the origin check before credentials are attached, bounded body reads) and
the per-task response capture that lets an action read ``Retry-After`` the SDK's exceptions drop.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response

from tui.core.links import ForeignLinkError, Origin, check_origin, configured_origin
from tui.core.twilio_errors import (
    TwilioBodyTooLarge,
    TwilioLinkRefused,
    TwilioUnreachable,
    parse_retry_after,
)

_TWILIO_API_HOST_RE: Final = re.compile(
    r"^https://api(?:\.[A-Za-z0-9-]+){0,2}\.twilio\.com(?=[/?]|$)"
)
"""``https://api.twilio.com`` and ``https://api.<edge>.<region>.twilio.com`` (or one of the two)."""


# ------------------------------------------------------------------------------ response capture


@dataclass(slots=True)
class ResponseInfo:
    """What the last response seen in a :func:`capture_response` block looked like.

    The SDK raises :class:`~twilio.base.exceptions.TwilioRestException` without the response
    headers, so an action that meets a 429 reads ``Retry-After`` from here.
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def retry_after_s(self) -> float | None:
        return parse_retry_after(self.headers.get("Retry-After"))


_CAPTURE: contextvars.ContextVar[ResponseInfo | None] = contextvars.ContextVar(
    "callboard_response_capture", default=None
)
_BODY_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "callboard_body_limit", default=None
)


@contextmanager
def capture_response() -> Iterator[ResponseInfo]:
    """Record the status and headers of responses received by this task inside the block.

    Context variables follow the task, so concurrent actions each see their own response.
    """
    info = ResponseInfo()
    token = _CAPTURE.set(info)
    try:
        yield info
    finally:
        _CAPTURE.reset(token)


# ---------------------------------------------------------------------------------- HTTP client


class SizedResponse(Response):
    """The SDK's response plus the number of body bytes received (for the poll statistics)."""

    def __init__(self, status_code: int, text: str, headers: Any, size: int) -> None:
        super().__init__(status_code, text, headers)
        self.size = size

    def __repr__(self) -> str:
        return f"<SizedResponse HTTP {self.status_code}, {self.size} bytes>"


class _CallboardHttpClient(AsyncTwilioHttpClient):
    """The SDK's async client with a base-URL override, a real timeout and no retries.

    The aiohttp session is created by :meth:`open` inside the running loop, not in ``__init__``
    (aiohttp sessions belong to the loop they were created in).
    """

    def __init__(
        self, *, timeout_s: float, api_url: str | None, origin: Origin | None = None
    ) -> None:
        super().__init__(pool_connections=False, timeout=timeout_s)
        self.session: aiohttp.ClientSession | None = None
        self._api_url = api_url.rstrip("/") if api_url else None
        self.origin = origin or configured_origin(api_url, None, None)
        """The only origin requests (with their ``Authorization``) may go to."""

    def open(self) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession()

    def rewrite(self, url: str) -> str:
        """Point Twilio API hosts at ``api_url`` when one is configured."""
        if self._api_url is None:
            return url
        return _TWILIO_API_HOST_RE.sub(self._api_url, url, count=1)

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (the SDK's signature)
        allow_redirects: bool = False,
    ) -> Response:
        """Send one request, exactly once, and read the whole body.

        Unlike the SDK's version this never opens a throw-away session, always applies a
        timeout (``aiohttp.ClientTimeout(total=…)``, so a slow body counts too), releases the
        connection on every path, and does not keep the last request (with its credentials)
        on the client.
        """
        session = self.session
        if session is None or session.closed:
            raise TwilioUnreachable("The connection to Twilio is closed.")
        total = timeout if timeout is not None else self.timeout
        target = self.rewrite(url)
        try:
            check_origin(target, self.origin, what="a URL it was asked to fetch")
        except ForeignLinkError as exc:
            raise TwilioLinkRefused(str(exc)) from None
        kwargs: dict[str, Any] = {
            "method": method.upper(),
            "url": target,
            "params": params,
            "data": data,
            "headers": headers,
            "timeout": aiohttp.ClientTimeout(total=total),
            "allow_redirects": allow_redirects,
        }
        self.log_request(kwargs)
        if auth is not None:
            # Added after logging; aiohttp 3.14 deprecates ``auth=BasicAuth`` for this header.
            kwargs["headers"] = {
                **(headers or {}),
                "Authorization": aiohttp.encode_basic_auth(auth[0], auth[1]),
            }
        async with session.request(**kwargs) as response:
            body = await _read_body(response, _BODY_LIMIT.get())
            self.log_response(response.status, response)
            capture = _CAPTURE.get()
            if capture is not None:
                capture.status = response.status
                capture.headers = response.headers
            text = body.decode("utf-8", errors="replace")
            return SizedResponse(response.status, text, response.headers, len(body))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


async def _read_body(response: aiohttp.ClientResponse, limit: int | None) -> bytes:
    """The whole body, or :class:`TwilioBodyTooLarge` as soon as it passes ``limit`` bytes."""
    if limit is None:
        return await response.read()
    too_large = TwilioBodyTooLarge(f"Twilio's answer was larger than {limit:,} bytes.")
    if response.content_length is not None and response.content_length > limit:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.content.iter_chunked(1 << 20):
        received += len(chunk)
        if received > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
