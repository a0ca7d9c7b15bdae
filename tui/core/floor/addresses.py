"""Who Callboard may dial into a room: a phone number, a SIP address or a ``client:`` identity.

A terminal carries no audio, so listening in means Twilio calls the supervisor's own device, and
a warm transfer means it calls a third party. Twilio's ``To`` for a participant takes exactly
these three forms; anything else would fail after a round trip with a less helpful error, so it
is refused here with a sentence (that names the form, never echoes a long value back).
"""

from __future__ import annotations

import re
from typing import Final

from tui.core.errors import ValidationError
from tui.core.sids import is_e164

SIP_RE: Final = re.compile(r"sip:[A-Za-z0-9._~%!$&'()*+,;=:-]+@[A-Za-z0-9.-]+(?::\d{1,5})?")
"""``sip:user@host[:port]``; parameters after ``;`` are allowed in the user part as Twilio does."""

CLIENT_RE: Final = re.compile(r"client:[A-Za-z0-9_.@-]{1,121}")
"""``client:identity``: Twilio Client identities are alphanumerics and ``_ . @ -``."""

ADDRESS_HELP: Final = (
    "a phone number in E.164 form (+14155550100), a SIP address (sip:ana@example.sip.twilio.com) "
    "or a Twilio Client identity (client:ana)"
)


def address_kind(text: str) -> str | None:
    """``phone``, ``sip`` or ``client`` for a valid address, else ``None``."""
    if is_e164(text):
        return "phone"
    if SIP_RE.fullmatch(text):
        return "sip"
    if CLIENT_RE.fullmatch(text):
        return "client"
    return None


def validate_address(text: object, *, what: str = "the number to dial") -> str:
    """Return the address (surrounding whitespace removed) or raise :class:`ValidationError`."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} is required: {ADDRESS_HELP}.")
    if address_kind(value) is None:
        raise ValidationError(f"{what[:1].upper()}{what[1:]} must be {ADDRESS_HELP}.")
    return value


def validate_caller_id(text: object) -> str:
    """A caller ID Twilio accepts for ``From``: an E.164 number or a ``client:`` identity."""
    value = text.strip() if isinstance(text, str) else ""
    if is_e164(value) or CLIENT_RE.fullmatch(value):
        return value
    raise ValidationError(
        "The caller ID must be one of your Twilio numbers (or a verified caller ID) in E.164 form, "
        "such as +14155550100, or a client: identity."
    )


_RESOURCE_SID_RE: Final = re.compile(r"[A-Z]{2}[0-9a-f]{32}")


def validate_resource_sid(value: object, prefix: str, what: str) -> str:
    """A Conference (``CF``), Queue (``QU``) or Recording (``RE``) SID, or a sentence why not."""
    text = value.strip() if isinstance(value, str) else ""
    if text.startswith(prefix) and _RESOURCE_SID_RE.fullmatch(text):
        return text
    raise ValidationError(f"That is not a {what} SID ('{prefix}' and 32 lowercase hex digits).")
