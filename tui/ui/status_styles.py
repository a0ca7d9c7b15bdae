"""The one place that turns a status (from Twilio: untrusted) into a style name.

A status is data: ``on.hold``, ``wrapping.up`` or ``écoute`` must never become part of a CSS
class, a widget id or a component-class name (Textual rejects or misparses them, and a crafted
one could select another widget's rules). Only statuses from the fixed sets below get a style of
their own; anything else gets ``other``. The ``.tcss`` files define one rule per name here.
"""

from __future__ import annotations

from typing import Final

CALL_STATUSES: Final = frozenset(
    ("queued", "ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled")
)
"""Call statuses the Calls API documents."""

OUTCOMES: Final = frozenset(("applied", "refused", "unknown"))
"""Action outcomes (``tui.core.models.Outcome`` values) as written to the audit log."""

OTHER: Final = "other"


def status_name(status: object) -> str:
    """The style name of a call status: the status itself when known, else ``other``."""
    return status if isinstance(status, str) and status in CALL_STATUSES else OTHER


def status_class(status: object) -> str:
    """The CSS class for a call status, e.g. ``status-in-progress`` or ``status-other``."""
    return f"status-{status_name(status)}"


def outcome_class(outcome: object) -> str:
    """The CSS class for an audit outcome, e.g. ``outcome-applied`` or ``outcome-other``."""
    name = outcome if isinstance(outcome, str) and outcome in OUTCOMES else OTHER
    return f"outcome-{name}"


STATUS_CLASSES: Final = frozenset(status_class(status) for status in (*CALL_STATUSES, OTHER))
"""Every name :func:`status_class` can return (for a widget's ``COMPONENT_CLASSES``)."""

OUTCOME_CLASSES: Final = frozenset(outcome_class(outcome) for outcome in (*OUTCOMES, OTHER))
"""Every name :func:`outcome_class` can return (for a widget's ``COMPONENT_CLASSES``)."""
