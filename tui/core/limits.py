"""How much one poll pass may take in, and the ``[limits]`` table of ``config.toml``.

An endpoint that answers with an endless chain of pages, or a page of many gigabytes, must not
grow the console's memory without bound nor make it send requests as fast as the loop can go.
So each pass is bounded by records, pages and bytes; past a bound the pass fails with a plain
sentence (the header says so), nothing of it is used, and the poller backs off as after any
failure. The defaults are well above a 50,000-call floor (a 1,000-call page is ~2.4 MB)::

    [limits]
    max_records = 200000      # records in one pass, over all live statuses
    max_pages = 400           # pages in one pass (400,000 calls at 1,000 a page)
    max_bytes = 536870912     # bytes of listing bodies in one pass (512 MiB)
    max_field_chars = 4096    # longer strings in a record are cut to this and marked "…"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from tui.core.errors import CallboardError

MIB: Final = 1024 * 1024
LIMIT_KEYS: Final = ("max_records", "max_pages", "max_bytes", "max_field_chars")
_RANGES: Final = {
    "max_records": (1_000, 100_000_000),
    "max_pages": (10, 1_000_000),
    "max_bytes": (1 * MIB, 64 * 1024 * MIB),
    "max_field_chars": (64, 10 * MIB),
}
CUT_MARK: Final = "…"
"""Appended to a string that was cut at :attr:`PassLimits.max_field_chars`."""


@dataclass(frozen=True, slots=True)
class PassLimits:
    """Bounds of one poll pass (see the module docstring)."""

    max_records: int = 200_000
    max_pages: int = 400
    max_bytes: int = 512 * MIB
    max_field_chars: int = 4_096


class LimitReached(CallboardError):
    """A pass went past one of its :class:`PassLimits`; ``str()`` is the header's sentence."""


def records_limit(limits: PassLimits) -> LimitReached:
    return LimitReached(
        f"Twilio listed more than {limits.max_records:,} calls in one pass (the max_records "
        "limit); the pass was dropped and polling backs off."
    )


def pages_limit(limits: PassLimits) -> LimitReached:
    return LimitReached(
        f"Twilio's listing ran past {limits.max_pages:,} pages in one pass (the max_pages "
        "limit); the pass was dropped and polling backs off."
    )


def bytes_limit(limits: PassLimits) -> LimitReached:
    return LimitReached(
        f"Twilio's listing sent more than {_size(limits.max_bytes)} in one pass (the max_bytes "
        "limit); the pass was dropped and polling backs off."
    )


def _size(count: int) -> str:
    return f"{count / MIB:,.0f} MiB" if count >= MIB else f"{count:,} bytes"


def cut_text(value: str, max_chars: int) -> str:
    """``value`` cut to ``max_chars`` characters plus :data:`CUT_MARK` when it is longer."""
    return value if len(value) <= max_chars else value[:max_chars] + CUT_MARK


def bound_record(record: object, max_chars: int, depth: int = 0) -> None:
    """Cut every string longer than ``max_chars`` in ``record`` (dicts and lists, in place)."""
    if depth > 4:
        return
    if isinstance(record, dict):
        for key, value in record.items():
            if isinstance(value, str):
                if len(value) > max_chars:
                    record[key] = value[:max_chars] + CUT_MARK
            elif isinstance(value, dict | list):
                bound_record(value, max_chars, depth + 1)
    elif isinstance(record, list):
        for index, value in enumerate(record):
            if isinstance(value, str):
                if len(value) > max_chars:
                    record[index] = value[:max_chars] + CUT_MARK
            elif isinstance(value, dict | list):
                bound_record(value, max_chars, depth + 1)


# ----------------------------------------------------------------------------------- config


class _ConfigLike(Protocol):
    """What :mod:`tui.core.config` offers a section parser (file, line and key in messages)."""

    def table(self, value: object, path: Any, allowed: tuple[str, ...]) -> dict[str, object]: ...

    def error(self, message: str, path: Any = (), line: int | None = None) -> Exception: ...


def load_limits(config: _ConfigLike, value: object) -> PassLimits:
    """The ``[limits]`` table as :class:`PassLimits`; a bad value raises the config's error."""
    table: Mapping[str, object] = config.table(value, ("limits",), LIMIT_KEYS)
    chosen: dict[str, int] = {}
    for key in LIMIT_KEYS:
        number = table.get(key)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int):
            raise config.error(
                f"{key} must be a whole number, got {_describe(number)}", ("limits", key)
            )
        low, high = _RANGES[key]
        if not low <= number <= high:
            raise config.error(
                f"{key} must be between {low:,} and {high:,}, got {number:,}", ("limits", key)
            )
        chosen[key] = number
    return PassLimits(**chosen)


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"a {type(value).__name__}"
