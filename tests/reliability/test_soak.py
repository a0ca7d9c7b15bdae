"""Soak: the whole console for about 50 s of bad weather (scenario in ``soak.py``).

The default suite checks behaviour only (nothing sent twice, every outcome shown and audited,
stale marking, rate limits honoured, recovery); the time limits are in
``tests/benchmarks/bench_soak.py``. Figures go to ``.results/soak.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.conftest import ThreadedSimulator
from tests.reliability.soak import run_soak
from tests.results import write_result


@pytest.mark.timeout(240)
async def test_soak_under_faults(
    tmp_env: Path,
    threaded_sim_factory: Callable[..., ThreadedSimulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = await run_soak(threaded_sim_factory, monkeypatch)
    write_result("soak.md", run.text)
    print("\n" + run.text)
    run.check_behaviour()
