"""What ``callboard calls`` exits with, and how an action's outcome counts towards it.

Split from :mod:`tui.cli_calls`: the codes are part of the interface (the README lists them and
scripts branch on them), so they live in one place, with the one reading of an
:class:`~tui.core.models.ActionResult` into a code and the rule for several calls (``PARTIAL``
when they differ).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from tui.core.actions import NOT_SENT_MESSAGE
from tui.core.models import ActionResult, Outcome


class Exit(IntEnum):
    """What ``callboard calls`` exits with."""

    OK = 0
    """Everything asked for was done (listed, shown, applied to every call)."""
    USAGE = 2
    """Bad arguments or input (SID, TwiML, URL, method), or --yes missing: nothing was sent."""
    CONFIG = 3
    """config.toml, the profile or the credentials are unusable (or Twilio refused them)."""
    NOT_FOUND = 4
    """No such call in this account."""
    REFUSED = 5
    """Refused, nothing changed: read-only, the call has ended, Twilio said no, not confirmed."""
    TWILIO = 6
    """Twilio could not be asked or failed to answer a lookup: nothing was sent."""
    UNKNOWN = 7
    """No clear answer to an action (timeout, dropped, 5xx): it may have been applied."""
    PARTIAL = 8
    """Several calls, different outcomes: see each call's line (or its JSON object)."""


class _Stop(Exception):
    def __init__(self, code: Exit, message: str) -> None:
        super().__init__(message)
        self.code = code


def _exit_for(result: ActionResult) -> Exit:
    """How one action's outcome counts, read from the result the action service returned."""
    if result.outcome is Outcome.APPLIED:
        return Exit.OK
    if result.outcome is Outcome.REFUSED:
        if result.code == 20404:
            return Exit.NOT_FOUND
        if result.message == NOT_SENT_MESSAGE:
            return Exit.TWILIO
        return Exit.REFUSED
    return Exit.UNKNOWN  # UNKNOWN, or any outcome this version does not know: check the call


def _overall(codes: Sequence[Exit]) -> Exit:
    distinct = set(codes)
    if len(distinct) == 1:
        return codes[0]
    return Exit.PARTIAL
