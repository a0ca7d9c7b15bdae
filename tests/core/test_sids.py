"""Shape checks for SIDs and phone numbers: what a supervisor pasting them would see."""

from __future__ import annotations

import pytest

from tui.core.errors import SidError, ValidationError
from tui.core.sids import (
    is_api_key_sid,
    is_call_sid,
    validate_account_sid,
    validate_call_sid,
    validate_e164,
)

CALL_SID = "CA" + "0123456789abcdef" * 2


def test_a_call_sid_is_accepted_and_trimmed() -> None:
    assert validate_call_sid(f"  {CALL_SID}\n") == CALL_SID
    assert is_call_sid(CALL_SID)


@pytest.mark.parametrize(
    "text",
    ["", "CA123", "ca" + "0" * 32, "CA" + "0" * 31 + "G", "CA" + "A" * 32, "AC" + "0" * 32],
)
def test_a_malformed_call_sid_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(SidError, match="Call SID"):
        validate_call_sid(text)
    assert not is_call_sid(text)


def test_account_and_api_key_sids() -> None:
    assert validate_account_sid("AC" + "f" * 32) == "AC" + "f" * 32
    with pytest.raises(SidError, match="Account SID"):
        validate_account_sid("SK" + "f" * 32)
    assert is_api_key_sid("SK" + "0" * 32)
    assert not is_api_key_sid("SK" + "0" * 31)
    assert not is_api_key_sid(None)


@pytest.mark.parametrize(
    "number", ["+14155550100", "+447911123456", "+33612345678", "+15005550006", "+8613800138000"]
)
def test_e164_numbers_are_accepted(number: str) -> None:
    assert validate_e164(number) == number


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+12", "not a phone number"),
        ("+1415555010", "too short"),
        ("+123456789012345", "too long"),
        ("+14155550100123", "too long"),
        ("+15551234567", "not in any range"),
        ("+447700900123", "not in any range"),  # Ofcom's numbers for drama: never dialled
    ],
)
def test_e164_shaped_numbers_that_cannot_be_dialled_are_refused(number: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=f"cannot be dialled: it is {reason}"):
        validate_e164(number)


@pytest.mark.parametrize(
    "number",
    ["", "14155550100", "+0123456", "+1", "+1234567890123456", "+1 415 555 0100", "+1-415"],
)
def test_non_e164_numbers_are_refused(number: str) -> None:
    with pytest.raises(ValidationError, match=r"E\.164|required"):
        validate_e164(number)
