"""Fit a header line to the terminal: drop the least important parts first, never wrap.

A part is ``(priority, text)``: priority 0 is never dropped (LIVE/STALE, READ-ONLY, the name),
higher numbers go first. What is left is cut with an ellipsis if it still does not fit.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

Part = tuple[int, Text]


def fit_parts(parts: Sequence[Part], width: int) -> Text:
    """Join ``parts`` in order, leaving out high-priority-number parts until it fits ``width``."""
    kept = list(parts)
    while kept and sum(text.cell_len for _, text in kept) > width:
        worst = max(priority for priority, _ in kept)
        if worst == 0:
            break
        index = max(i for i, (priority, _) in enumerate(kept) if priority == worst)
        del kept[index]
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for _, text in kept:
        line.append_text(text)
    if line.cell_len > width:
        line.truncate(max(0, width), overflow="ellipsis")
    return line


def styled(text: str, style: object = None) -> Text:
    return Text(text, style=style or "", no_wrap=True, end="")  # type: ignore[arg-type]
