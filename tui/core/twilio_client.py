"""One door to Twilio: a twilio-python ``Client`` on one shared aiohttp session.

Everything Callboard sends to Twilio (or to the simulator, or to any compatible endpoint) goes
through :class:`TwilioAccess`: the poller lists pages with :meth:`TwilioAccess.get_json`, the
action service updates calls with ``access.client.calls(sid).update_async(...)``. Both ride on
the SDK's async API over :class:`_CallboardHttpClient`, which

* rewrites ``https://api.twilio.com`` (and regional/edge hosts) to ``Credentials.api_url`` when
  one is set, so the same code talks to the simulator;
* puts a real timeout on every request (the SDK hands aiohttp ``timeout=None`` unless told
  otherwise, which means *no* timeout);
* never retries (an action must be sent exactly once; the poller has its own backoff);
* reads each body once, keeps its size for the poll statistics, and lets callers that ask for it
  see the response headers (``Retry-After`` on a 429), which the SDK's exceptions drop.

Secrets: the auth token leaves its :class:`~tui.core.secret.Secret` only when the SDK ``Client`` is
built. Nothing here puts it in a message, a log line or a ``repr``; it travels only in the
``Authorization`` header, which is added after the SDK's request log is written and which
aiohttp's error strings do not include.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import importlib
import json
import logging
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

import aiohttp
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from tui.core.credentials import Credentials
from tui.core.errors import CallboardError
from tui.core.links import ForeignLinkError, Origin, check_origin, configured_origin, resolve_link

_log = logging.getLogger(__name__)

TWILIO_API_BASE: Final = "https://api.twilio.com"
"""Where the SDK and our listing URLs point; rewritten to ``Credentials.api_url`` when set."""

_TWILIO_API_HOST_RE: Final = re.compile(
    r"^https://api(?:\.[A-Za-z0-9-]+){0,2}\.twilio\.com(?=[/?]|$)"
)
"""``https://api.twilio.com`` and ``https://api.<edge>.<region>.twilio.com`` (or one of the two)."""

_MAX_REASON_CHARS: Final = 160


# --------------------------------------------------------------------------------------- errors


class TwilioAccessError(CallboardError):
    """Listing or fetching through :meth:`TwilioAccess.get_json` failed.

    ``str(error)`` is a plain sentence without secrets; the attributes let the poller decide how
    to back off.
    """


