"""What can go wrong talking to Twilio, as exceptions whose message is one plain sentence.

Split from :mod:`tui.core.twilio_client` (which re-exports every name here) so the error types
and the reading of Twilio's error bodies and ``Retry-After`` headers are one small module the
poller, the action service and the floor can depend on without the HTTP machinery.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Final

from tui.core.errors import CallboardError

_MAX_REASON_CHARS: Final = 160


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
