"""The soak scenario (``tests/reliability/soak.py``) with its time limits: key wait and stalls.

Run with the other benchmarks: ``uv run pytest tests/benchmarks -m benchmark_suite``. Writes
``.results/soak.md`` and the README's soak rows to ``.results/readme/soak.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.conftest import ThreadedSimulator, threaded_sim_factory  # noqa: F401
from tests.reliability.soak import run_soak
from tests.results import write_result


@pytest.mark.benchmark_suite
@pytest.mark.timeout(240)
async def test_soak_time_limits(
    tmp_env: Path,
    threaded_sim_factory: Callable[..., ThreadedSimulator],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = await run_soak(threaded_sim_factory, monkeypatch)
    write_result("soak.md", run.text)
    write_result("readme/soak.md", run.readme)
    print("\n" + run.text)
    run.check_behaviour()
    run.check_time_limits()
