"""The soak's settings and its weather: the phases of faults the simulator goes through.

Split from ``soak.py``: the console's poll interval and request timeout, how often keys and
actions come, the key-wait limit the benchmark holds, and the phases (clean, mixed faults, slow
answers, two bursts of 429, a full outage, clean again) with the task that plays them on the
simulator's thread, noting when each began.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial

from tests.reliability.conftest import ThreadedSimulator
from tests.reliability.soak_ledger import Ledger
from tui.sim import EmbeddedSimulator

SIZE = (150, 40)
POLL_INTERVAL_S = 0.5
REQUEST_TIMEOUT_S = 2.0
KEY_EVERY_S = 0.05
ACTION_EVERY_S = 2.5
KEY_GAP_LIMIT_S = 0.100

MIXED = "latency=600ms,jitter=1600ms,error_rate=0.15,drop=0.08"
"""Delays uniform in [0, 2.2] s: ~6% answer after the 2 s timeout; 15% 5xx; 8% dropped."""
RATE_LIMITED = "rate_limit=0.9,retry_after=2"
OUTAGE_S = 6.0
FRESH_WITHIN_S = 60.0
"""How long the run waits for fresh data after the outage: a loaded machine may time out some
passes; how soon it came on a quiet one is a time limit (``check_time_limits``)."""

PHASES: tuple[tuple[str, str, float], ...] = (
    ("clean", "", 3.0),
    ("mixed faults", MIXED, 14.0),
    ("slow answers", "latency=1500ms", 6.0),
    ("429 burst 1", RATE_LIMITED, 3.0),
    ("between bursts", "", 2.0),
    ("429 burst 2", RATE_LIMITED, 3.0),
    ("between bursts", "", 2.0),
    ("outage", f"outage={OUTAGE_S:g}s@0s", OUTAGE_S),
    ("clean after outage", "", 10.0),
)


def _set_faults(sim: EmbeddedSimulator, spec: str) -> float:
    sim.faults.set(spec)
    return time.monotonic()


async def _run_phases(handle: ThreadedSimulator, ledger: Ledger) -> None:
    sim = handle.sim
    assert sim is not None
    for name, spec, seconds in PHASES:
        started = await handle.acall(partial(_set_faults, sim, spec))
        ledger.phase_at.setdefault(name, started)
        if name == "outage":
            ledger.outage_end = started + OUTAGE_S
        await asyncio.sleep(seconds)
    await handle.acall(sim.faults.clear)
