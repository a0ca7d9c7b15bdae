"""``[thresholds]``: when a waiting call or a long call is highlighted in the table.

    [thresholds]
    long_wait = 60     # seconds a queued or ringing call may wait before it is highlighted
    long_call = 900    # seconds an answered call may last before it is highlighted

Kept out of ``config.py`` (one section, one module); ``config.py`` calls :func:`load_thresholds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tui.core.config_reader import _Config

THRESHOLD_KEYS: Final = ("long_wait", "long_call")
THRESHOLD_RANGE: Final = (1.0, 86_400.0)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Seconds after which a call is highlighted: waiting (queued/ringing) or answered."""

    long_wait_s: float = 60.0
    long_call_s: float = 900.0

    def level(self, status: str, seconds: float | None) -> str | None:
        """``"long-wait"``, ``"long-call"`` or ``None`` for a call in ``status`` for ``seconds``."""
        if seconds is None:
            return None
        if status in ("queued", "ringing"):
            return "long-wait" if seconds >= self.long_wait_s else None
        if status == "in-progress":
            return "long-call" if seconds >= self.long_call_s else None
        return None


def load_thresholds(config: _Config, value: object) -> Thresholds:
    """Validate the ``[thresholds]`` table; a missing key keeps its default."""
    path = ("thresholds",)
    table: Mapping[str, object] = config.table(value, path, THRESHOLD_KEYS)
    wait = config.seconds(table, "long_wait", path, THRESHOLD_RANGE)
    call = config.seconds(table, "long_call", path, THRESHOLD_RANGE)
    defaults = Thresholds()
    return Thresholds(
        long_wait_s=defaults.long_wait_s if wait is None else wait,
        long_call_s=defaults.long_call_s if call is None else call,
    )
