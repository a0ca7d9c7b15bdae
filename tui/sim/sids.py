"""Twilio-style identifiers: two letters and 32 lowercase hex digits, drawn from a seeded RNG."""

from __future__ import annotations

import random
import re
from typing import Final

CALL_SID_RE: Final = re.compile(r"^CA[0-9a-fA-F]{32}$")
ACCOUNT_SID_RE: Final = re.compile(r"^AC[0-9a-fA-F]{32}$")
APPLICATION_SID_RE: Final = re.compile(r"^AP[0-9a-fA-F]{32}$")


def new_sid(prefix: str, rng: random.Random) -> str:
    """A fresh SID such as ``CA`` + 32 hex digits; reproducible for a given RNG state."""
    return f"{prefix}{rng.getrandbits(128):032x}"


def new_secret(rng: random.Random) -> str:
    """A 32-hex-digit secret (the shape of a Twilio auth token)."""
    return f"{rng.getrandbits(128):032x}"
