"""Soak: the whole console, a live simulator and a minute of bad weather.

One run of the real app (Pilot) against a real-clock simulator with ~300 live calls and traffic,
on its own thread so its work is not charged to the console. Phases: clean, mixed faults (about
30% of requests fail: 500/503, dropped connections, latency with jitter and some answers slower
than the request timeout), bursts of 429 with ``Retry-After``, a full outage, clean again.

Throughout, the test presses ``down``/``up`` every ~50 ms and measures how long each key waits
before the table handles it, and how late a 10 ms timer on the console's loop fires (the longest
time the UI could not have handled a key). Every few seconds it hangs up a call (``h``, ``y``) or
injects TwiML (``t``, ``ctrl+s``), sometimes pressing the hang-up twice in a row, and afterwards
checks three ledgers against each other: what the supervisor confirmed, what the simulator
received and applied, and the audit log.

This module is the scenario and its figures. ``test_soak.py`` (default suite) runs it and checks
what a supervisor relies on: nothing sent twice, every outcome shown and audited, stale marking,
``Retry-After`` honoured, recovery. ``tests/benchmarks/bench_soak.py`` runs the same scenario and
also holds the absolute time limits (key wait, event-loop stalls), which a loaded machine cannot
promise. Both write the figures to ``.results/soak.md`` and print them.

Here is the run itself; its parts have modules of their own: the settings and phases
(``soak_scenario.py``), the ledger and the instrumented app (``soak_ledger.py``), the
supervisor's actions (``soak_supervisor.py``) and the figures and checks (``soak_figures.py``).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.reliability.conftest import ThreadedSimulator
from tests.reliability.soak_figures import SoakRun, summarise
from tests.reliability.soak_ledger import (
    Ledger,
    SoakApp,
    _instrument_keys,
    _measure_loop_lag,
    _patch_list_concurrency,
)
from tests.reliability.soak_scenario import (
    ACTION_EVERY_S,
    FRESH_WITHIN_S,
    KEY_EVERY_S,
    POLL_INTERVAL_S,
    REQUEST_TIMEOUT_S,
    SIZE,
    _run_phases,
)
from tests.reliability.soak_supervisor import _act, _refused_in_flight, _result_toasts
from tests.ui.conftest import credentials_for, wait_until
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path, load_settings
from tui.core.models import PollSucceeded
from tui.core.session import backend_factory

__all__ = ["SoakRun", "run_soak"]


async def run_soak(
    threaded_sim_factory: Callable[..., ThreadedSimulator],
    monkeypatch: pytest.MonkeyPatch,
) -> SoakRun:
    """Run the whole scenario once (about 50 s); needs ``tmp_env`` in force."""
    handle = threaded_sim_factory(seed=2024, live_calls=300, traffic=True)
    sim = handle.sim
    assert sim is not None
    ledger = Ledger()
    _patch_list_concurrency(monkeypatch, ledger)
    settings = replace(
        load_settings(), poll_interval_s=POLL_INTERVAL_S, request_timeout_s=REQUEST_TIMEOUT_S
    )
    factory = backend_factory(credentials_for(sim), settings)
    app = SoakApp(ledger, factory, settings, mode_label="SOAK")
    soak_started = time.monotonic()
    gc_pauses: list[tuple[float, float, int]] = []
    gc_started: list[float] = [0.0]

    def gc_watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            took = time.perf_counter() - gc_started[0]
            if took > 0.01:
                gc_pauses.append((time.monotonic(), took, info["generation"]))

    gc.callbacks.append(gc_watch)

    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.total_count > 100, "the first poll", 15)
        mark_key = _instrument_keys(app, ledger)
        stop = asyncio.Event()
        lag_task = asyncio.create_task(_measure_loop_lag(ledger, stop))
        phases = asyncio.create_task(_run_phases(handle, ledger))
        acted: set[str] = set()
        next_action = time.monotonic() + 1.0
        direction = ("down", "up")
        turn = 0
        while not phases.done():
            phase = max(ledger.phase_at, key=ledger.phase_at.__getitem__, default="clean")
            quiet = phase in ("outage", "clean after outage")  # poll_now would mask recovery
            if time.monotonic() >= next_action and not quiet:
                double = phase == "slow answers" and not _refused_in_flight(app)
                await _act(pilot, app, ledger, acted, turn, double=double)
                turn += 1
                next_action = time.monotonic() + ACTION_EVERY_S
            elif phase == "slow answers" and not _refused_in_flight(app):
                next_action = 0.0
            mark_key()
            await pilot.press(direction[len(ledger.key_latency) % 2])
            await asyncio.sleep(KEY_EVERY_S)
        await phases
        # The backoff may still be waiting out a retry (at most one interval): wait for it.
        await wait_until(
            pilot,
            lambda: any(
                isinstance(p.event, PollSucceeded) and p.at > (ledger.outage_end or 0)
                for p in ledger.polls
            ),
            "fresh data after the outage",
            FRESH_WITHIN_S,
        )
        # Every confirmed action reports exactly once (one toast per confirmation).
        await wait_until(
            pilot,
            lambda: len(_result_toasts(app)) >= len(ledger.confirmed),
            "every action's outcome",
            3 * REQUEST_TIMEOUT_S + 30,
        )
        stop.set()
        await lag_task
        poller = app.main_screen.backend.poller  # type: ignore[union-attr]
        fresh_at = time.monotonic()
        await wait_until(
            pilot, lambda: poller.interval_s == POLL_INTERVAL_S, "the interval to recover", 40
        )
        speed_up_s = time.monotonic() - fresh_at
        final_interval = poller.interval_s
        toasts = _result_toasts(app)
    # Requests the console gave up on may still be sleeping in the simulator: let them finish.
    for _ in range(100):
        if not await handle.acall(lambda: sim.faults.in_flight):
            break
        await asyncio.sleep(0.1)
    soak_s = time.monotonic() - soak_started
    gc.callbacks.remove(gc_watch)

    requests = handle.requests()
    audit = read_audit_log(audit_log_path())
    return summarise(
        ledger,
        requests,
        audit,
        toasts,
        gc_pauses,
        soak_s=soak_s,
        speed_up_s=speed_up_s,
        final_interval=final_interval,
    )
