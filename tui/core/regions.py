"""The Twilio regions and edge locations Callboard accepts (Twilio's Global Infrastructure docs).

A typo such as ``region = "mars"`` would otherwise send every poll to a host that does not
exist; it is refused with the list of valid names instead.
"""

from __future__ import annotations

from typing import Final

REGIONS: Final = ("us1", "us2", "ie1", "au1", "br1", "de1", "jp1", "jp2", "sg1")
"""Processing regions (``api.<edge>.<region>.twilio.com``)."""

EDGES: Final = (
    "ashburn", "umatilla", "dublin", "sydney", "sao-paulo", "frankfurt", "tokyo", "osaka",
    "singapore", "roaming",
)  # fmt: skip
"""Edge locations; ``roaming`` is Twilio's global low-latency routing."""


def unknown_place(kind: str, value: str) -> str | None:
    """A sentence when ``value`` is not a Twilio region (``kind="region"``) or edge, else None."""
    known = REGIONS if kind == "region" else EDGES
    if value in known:
        return None
    return f"{kind} {value!r} is not a Twilio {kind}; use one of {', '.join(known)}"
