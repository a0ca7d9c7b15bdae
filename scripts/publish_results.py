"""Publish the figures of the last benchmark run: ``.results/`` → README and the tracked copies.

Run after ``uv run pytest tests/benchmarks -m benchmark_suite``::

    uv run python scripts/publish_results.py

Tests and benchmarks only ever write ``.results/`` (ignored by git). This script is the one step
that changes tracked files: each ``.results/readme/NAME.md`` replaces the README's lines between
``<!-- results:NAME -->`` and ``<!-- /results:NAME -->``, and the detailed reports are copied to
where the README links them. A README block whose file is missing is left as it is (and named).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / ".results"
README = ROOT / "README.md"
COPIES = {
    "end_to_end.md": ROOT / "tests/benchmarks/results/end_to_end.md",
    "table.md": ROOT / "tests/benchmarks/results/table.md",
    "soak.md": ROOT / "tests/reliability/results/soak.md",
}
BLOCK = re.compile(
    r"(<!-- results:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /results:(?P=name) -->)", re.S
)


def splice(readme: str, results: Path) -> tuple[str, list[str], list[str]]:
    """``readme`` with every block replaced from ``results/readme``; (text, done, missing)."""
    done: list[str] = []
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        source = results / "readme" / f"{name}.md"
        if not source.exists():
            missing.append(name)
            return match[0]
        done.append(name)
        body = source.read_text(encoding="utf-8")
        return match[1] + body.rstrip("\n") + "\n" + match[4]

    return BLOCK.sub(replace, readme), done, missing


def main() -> int:
    if not RESULTS.is_dir():
        print("no .results/: run `uv run pytest tests/benchmarks -m benchmark_suite` first")
        return 1
    text, done, missing = splice(README.read_text(encoding="utf-8"), RESULTS)
    README.write_text(text, encoding="utf-8")
    for name, target in COPIES.items():
        if (RESULTS / name).exists():
            shutil.copyfile(RESULTS / name, target)
            done.append(str(target.relative_to(ROOT)))
    print("published:", ", ".join(done) or "nothing")
    if missing:
        print("not measured in .results/ (left as they were):", ", ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
