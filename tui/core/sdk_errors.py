"""Reading a twilio SDK exception: its HTTP status, Twilio's error code and Twilio's own words.

Both action services (calls in :mod:`tui.core.actions`, the floor in :mod:`tui.core.floor`) turn
SDK errors into sentences for the supervisor; they read the exception the same way, here.
"""

from __future__ import annotations

from typing import Final

from twilio.base.exceptions import TwilioException

from tui.core.twilio_client import clean_message

_SDK_PREFIXES: Final = (
    "Unable to update record:",
    "Unable to create record:",
    "Unable to update record",
    "Unable to delete",
)


def int_attr(exc: object, name: str) -> int | None:
    """``exc.<name>`` as an int when the SDK gave one (as an int or a string of digits)."""
    value = getattr(exc, name, None)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def twilio_message(exc: TwilioException) -> str:
    """Twilio's own words, without the SDK's "Unable to update record:" prefix, made safe."""
    raw = getattr(exc, "msg", None) or getattr(exc, "detail", None) or getattr(exc, "title", None)
    if not isinstance(raw, str):
        return ""
    for prefix in _SDK_PREFIXES:
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    return clean_message(raw.strip())
