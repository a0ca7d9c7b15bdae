"""``tests/reliability/results/bad_inputs.md``: every bad or hostile input tried, and what was seen.

The file is tracked. The default test run never writes it: each module that tries inputs checks
that the file lists every input of its table (so a new case cannot be added without its row),
and the file is regenerated on purpose with ``uv run python scripts/bad_inputs.py`` (which sets
:data:`WRITE_ENV` and runs those modules). Each module owns one section, between markers, so
modules can regenerate their part independently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

PATH: Final = Path(__file__).with_name("results") / "bad_inputs.md"
WRITE_ENV: Final = "CALLBOARD_WRITE_BAD_INPUTS"
"""Set to ``1`` to (re)write this module's sections of the file from the run's observations."""

HEADER: Final = (
    "# Bad and hostile inputs tried\n\n"
    "Regenerated with `uv run python scripts/bad_inputs.py`; the default test run only checks that "
    "every input of each test's table is listed here.\n"
)


def writing() -> bool:
    return os.environ.get(WRITE_ENV, "") not in ("", "0")


def cell(text: str, limit: int = 60) -> str:
    """Markdown-safe, printable, short: control characters shown as escapes."""
    shown = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    shown = shown if len(shown) <= limit else shown[: limit - 1] + "…"
    return shown.replace("|", "\\|").replace("\n", "\\n")


def _markers(section: str) -> tuple[str, str]:
    return f"<!-- section {section} -->", f"<!-- end {section} -->"


def section_text(section: str) -> str:
    """The text of one section (empty when the file or the section is missing)."""
    if not PATH.exists():
        return ""
    begin, end = _markers(section)
    found = re.search(re.escape(begin) + "(.*?)" + re.escape(end), PATH.read_text("utf-8"), re.S)
    return found.group(1) if found else ""


def missing_cases(section: str, names: Iterable[str]) -> list[str]:
    """The case names that have no row (``| name |``) in the section."""
    text = section_text(section)
    return [name for name in names if f"| {cell(name)} |" not in text]


def write_section(
    section: str, title: str, intro: str, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> None:
    """Replace (or append) one section; only called when :func:`writing`."""
    begin, end = _markers(section)
    lines = [
        begin,
        f"## {title}\n",
        intro + "\n",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
        end,
    ]
    block = "\n".join(lines)
    text = PATH.read_text("utf-8") if PATH.exists() else HEADER
    if begin in text and end in text:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + block + text[stop:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(text, "utf-8")
