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
import importlib
import json
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Final

import aiohttp
from twilio.rest import Client

from tui.core.credentials import Credentials
from tui.core.links import ForeignLinkError, Origin, check_origin, configured_origin, resolve_link
from tui.core.twilio_errors import (
    TwilioAccessError,
    TwilioBadResponse,
    TwilioBodyTooLarge,
    TwilioHttpError,
    TwilioLinkRefused,
    TwilioUnreachable,
    clean_message,
    http_error,
    parse_retry_after,
)
from tui.core.twilio_http import (
    _BODY_LIMIT,
    ResponseInfo,
    SizedResponse,
    _CallboardHttpClient,
    capture_response,
)

__all__ = [
    "TWILIO_API_BASE",
    "ResponseInfo",
    "SizedResponse",
    "TwilioAccess",
    "TwilioAccessError",
    "TwilioBadResponse",
    "TwilioBodyTooLarge",
    "TwilioHttpError",
    "TwilioLinkRefused",
    "TwilioUnreachable",
    "capture_response",
    "clean_message",
    "http_error",
    "parse_retry_after",
]

_log = logging.getLogger(__name__)

TWILIO_API_BASE: Final = "https://api.twilio.com"
"""Where the SDK and our listing URLs point; rewritten to ``Credentials.api_url`` when set."""

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
