"""Shape checks for Twilio identifiers and phone numbers.

A supervisor pastes SIDs and numbers; refusing a malformed one here, with a sentence, costs nothing,
while sending it costs a round trip and a less helpful Twilio error. These checks are about shape
only: a well-formed SID may still name a call that does not exist.
"""

from __future__ import annotations

import re
from typing import Final

from tui.core.errors import SidError, ValidationError
from tui.core.phone import phone_problem

CALL_SID_RE: Final = re.compile(r"CA[0-9a-f]{32}")
"""A Call SID: ``CA`` then 32 lowercase hex digits (Twilio always emits lowercase)."""

ACCOUNT_SID_RE: Final = re.compile(r"AC[0-9a-f]{32}")
API_KEY_SID_RE: Final = re.compile(r"SK[0-9a-f]{32}")

E164_RE: Final = re.compile(r"\+[1-9][0-9]{1,14}")
"""E.164: ``+``, a country code that does not start with 0, at most 15 digits in all."""


def _shown(text: str) -> str:
    """A short, printable rendering of user input for an error message."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return repr(shown)


def is_call_sid(text: object) -> bool:
    """True when ``text`` is a string shaped like a Call SID."""
    return isinstance(text, str) and CALL_SID_RE.fullmatch(text) is not None


def validate_call_sid(text: str) -> str:
    """Return the Call SID (surrounding whitespace removed) or raise :class:`SidError`."""
    sid = text.strip() if isinstance(text, str) else text
    if is_call_sid(sid):
        return sid
    if not sid:
        raise SidError("A Call SID is required.")
    raise SidError(
        f"{_shown(str(sid))} is not a Call SID: it must be 'CA' followed by 32 lowercase "
        "hex digits (0-9, a-f)."
    )


def is_account_sid(text: object) -> bool:
    """True when ``text`` is shaped like an Account SID (``AC`` + 32 hex)."""
    return isinstance(text, str) and ACCOUNT_SID_RE.fullmatch(text) is not None


def validate_account_sid(text: str) -> str:
    """Return the Account SID or raise :class:`SidError`."""
    sid = text.strip() if isinstance(text, str) else text
    if is_account_sid(sid):
        return sid
    if not sid:
        raise SidError("An Account SID is required.")
    raise SidError(
        f"{_shown(str(sid))} is not an Account SID: it must be 'AC' followed by 32 lowercase "
        "hex digits (0-9, a-f)."
    )


def is_api_key_sid(text: object) -> bool:
    """True when ``text`` is shaped like an API key SID (``SK`` + 32 hex)."""
    return isinstance(text, str) and API_KEY_SID_RE.fullmatch(text) is not None


def is_e164(text: object) -> bool:
    """True when ``text`` is an E.164 phone number such as ``+14155550100`` that can be dialled
    (a valid number of its country, checked with ``phonenumbers``)."""
    return isinstance(text, str) and E164_RE.fullmatch(text) is not None and not phone_problem(text)


def validate_e164(text: str) -> str:
    """Return the number (whitespace around it removed) or raise :class:`ValidationError`.

    Spaces, dashes and brackets inside the number are refused rather than silently removed, so
    what is sent is exactly what the supervisor sees.
    """
    number = text.strip() if isinstance(text, str) else text
    if is_e164(number):
        return number
    if not number:
        raise ValidationError("A phone number is required.")
    if isinstance(number, str) and E164_RE.fullmatch(number):
        raise ValidationError(
            f"{_shown(number)} cannot be dialled: it is {phone_problem(number)} (checked with "
            "phonenumbers)."
        )
    raise ValidationError(
        f"{_shown(str(number))} is not an E.164 phone number: write '+', the country code and "
        "the number, digits only (for example +14155550100)."
    )
