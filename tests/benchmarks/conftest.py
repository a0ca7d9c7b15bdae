"""Everything under ``tests/benchmarks`` is a benchmark: marked ``benchmark_suite`` here, so the
default run (``-m 'not benchmark_suite'`` in pyproject) never runs one, even if its own marker is
forgotten. Run them with ``uv run pytest tests/benchmarks -m benchmark_suite``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.benchmark_suite)
