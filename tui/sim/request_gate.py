"""The simulator's gate: what every HTTP request goes through before and after its handler.

Split from :mod:`tui.sim.server`: :class:`RequestGate` is the aiohttp middleware that admits an
API request past the fault injector (concurrency refusals, drops, injected errors and 429s),
checks HTTP basic auth (the account's SID + token, or the API key), catches the engine up, turns
every failure into Twilio's JSON error body, stamps Twilio's ``Twilio-Request-*`` headers and
notes the request in the log tests and ``/_sim/stats`` read. Admin routes pass the same
authentication but never the faults.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web
from multidict import MultiMapping

from tui.sim import api_errors
from tui.sim.api_errors import ApiError
from tui.sim.engine import CallEngine
from tui.sim.faults import DROP, FaultInjector
from tui.sim.serialize import API_VERSION, dumps

log = logging.getLogger("tui.sim.server")
"""The server's logger, so messages keep the name they had before this split."""

JSON_TYPE: Final = "application/json"
AUTH_BY_TOKEN: Final = web.RequestKey("auth_by_token", bool)
MAX_REQUEST_LOG: Final = 200_000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class RequestRecord:
    """One request the simulator answered (or dropped: ``status`` 0)."""

    method: str
    path: str
    params: dict[str, str]
    status: int
    at: float
    duration_ms: float
    fault: str | None = None
    error_code: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    auth: str = ""
    """Whose credentials passed: ``token`` (Account SID + auth token), ``api_key``, or ``""``, so
    tests can tell two clients of one account apart (e.g. a hub on a key, consoles on the token)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    account_sid: str
    auth_token: str
    api_key_sid: str
    api_key_secret: str


def first_values(data: MultiMapping[Any]) -> dict[str, str]:
    single: dict[str, str] = {}
    for key, value in data.items():
        if key not in single and isinstance(value, str):
            single[key] = value
    return single


def json_response(payload: bytes, status: int = 200) -> web.Response:
    return web.Response(body=payload, status=status, content_type=JSON_TYPE, charset="utf-8")


class RequestGate:
    """The middleware of one simulated account: faults, auth, errors, headers, request log."""

    def __init__(
        self,
        *,
        engine: CallEngine,
        faults: FaultInjector,
        credentials: Credentials,
        request_log: list[RequestRecord],
    ) -> None:
        self.engine = engine
        self.faults = faults
        self.credentials = credentials
        self.request_log = request_log
        self._id_rng_counter = 0

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        at = self.engine.now()
        is_api = request.path.startswith(f"/{API_VERSION}/")
        params = first_values(request.query)
        if request.method == "POST" and request.can_read_body:
            params.update(first_values(await request.post()))
        fault: str | None = None
        admitted = False
        response: web.StreamResponse
        try:
            if is_api:
                refusal = self.faults.enter()
                if refusal is not None:
                    fault = "concurrency"
                    raise refusal
                admitted = True
                outcome = await self.faults.before()
                if outcome == DROP:
                    fault = "drop"
                    self._record(request, params, 0, at, started, fault, None)
                    if request.transport is not None:
                        request.transport.abort()
                    return web.Response(status=500)
                if isinstance(outcome, ApiError):
                    fault = "error" if outcome.status != 429 else "rate_limit"
                    raise outcome
            self._authenticate(request)
            if is_api:
                self.engine.catch_up()
            response = await handler(request)
        except ApiError as exc:
            response = self._error_response(exc)
        except web.HTTPException as exc:
            response = self._error_response(self._translate(request, exc))
        except Exception:
            log.exception("simulator request failed: %s %s", request.method, request.path)
            response = self._error_response(api_errors.internal_error())
        finally:
            concurrent = self.faults.in_flight
            if admitted:
                self.faults.leave()
        elapsed = time.perf_counter() - started
        response.headers["Twilio-Request-Id"] = self._request_id()
        response.headers["Twilio-Request-Duration"] = f"{elapsed:.3f}"
        response.headers["Twilio-Concurrent-Requests"] = str(max(1, concurrent))
        code = getattr(response, "_sim_error_code", None)
        self._record(request, params, response.status, at, started, fault, code)
        return response

    def _request_id(self) -> str:
        self._id_rng_counter += 1
        return f"RQ{self._id_rng_counter:032x}"

    def _record(
        self,
        request: web.Request,
        params: dict[str, str],
        status: int,
        at: float,
        started: float,
        fault: str | None,
        code: int | None,
    ) -> None:
        self.request_log.append(
            RequestRecord(
                method=request.method,
                path=request.path,
                params=params,
                status=status,
                at=at,
                duration_ms=(time.perf_counter() - started) * 1000,
                fault=fault,
                error_code=code,
                auth=_auth_of(request),
            )
        )
        if len(self.request_log) > MAX_REQUEST_LOG:
            del self.request_log[: MAX_REQUEST_LOG // 2]

    def _error_response(self, error: ApiError) -> web.Response:
        response = json_response(dumps(error.body()), status=error.status)
        for name, value in error.headers.items():
            response.headers[name] = value
        response._sim_error_code = error.code  # type: ignore[attr-defined]
        return response

    def _translate(self, request: web.Request, exc: web.HTTPException) -> ApiError:
        if exc.status == 404:
            return api_errors.not_found(request.path)
        if exc.status == 405:
            return api_errors.method_not_allowed(request.method)
        if exc.status == 413:
            return api_errors.invalid_parameter("Request body too large")
        return ApiError(exc.status, exc.status, exc.reason)

    def _authenticate(self, request: web.Request) -> None:
        """Accept the account's SID + token or the API key; the path's account must be ours."""
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise api_errors.authenticate()
        try:
            user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise api_errors.authenticate() from None
        creds = self.credentials
        by_token = hmac.compare_digest(user, creds.account_sid) and hmac.compare_digest(
            password, creds.auth_token
        )
        by_key = hmac.compare_digest(user, creds.api_key_sid) and hmac.compare_digest(
            password, creds.api_key_secret
        )
        if not (by_token or by_key):
            raise api_errors.authenticate()
        request[AUTH_BY_TOKEN] = by_token
        account = request.match_info.get("account")
        if account is not None and account != creds.account_sid:
            raise api_errors.authenticate()


def _auth_of(request: web.Request) -> str:
    by_token = request.get(AUTH_BY_TOKEN)
    return "" if by_token is None else "token" if by_token else "api_key"
