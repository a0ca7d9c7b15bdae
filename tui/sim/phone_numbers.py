"""Plausible phone numbers and the geography Twilio attaches to them in webhooks.

US numbers use real area codes with the 555-01xx range avoided for callers (it reads as fake on
screen); UK numbers are London landlines or 07 mobiles. Geography is a small table, enough for
``FromCity``/``FromState`` to look right in a webhook.
"""

from __future__ import annotations

import random
from typing import Final, NamedTuple


class Geography(NamedTuple):
    city: str
    state: str
    zip: str
    country: str


US_AREAS: Final = {
    "212": Geography("NEW YORK", "NY", "10001", "US"),
    "646": Geography("NEW YORK", "NY", "10011", "US"),
    "718": Geography("BROOKLYN", "NY", "11201", "US"),
    "415": Geography("SAN FRANCISCO", "CA", "94103", "US"),
    "510": Geography("OAKLAND", "CA", "94607", "US"),
    "213": Geography("LOS ANGELES", "CA", "90012", "US"),
    "619": Geography("SAN DIEGO", "CA", "92101", "US"),
    "312": Geography("CHICAGO", "IL", "60601", "US"),
    "617": Geography("BOSTON", "MA", "02108", "US"),
    "305": Geography("MIAMI", "FL", "33128", "US"),
    "407": Geography("ORLANDO", "FL", "32801", "US"),
    "713": Geography("HOUSTON", "TX", "77002", "US"),
    "214": Geography("DALLAS", "TX", "75201", "US"),
    "512": Geography("AUSTIN", "TX", "78701", "US"),
    "206": Geography("SEATTLE", "WA", "98101", "US"),
    "303": Geography("DENVER", "CO", "80202", "US"),
    "404": Geography("ATLANTA", "GA", "30303", "US"),
    "602": Geography("PHOENIX", "AZ", "85004", "US"),
    "702": Geography("LAS VEGAS", "NV", "89101", "US"),
    "503": Geography("PORTLAND", "OR", "97204", "US"),
    "612": Geography("MINNEAPOLIS", "MN", "55401", "US"),
    "215": Geography("PHILADELPHIA", "PA", "19107", "US"),
    "202": Geography("WASHINGTON", "DC", "20001", "US"),
    "615": Geography("NASHVILLE", "TN", "37201", "US"),
}
UK_AREAS: Final = {
    "20": Geography("London", "", "", "GB"),
    "161": Geography("Manchester", "", "", "GB"),
    "121": Geography("Birmingham", "", "", "GB"),
    "131": Geography("Edinburgh", "", "", "GB"),
    "117": Geography("Bristol", "", "", "GB"),
}
_US_CODES: Final = tuple(US_AREAS)


def us_number(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(_US_CODES)
    exchange = rng.randint(201, 989)
    while exchange in (555, 911, 411, 611):
        exchange = rng.randint(201, 989)
    return f"+1{area}{exchange}{rng.randint(0, 9999):04d}"


def uk_number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return f"+447{rng.randint(400, 999)}{rng.randint(0, 999999):06d}"
    if roll < 0.85:
        return f"+4420{rng.choice('378')}{rng.randint(0, 9999999):07d}"
    area = rng.choice(("161", "121", "131", "117"))
    return f"+44{area}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"


def caller_number(rng: random.Random, uk_share: float = 0.2) -> str:
    return uk_number(rng) if rng.random() < uk_share else us_number(rng)


def geography(number: str) -> Geography:
    """Where a number is from, as Twilio's webhook parameters spell it (empty when unknown)."""
    if number.startswith("+1") and len(number) == 12:
        return US_AREAS.get(number[2:5], Geography("", "", "", "US"))
    if number.startswith("+44"):
        for prefix, geo in UK_AREAS.items():
            if number[3:].startswith(prefix):
                return geo
        return Geography("", "", "", "GB")
    return Geography("", "", "", "")


FIRST_NAMES: Final = (
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
    "THOMAS",
    "SARAH",
    "CARLOS",
    "MARIA",
    "WEI",
    "PRIYA",
    "AHMED",
    "FATIMA",
    "OLIVER",
    "AMELIA",
    "HARRY",
    "ISLA",
)
LAST_NAMES: Final = (
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "WILSON",
    "ANDERSON",
    "TAYLOR",
    "THOMAS",
    "MOORE",
    "LEE",
    "PATEL",
    "NGUYEN",
    "KHAN",
    "CHEN",
    "WALKER",
    "WRIGHT",
    "EVANS",
    "HUGHES",
    "MURPHY",
)
BUSINESSES: Final = ("WIRELESS CALLER", "ACME LOGISTICS", "CITY HOSPITAL", "NORTHWIND INC")


def caller_name(rng: random.Random) -> str:
    """A CNAM-style name: upper case, at most 15 characters, ``LAST FIRST`` or a business."""
    if rng.random() < 0.08:
        return rng.choice(BUSINESSES)[:15]
    return f"{rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)}"[:15]
