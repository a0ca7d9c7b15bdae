"""The real console against the simulator process, and the measured steps a part is made of:
one refresh, one key press to its request, and the Twilio guide's script per action.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tests.benchmarks.e2e_probes import PROBE
from tests.benchmarks.e2e_settings import ROOT
from tests.benchmarks.sim_process import SimProcess


def make_app(sim: SimProcess, interval_s: float = 2.0) -> Any:
    from tui.core.config import load_settings
    from tui.core.credentials import Credentials
    from tui.core.models import PollEvent
    from tui.core.secret import Secret
    from tui.core.session import backend_factory
    from tui.ui.app import CallboardApp

    class BenchApp(CallboardApp):
        """The real app; remembers each poll event and when it was emitted."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.events: list[tuple[float, PollEvent]] = []

        def _on_poll_event(self, event: PollEvent) -> None:
            self.events.append((time.perf_counter(), event))
            super()._on_poll_event(event)

    settings = replace(load_settings(), poll_interval_s=interval_s)
    credentials = Credentials(
        account_sid=sim.account_sid,
        username=sim.account_sid,
        password=Secret(sim.auth_token),
        api_url=sim.base_url,
        source="benchmark simulator",
    )
    return BenchApp(backend_factory(credentials, settings), settings, mode_label="BENCH")


async def wait_for(condition: Callable[[], bool], what: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause(0.05)
    await pilot.pause()


def header_text(app: Any) -> str:
    from tui.ui.widgets.status_header import StatusHeader

    return str(app.main_screen.query_one(StatusHeader).render().plain)


async def refresh(pilot: Any, app: Any, *, capture_bodies: bool) -> dict[str, Any]:
    """One measured refresh: poll now, wait for the diff to be applied, let a frame be composed."""
    poller = app.main_screen.backend.poller
    events_before, applied_before = len(app.events), len(PROBE.applied)
    PROBE.bodies = [] if capture_bodies else None
    PROBE.json_s, PROBE.lines = 0.0, 0
    PROBE.begin()
    cpu0, t0 = time.process_time(), time.perf_counter()
    poller.poll_now()
    await wait_for(lambda: len(PROBE.applied) > applied_before, "the refresh to be applied")
    await pilot.pause()
    await pilot.pause()
    blocks = PROBE.end()
    end, cpu_end, apply_s, diff_size = PROBE.applied[applied_before]
    _, event = app.events[events_before]
    figure: dict[str, Any] = {
        "max_block_ms": max(blocks) * 1000,
        "busy_ms": sum(blocks) * 1000,
        "wall_ms": (end - t0) * 1000,
        "cpu_ms": (cpu_end - cpu0) * 1000,
        "json_ms": PROBE.json_s * 1000,
        "apply_ms": apply_s * 1000,
        "diff": diff_size,
        "added": len(event.diff.added),
        "changed": len(event.diff.changed),
        "removed": len(event.diff.removed),
        "lines": PROBE.lines,
        "requests": event.stats.requests,
        "bytes": event.stats.bytes_received,
        "interval_s": event.interval_s,
        "live": event.stats.total_live,
    }
    if PROBE.bodies is not None:
        raw = [body.encode() for body in PROBE.bodies]
        PROBE.bodies = None
        cpu = time.process_time()
        for body in raw:
            json.loads(body)
        figure["bare_json_ms"] = (time.process_time() - cpu) * 1000
        figure["pages_bytes"] = sum(map(len, raw))
        del raw
    return figure


async def key_to_request(pilot: Any, app: Any, *, during_poll: bool) -> dict[str, float]:
    """Hang up the call under the cursor: ``h`` opens the dialog, ``y`` sends; time ``y``."""
    table = app.main_screen.table
    poller = app.main_screen.backend.poller
    await pilot.press("down")
    await settle(pilot)
    call = table.cursor_call
    assert call is not None
    await pilot.press("h")
    await settle(pilot)
    events_before = len(app.events)
    if during_poll:
        arrivals = len(PROBE.arrivals)
        poller.poll_now()
        await wait_for(lambda: len(PROBE.arrivals) >= arrivals + 2, "a poll to be under way")
        events_before = len(app.events) + 1
    sent_before = len(PROBE.sent)
    PROBE.begin()
    pressed = time.perf_counter()
    await pilot.press("y")

    def sent() -> float | None:
        for method, url, at in PROBE.sent[sent_before:]:
            if method == "POST" and call.sid in url:
                return at
        return None

    await wait_for(lambda: sent() is not None, "the update request")
    blocks = PROBE.end()
    latency = ((sent() or 0.0) - pressed) * 1000
    # The action asks for a fresh poll when it is done; let it (and any running pass) finish.
    await wait_for(lambda: len(app.events) > events_before, "the poll after the action")
    await settle(pilot)
    return {"ms": latency, "max_block_ms": max(blocks, default=0.0) * 1000}


def script_per_action(sim: SimProcess, sid: str) -> dict[str, float]:
    """The Twilio guide's way: a fresh Python process per action (see loopback_twilio.py)."""
    from tests.benchmarks.loopback_twilio import SCRIPT, SENT_MARK

    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, sim.base_url, sim.account_sid, sim.auth_token, sid],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    finished = time.time()
    if done.returncode != 0 or "completed" not in done.stdout:
        raise RuntimeError(f"the script failed: {done.stderr[-500:]}")
    sent = float(done.stderr.split(SENT_MARK, 1)[1].split()[0])
    return {"ms": (sent - started) * 1000, "total_ms": (finished - started) * 1000}
