"""Twilio's error responses: ``{code, message, more_info, status}`` with the codes Twilio uses.

Handlers raise :class:`ApiError`; the server turns it into the JSON body and status the twilio
SDK turns into ``TwilioRestException(status, uri, msg, code)``.
"""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """An error the API answers with; ``headers`` are added to the response (e.g. Retry-After)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.detail = detail

    def body(self) -> dict[str, object]:
        """The JSON body Twilio sends for this error."""
        body: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        return body


def authenticate() -> ApiError:
    """401 / 20003: missing or wrong credentials (Twilio's message: "Authentication Error")."""
    return ApiError(
        401,
        20003,
        "Authentication Error",
        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
        detail="Your AccountSid or AuthToken was incorrect.",
    )


def not_found(path: str) -> ApiError:
    """404 / 20404: an unknown SID or path."""
    return ApiError(404, 20404, f"The requested resource {path} was not found")


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, 20004, f"Method {method} not allowed")


def not_in_progress() -> ApiError:
    """400 / 21220: the call's state does not allow this update (Twilio's own wording)."""
    return ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")


def invalid_state(message: str) -> ApiError:
    """400 / 21220 with a more specific sentence (cancel an answered call, delete a live one)."""
    return ApiError(400, 21220, message)


def invalid_url(name: str, value: str) -> ApiError:
    """400 / 21205: a URL parameter that is not an absolute http(s) URL."""
    return ApiError(400, 21205, f"{name} is not a valid URL: {value}")


def invalid_parameter(message: str, code: int = 20001) -> ApiError:
    """400 with ``code`` (20001 when Twilio has no more specific code for the parameter)."""
    return ApiError(400, code, message)


def too_many_requests(retry_after: float) -> ApiError:
    """429 / 20429 with ``Retry-After`` in whole seconds; ``retry_after`` 0 sends no header."""
    if retry_after <= 0:
        return ApiError(429, 20429, "Too Many Requests")
    seconds = max(1, round(retry_after))
    return ApiError(429, 20429, "Too Many Requests", headers={"Retry-After": str(seconds)})


def internal_error() -> ApiError:
    return ApiError(500, 20500, "Internal Server Error")


def service_unavailable() -> ApiError:
    return ApiError(503, 20503, "Service Unavailable")
