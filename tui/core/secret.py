"""A string that refuses to show itself.

Auth tokens and API secrets travel through the program as :class:`Secret` so that ``repr()``,
``str()``, f-strings, logging and tracebacks print a mask. Only the one place that hands the value
to the twilio SDK calls :meth:`Secret.reveal`.
"""

from __future__ import annotations

from typing import Final

MASK: Final = "********"


class Secret:
    """An opaque secret value. Compares by value; never prints it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The raw value, for the SDK's credentials and nothing else."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")
