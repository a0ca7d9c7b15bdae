"""Regenerate tests/reliability/results/bad_inputs.md: `uv run python scripts/bad_inputs.py`.

Runs the tests that try bad and hostile inputs with ``CALLBOARD_WRITE_BAD_INPUTS=1``, so each
rewrites its own section of the file with what the supervisor saw. The default test run never
writes the file; it only checks that every input of each test's table is listed there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = (
    "tests/reliability/test_bad_input.py",
    "tests/reliability/test_hostile_endpoint.py",
)


def main() -> int:
    env = {**os.environ, "CALLBOARD_WRITE_BAD_INPUTS": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *MODULES]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
