"""Where tests and benchmarks put the figures they measure: ``.results/`` (ignored by git).

A test run never rewrites a tracked file. The published copies (the README's tables and the
Markdown files it links to) are refreshed by an explicit step,
``uv run python scripts/publish_results.py``, after
``uv run pytest tests/benchmarks -m benchmark_suite``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(os.environ.get("CALLBOARD_RESULTS_DIR") or ROOT / ".results")
"""``.results/`` at the repository root, or ``$CALLBOARD_RESULTS_DIR``."""


def write_result(name: str, text: str) -> Path:
    """Write ``text`` to ``.results/<name>`` (folders made as needed) and return the path."""
    path = RESULTS_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
