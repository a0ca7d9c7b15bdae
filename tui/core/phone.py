"""Whether a phone number can be dialled, checked with ``phonenumbers`` (Google's libphonenumber).

E.164's shape (``+`` and up to 15 digits) lets ``+12`` and ``+1415555010`` through; Twilio would
accept the TwiML and the caller would hear a failed dial. So a number must also be a valid
number of its country by libphonenumber's metadata: the right length, a range that exists.
"""

from __future__ import annotations

from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

_REASONS: Final = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_COUNTRY_CODE: "no country has that code",
    ValidationResult.INVALID_LENGTH: "the wrong length for its country",
}


def phone_problem(number: str) -> str | None:
    """Why ``number`` (already E.164-shaped) cannot be dialled, or ``None`` when it can."""
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return "not a phone number"
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return _REASONS.get(reason, "not a possible number")
    if not phonenumbers.is_valid_number(parsed):
        return "not in any range its country uses"
    return None