class TwilioHttpError(TwilioAccessError):
    """Twilio answered with a non-2xx status.

    ``code`` is Twilio's error code from the body (``None`` when the body had none),
    ``retry_after_s`` the ``Retry-After`` header in seconds when present.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None = None,
        twilio_message: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.twilio_message = twilio_message
        self.retry_after_s = retry_after_s

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.code == 20429

    @property
    def auth_refused(self) -> bool:
        return self.status == 401 or self.code == 20003


class TwilioUnreachable(TwilioAccessError):
    """No usable answer: timeout, refused or dropped connection, DNS failure.

    ``timed_out`` tells a timeout (the request may have reached Twilio) from a connection that
    was never made.
    """

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class TwilioBadResponse(TwilioAccessError):
    """Twilio answered 2xx, but with something that is not the JSON we asked for."""


class TwilioBodyTooLarge(TwilioAccessError):
    """A body larger than the caller allowed (``get_text(max_bytes=…)``); it was not kept."""


class TwilioLinkRefused(TwilioAccessError):
    """A URL off the configured API origin (see :mod:`tui.core.links`); nothing was sent."""


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


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


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


# --------------------------------------------------------------------------------- TwilioAccess


class TwilioAccess:
    """One twilio ``Client`` on one shared ``AsyncTwilioHttpClient`` (session made in the loop).

    Use as ``async with TwilioAccess(credentials) as access:`` or call :meth:`open` /
    :meth:`close`. ``client`` is for SDK calls (``client.calls(sid).update_async(...)``);
    :meth:`get_json` is the lean path the poller uses to list pages without building
    ``CallInstance`` objects.
    """

    def __init__(self, credentials: Credentials, *, timeout_s: float = 10.0) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._credentials = credentials
        self.timeout_s = timeout_s
        self.account_sid = credentials.account_sid
        self._http: _CallboardHttpClient | None = None
        self._client: Client | None = None
        self._sdk_warmed: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        state = "open" if self._client is not None else "closed"
        target = self._credentials.api_url or TWILIO_API_BASE
        return f"<TwilioAccess {self.account_sid} via {target} ({state})>"

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    @property
    def client(self) -> Client:
        """The SDK client; only valid between :meth:`open` and :meth:`close`."""
        if self._client is None:
            raise RuntimeError("TwilioAccess is not open")
        return self._client

    @property
    def base_url(self) -> str:
        """Where listing URLs start; the HTTP client rewrites it to ``api_url`` when set."""
        return TWILIO_API_BASE

    async def open(self) -> None:
        """Create the aiohttp session (inside the running loop) and the SDK client."""
        if self._client is not None:
            return
        creds = self._credentials
        http = _CallboardHttpClient(
            timeout_s=self.timeout_s, api_url=creds.api_url, origin=self.origin
        )
        http.open()
        self._http = http
        self._client = Client(
            username=creds.username,
            password=creds.password.reveal(),
            account_sid=creds.account_sid,
            region=creds.region,
            edge=creds.edge,
            http_client=http,
            # A non-empty mapping, so the SDK does not fall back to os.environ for
            # TWILIO_REGION / TWILIO_EDGE: the Credentials are the only configuration.
            environment={"CALLBOARD": "1"},
        )
        if self._sdk_warmed is None:
            self._sdk_warmed = asyncio.get_running_loop().run_in_executor(None, _import_calls_api)

    async def close(self) -> None:
        http, self._http, self._client = self._http, None, None
        if http is not None:
            await http.close()

    async def __aenter__(self) -> TwilioAccess:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def origin(self) -> Origin:
        """The configured API origin: ``api_url``'s, else Twilio's host for region and edge."""
        creds = self._credentials
        try:
            return configured_origin(creds.api_url, creds.region, creds.edge)
        except ForeignLinkError as exc:
            raise TwilioLinkRefused(str(exc)) from None

    def absolute(self, uri: str) -> str:
        """A full URL for an API path such as a ``next_page_uri``, checked against the origin.

        Raises :class:`TwilioLinkRefused` (nothing is sent) when ``uri`` leads anywhere but the
        configured API origin.
        """
        url = resolve_link(TWILIO_API_BASE, uri)
        target = url
        if self._http is not None and self._client is not None:
            target = self._http.rewrite(self._client.get_hostname(url))
        try:
            check_origin(target, self.origin, what="Twilio's next-page link")
        except ForeignLinkError as exc:
            raise TwilioLinkRefused(str(exc)) from None
        return url

    async def get_json(
        self, url: str, params: Mapping[str, str] | None = None
    ) -> tuple[object, int, Mapping[str, str]]:
        """GET ``url`` through the SDK client; return (parsed JSON or raw text, bytes, headers).

        A 2xx body that is not JSON comes back as the raw text; the caller decides whether that
        is an error. Non-2xx raises :class:`TwilioHttpError`; no answer raises
        :class:`TwilioUnreachable`. Messages never contain the token.
        """
        text, size, headers = await self.get_text(url, params)
        try:
            payload: object = json.loads(text)
        except ValueError:
            payload = text
        return payload, size, headers

    async def get_text(
        self, url: str, params: Mapping[str, str] | None = None, *, max_bytes: int | None = None
    ) -> tuple[str, int, Mapping[str, str]]:
        """Like :meth:`get_json` but leaves the (2xx) body unparsed, for callers that parse it
        themselves (the poller parses pages with the garbage collector paused).

        ``max_bytes`` bounds the body: past it the download stops and
        :class:`TwilioBodyTooLarge` is raised.
        """
        limit = _BODY_LIMIT.set(max_bytes)
        try:
            response = await self.client.request_async(
                "GET", resolve_link(TWILIO_API_BASE, url), params=dict(params) if params else None
            )
        except TwilioAccessError:
            raise
        except TimeoutError:
            raise TwilioUnreachable(
                f"Twilio did not answer within {self.timeout_s:g} s.", timed_out=True
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise TwilioUnreachable(f"Could not connect to Twilio ({_os_reason(exc)}).") from None
        except aiohttp.ServerDisconnectedError:
            raise TwilioUnreachable("Twilio closed the connection without answering.") from None
        except aiohttp.ClientPayloadError:
            raise TwilioUnreachable("The connection dropped while Twilio was answering.") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise TwilioUnreachable(f"Could not talk to Twilio ({type(exc).__name__}).") from None
        finally:
            _BODY_LIMIT.reset(limit)
        size = response.size if isinstance(response, SizedResponse) else len(response.text)
        headers: Mapping[str, str] = response.headers or {}
        _log_concurrency(headers)
        if not 200 <= response.status_code < 300:
            raise http_error(response.status_code, response.text, headers)
        return response.text, size, headers

    async def fetch_account_name(self) -> str:
        """The account's friendly name (for the header), or the SID when it has none."""
        payload, _, _ = await self.get_json(
            f"{TWILIO_API_BASE}/2010-04-01/Accounts/{self.account_sid}.json"
        )
        if not isinstance(payload, dict):
            raise TwilioBadResponse("Twilio's answer about the account was not JSON.")
        name = payload.get("friendly_name")
        return name if isinstance(name, str) and name else self.account_sid


