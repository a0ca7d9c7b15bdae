"""The end-to-end benchmark's sizes, rhythm and targets: one place for every part and for the
report."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 50)
SIZES = (1_000, 10_000, 50_000)
REFRESHES = {1_000: 6, 10_000: 6, 50_000: 3}
ADVANCE_S = 1.0
"""Simulated seconds between refreshes: ~1% of the calls end, start or change."""
KEY_PRESSES = 5
CHURN_ADVANCE_S = 600.0
"""Simulated seconds per refresh while every call of start-up is replaced (see the GC figure)."""
CHURN_REFRESHES = 12
SCRIPT_RUNS = 5
IDLE_S = 20.0
IDLE_CALLS = 900

TARGETS = {
    "max_block_ms": 16.0,
    "first_paint_ms": 100.0,
    "cpu_ratio": 2.0,
    "key_ms": 20.0,
    "rss_mb": 150.0,
    "idle_cpu_pct": 3.0,
    "late_gc_ms": 10.0,
}
