"""Turn action results into the one toast a supervisor reads.

One call gets one plain sentence; several calls get a tally plus the first problem, so a bulk
hang-up of 40 calls does not bury the screen under 40 toasts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tui.core.models import Action, ActionResult, Outcome

Severity = Literal["information", "warning", "error"]

ACTION_NAMES = {
    Action.INJECT_TWIML: "TwiML injection",
    Action.REDIRECT: "Transfer",
    Action.HANG_UP: "Hang-up",
}


@dataclass(frozen=True, slots=True)
class Toast:
    title: str
    message: str
    severity: Severity


def _short(sid: str) -> str:
    return f"{sid[:2]}…{sid[-8:]}"


def _line(result: ActionResult) -> str:
    code = f" (Twilio {result.code})" if result.code else ""
    return f"{_short(result.sid)}: {result.message}{code}"


def summarize(action: Action, results: Sequence[ActionResult]) -> Toast:
    """One toast for a batch of results; the worst outcome sets its severity."""
    name = ACTION_NAMES[action]
    applied = [r for r in results if r.outcome is Outcome.APPLIED]
    refused = [r for r in results if r.outcome is Outcome.REFUSED]
    unknown = [r for r in results if r.outcome is Outcome.UNKNOWN]
    severity: Severity = "error" if refused else "warning" if unknown else "information"
    if len(results) == 1:
        result = results[0]
        title = f"{name} {result.outcome.value}"
        return Toast(title, _line(result), severity)
    parts = [f"{len(applied)} applied"]
    if refused:
        parts.append(f"{len(refused)} refused")
    if unknown:
        parts.append(f"{len(unknown)} unknown — check those calls")
    problems = [_line(r) for r in (*refused, *unknown)][:3]
    more = len(refused) + len(unknown) - len(problems)
    lines = [", ".join(parts), *problems]
    if more > 0:
        lines.append(f"… and {more} more (see the audit log)")
    return Toast(f"{name} on {len(results)} calls", "\n".join(lines), severity)
