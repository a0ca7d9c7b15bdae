# ruff: noqa: E501  (Markdown table rows read better unbroken)
"""The whole console against a simulator in another process: every target of the performance issue.

Run all benchmarks (excluded from the default test run) with one command::

    uv run pytest tests/benchmarks/bench_*.py -m benchmark_suite -s

or only this one with ``uv run pytest tests/benchmarks/bench_end_to_end.py -m benchmark_suite -s``
(about two minutes). It prints a Markdown table and writes ``.results/end_to_end.md``.

The pieces: ``sim_process`` (the simulator as a process), ``e2e_probes`` (the timers),
``e2e_console`` (the app and one measured step), ``e2e_scenarios`` (what each part runs),
``e2e_report`` (the Markdown) and ``e2e_settings`` (sizes and targets); this module runs the parts.

Set-up, and why:

* The simulator runs as ``python -m tui.sim`` in **its own process** (``--manual-clock``), so its CPU
  never counts against the console. Before each measured refresh the benchmark moves the
  simulator's clock by one second (``POST /_sim/advance``): its synthetic traffic then ends,
  starts and changes about 1% of the calls, the churn the issue asks for. The diff sizes of every
  refresh are reported.
* The console is the real app (``CallboardApp``, real poller, real SDK transport over loopback
  HTTP), headless with Pilot at 160x50. It also runs in **a fresh process of its own**
  (``python -m tests.benchmarks.bench_end_to_end``) so RSS and CPU are the console's alone, not
  those of pytest or of the other benchmarks.
* **Longest block**: every callback the event loop runs (``asyncio.events.Handle._run``, which
  carries every task step: HTTP reads, page parsing, the diff, message handlers, the compositor)
  is timed from the moment the refresh is requested (``poller.poll_now()``) until its diff is
  applied and a frame has been composed. The longest one is what a key press can wait behind.
* **First paint**: from the arrival of the last page of the first pass (the data is all there)
  to the end of the first callback that painted table rows.
* **CPU per poll**: ``time.process_time()`` from ``poll_now()`` to the end of ``apply_diff``
  (fetch + parse + diff + apply), against a bare ``json.loads`` of the very same page bytes,
  timed right after each pass in the same process.
* **Key to request**: from just before Pilot delivers the confirming key (``h`` opens the
  confirm dialog, ``y`` sends) to aiohttp's ``on_request_headers_sent`` trace for the
  ``update`` POST, i.e. the request is written to the socket. The baseline runs the Twilio
  guide's script (``tests/benchmarks/loopback_twilio.py``) once per action against the same
  simulator: from spawning it to the moment it hands its request to ``requests``.
* **Baselines for the table**: the same recorded diffs, replayed into Textual's ``DataTable``
  (diff API, and clear-and-refill) and into ``CallTable`` alone, measured identically
  (``tests/benchmarks/bench_table.py``'s ``measure``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.e2e_probes import install_probes
from tests.benchmarks.e2e_readme import readme_blocks
from tests.benchmarks.e2e_report import render
from tests.benchmarks.e2e_scenarios import idle_cpu, run_console, table_baselines
from tests.benchmarks.e2e_settings import ROOT, SIZES
from tests.benchmarks.sim_process import simulator
from tests.results import write_result

__all__ = ["ROOT", "child_env", "simulator"]

PARTS = ("idle", *(str(n) for n in SIZES), "10000-compact")
"""Each runs in a fresh console process: no size inherits another's heap, caches or frozen set."""


async def measure_part(part: str) -> dict[str, Any]:
    """``idle``, or one size: its run (and, at 10,000, the table baselines on its diffs)."""
    install_probes()
    if part == "idle":
        return {"idle": await idle_cpu()}
    n = int(part.removesuffix("-compact"))
    run = await run_console(n, compact=part.endswith("-compact"))
    initial, diffs = run.pop("initial"), run.pop("diffs")
    results: dict[str, Any] = {part: run}
    if part == "10000":
        results["baselines"] = await table_baselines(initial, diffs)
    return results


# ------------------------------------------------------------------------------ entry points


def child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CALLBOARD_CONFIG"] = str(tmp / "config.toml")
    env["CALLBOARD_LOG_DIR"] = str(tmp / "logs")
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "CALLBOARD_API_URL"):
        env.pop(name, None)
    return env


def main(argv: list[str] | None = None) -> int:
    """The console process: measure everything, write the JSON results to ``--out``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part", choices=PARTS, required=True)
    args = parser.parse_args(argv)
    results = asyncio.run(measure_part(args.part))
    args.out.write_text(json.dumps(results, default=str))
    return 0


@pytest.mark.benchmark_suite
@pytest.mark.timeout(1800)
def test_end_to_end() -> None:
    results: dict[str, Any] = {}
    for part in PARTS:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "results.json"
            command = [sys.executable, "-m", "tests.benchmarks.bench_end_to_end"]
            subprocess.run(
                [*command, "--part", part, "--out", str(out)],
                cwd=ROOT,
                env=child_env(Path(tmp)),
                check=True,
                timeout=600,
            )
            results.update(json.loads(out.read_text()))
    report, failed = render(results)
    print("\n" + report)
    write_result("end_to_end.md", report)
    for name, block in readme_blocks(report).items():
        write_result(f"readme/{name}.md", block)
    assert not failed, f"targets missed: {failed}"


if __name__ == "__main__":
    sys.exit(main())