def _import_calls_api() -> None:
    """Import the SDK's Calls API now, in a worker thread, instead of on the first action.

    ``client.calls(sid)`` imports ``twilio.rest.api.v2010.account`` and every resource module it
    names on first use: ~0.5 s of module execution that would otherwise freeze the console on the
    supervisor's first hang-up (the key press would wait for it). Run in a thread, it shares the
    interpreter with the event loop in switch-interval slices instead. Imports are idempotent and
    guarded by the import lock, so an action racing the warm-up just waits for the module.
    """
    importlib.import_module("twilio.rest.api.v2010.account.call")


def http_error(status: int, body: str, headers: Mapping[str, str]) -> TwilioHttpError:
    """Build a :class:`TwilioHttpError` with a plain sentence from Twilio's error body."""
    code: int | None = None
    twilio_message: str | None = None
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        raw_code = parsed.get("code")
        if isinstance(raw_code, int) and not isinstance(raw_code, bool):
            code = raw_code
        raw_message = parsed.get("message") or parsed.get("detail") or parsed.get("title")
        if isinstance(raw_message, str) and raw_message.strip():
            twilio_message = clean_message(raw_message)
    retry_after = parse_retry_after(headers.get("Retry-After"))
    if status == 429 or code == 20429:
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        message = f"Twilio is rate limiting requests (HTTP 429{_code_part(code)}){wait}."
    elif status == 401 or code == 20003:
        message = (
            f"Twilio refused the credentials (HTTP 401{_code_part(code)}): check the account "
            "SID and auth token or API key."
        )
    else:
        detail = f": {twilio_message}" if twilio_message else ""
        message = f"Twilio answered HTTP {status}{_code_part(code)}{detail}."
    return TwilioHttpError(
        message, status=status, code=code, twilio_message=twilio_message, retry_after_s=retry_after
    )


def clean_message(text: str) -> str:
    """Twilio's message, on one line, without control characters, shortened for a header."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(flat) > _MAX_REASON_CHARS:
        flat = flat[: _MAX_REASON_CHARS - 1] + "…"
    return flat.rstrip(".")


def _code_part(code: int | None) -> str:
    return f", error {code}" if code is not None else ""


def _os_reason(exc: aiohttp.ClientConnectorError) -> str:
    """'connection refused', 'host not found'… from the OS error, without the request."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "host name not found"
    os_error = exc.os_error
    if isinstance(os_error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(os_error, TimeoutError | asyncio.TimeoutError):
        return "connection timed out"
    strerror = getattr(os_error, "strerror", None)
    return strerror.lower() if isinstance(strerror, str) and strerror else "connection failed"


def _log_concurrency(headers: Mapping[str, str]) -> None:
    """Twilio advises watching these headers to stay clear of the concurrency limit."""
    if _log.isEnabledFor(logging.DEBUG):
        concurrent = headers.get("Twilio-Concurrent-Requests")
        duration = headers.get("Twilio-Request-Duration")
        if concurrent or duration:
            _log.debug(
                "Twilio-Concurrent-Requests=%s Twilio-Request-Duration=%s", concurrent, duration
            )
