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
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import pytest

from tests.reliability.conftest import ThreadedSimulator
from tests.ui.conftest import RecordingApp, credentials_for, wait_until
from tui.core.actions import IN_FLIGHT_MESSAGE
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path, load_settings
from tui.core.models import PollEvent, PollFailed, PollSucceeded
from tui.core.session import backend_factory
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.ui.messages import PollUpdate
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen
from tui.ui.widgets.status_header import StatusHeader

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


@dataclass
class PollRecord:
    at: float
    event: PollEvent
    interval_s: float
    """The poller's interval in force once it had handled this outcome (slow-downs included)."""


@dataclass
class ScreenSample:
    """The table and header right after the screen handled one poll outcome."""

    at: float
    failed: bool
    rate_limited: bool
    total_count: int
    stale: bool
    header: str


@dataclass
class Ledger:
    polls: list[PollRecord] = field(default_factory=list)
    screen: list[ScreenSample] = field(default_factory=list)
    key_latency: list[float] = field(default_factory=list)
    key_handled: list[tuple[float, float]] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)
    confirmed: list[tuple[str, str]] = field(default_factory=list)  # (action, sid)
    double_presses: int = 0
    phase_at: dict[str, float] = field(default_factory=dict)
    outage_end: float | None = None
    stalls: list[tuple[float, float]] = field(default_factory=list)
    actions_at: list[tuple[float, str]] = field(default_factory=list)
    concurrent_list_requests: int = 0
    max_concurrent_list_requests: int = 0


class SoakScreen(MainScreen):
    """The real main screen, noting what it shows after each poll outcome."""

    ledger: Ledger

    def on_poll_update(self, message: PollUpdate) -> None:
        super().on_poll_update(message)
        event = message.event
        header = self.query_one(StatusHeader)
        self.ledger.screen.append(
            ScreenSample(
                at=time.monotonic(),
                failed=isinstance(event, PollFailed),
                rate_limited=isinstance(event, PollFailed) and event.rate_limited,
                total_count=self.table.total_count,
                stale=self.table.stale,
                header=header.render().plain,
            )
        )


class SoakApp(RecordingApp):
    """The real app with its poll listener wrapped to time every pass it reports."""

    def __init__(self, ledger: Ledger, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = ledger
        screen = SoakScreen(self.settings, read_only=False, mode_label=self.main_screen.mode_label)
        screen.ledger = ledger
        self.main_screen = screen

    def _on_poll_event(self, event: PollEvent) -> None:
        poller = self.main_screen.backend.poller  # type: ignore[union-attr]
        self.ledger.polls.append(PollRecord(time.monotonic(), event, poller.interval_s))
        super()._on_poll_event(event)


def _instrument_keys(app: SoakApp, ledger: Ledger) -> Callable[[], None]:
    """Wrap the table's cursor actions; return a function that marks when a key was sent."""
    table = app.main_screen.table
    sent: list[float] = []

    def timed(original: Callable[[], None]) -> Callable[[], None]:
        def handler() -> None:
            if sent:
                latency = time.perf_counter() - sent.pop()
                ledger.key_latency.append(latency)
                ledger.key_handled.append((time.monotonic(), latency))
            original()

        return handler

    table.action_cursor_down = timed(table.action_cursor_down)  # type: ignore[method-assign]
    table.action_cursor_up = timed(table.action_cursor_up)  # type: ignore[method-assign]

    def mark() -> None:
        sent.clear()
        sent.append(time.perf_counter())

    return mark


async def _measure_loop_lag(ledger: Ledger, stop: asyncio.Event) -> None:
    """How late a 10 ms sleep wakes up: the longest the loop was busy with something else."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        lag = max(0.0, time.perf_counter() - started - 0.01)
        ledger.loop_lag.append(lag)
        if lag > 0.03:
            ledger.stalls.append((time.monotonic(), lag))


def _patch_list_concurrency(monkeypatch: pytest.MonkeyPatch, ledger: Ledger) -> None:
    """Count listing requests in flight from the console's side (passes must never stack)."""
    original = TwilioAccess.get_text

    async def counted(self: TwilioAccess, url: str, params: Any = None, **kwargs: Any) -> Any:
        if "/Calls.json" not in url:  # the floor's conference and queue listings
            return await original(self, url, params, **kwargs)
        ledger.concurrent_list_requests += 1
        ledger.max_concurrent_list_requests = max(
            ledger.max_concurrent_list_requests, ledger.concurrent_list_requests
        )
        try:
            return await original(self, url, params, **kwargs)
        finally:
            ledger.concurrent_list_requests -= 1

    monkeypatch.setattr(TwilioAccess, "get_text", counted)


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


async def _act(
    pilot: Any, app: SoakApp, ledger: Ledger, acted: set[str], turn: int, *, double: bool
) -> None:
    """Hang up (twice in a row when ``double``) or inject TwiML into a call not acted on before."""
    table = app.main_screen.table
    for _ in range(20):
        call = table.cursor_call
        if call is not None and call.sid not in acted and call.status == "in-progress":
            break
        await pilot.press("down")
    else:
        return
    acted.add(call.sid)
    ledger.actions_at.append((time.monotonic(), "twiml" if turn % 2 == 1 else "hang-up"))
    if turn % 2 == 1 and not double:
        await _open(pilot, app, "t", TwimlEditorScreen, "editor")
        await pilot.pause(0.05)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "editor closes", 5)
        ledger.confirmed.append(("inject_twiml", call.sid))
        return
    for _ in range(2 if double else 1):
        await _open(pilot, app, "h", ConfirmHangupScreen, "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "confirm closes", 5)
        ledger.confirmed.append(("hang_up", call.sid))
    ledger.double_presses += 1 if double else 0


async def _open(pilot: Any, app: RecordingApp, key: str, screen: type, what: str) -> None:
    """Press ``key`` and wait for its dialog.

    If the call that was under the cursor ended since the last key, the console answers the
    first press with a "Call ended" note instead of acting on the call the cursor moved to (by
    design: a refusal never points the next key at another call); a supervisor presses again.
    """
    notes = sum(1 for title, _, _ in app.toasts if title == "Call ended")
    await pilot.press(key)
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, screen)
            or sum(1 for title, _, _ in app.toasts if title == "Call ended") > notes
        ),
        what,
        5,
    )
    if not isinstance(app.screen, screen):
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, screen), what, 5)


def _refused_in_flight(app: RecordingApp) -> bool:
    """Whether a second press was already refused as in flight (a loaded machine may open the
    dialog again only after the first answer came back; then the next action tries again)."""
    return any(IN_FLIGHT_MESSAGE in message for _, message, _ in app.toasts)


def _result_toasts(app: RecordingApp) -> list[tuple[str, str]]:
    return [
        (title, message)
        for title, message, _ in app.toasts
        if title.startswith(("Hang-up ", "TwiML injection ")) or title == "Not sent"
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class SoakRun:
    """What one soak run measured: the report, the timings, and its behaviour checks."""

    text: str
    readme: str
    """The README's soak table (rows between its ``soak`` markers)."""
    key_own_max_s: float
    own_stall_max_s: float
    stall_max_s: float
    time_to_fresh_s: float
    refused_in_flight: bool
    interval_at_outage_end_s: float
    check_behaviour: Callable[[], None]
    """Assert everything the run must show regardless of machine load (no time limits)."""

    def check_time_limits(self) -> None:
        """The absolute limits: run only in the benchmark suite, on a quiet machine."""
        # Process-wide gen-2 GC pauses (the simulator thread's heap included) are reported,
        # not limited; everything else a key waited for stays under the limit.
        assert self.key_own_max_s < KEY_GAP_LIMIT_S, (
            f"a key waited {self.key_own_max_s * 1000:.0f} ms"
        )
        # The console's own work never blocks the loop for 100 ms while browsing.
        assert self.own_stall_max_s < KEY_GAP_LIMIT_S, (
            f"the event loop stalled {self.own_stall_max_s * 1000:.0f} ms"
        )
        assert self.stall_max_s < 1.0, f"the console froze for {self.stall_max_s:.1f} s"
        # The second press reaches the dialog again within the first answer's 1.5 s only when
        # the machine is not loaded (on a loaded one it is sent after the first answered).
        assert self.refused_in_flight, (
            "a second press while the first was in flight was not refused"
        )
        # Recovery: fresh data within one interval (in force) of the API coming back, plus the
        # pass itself.
        assert self.time_to_fresh_s <= self.interval_at_outage_end_s + 1.0, (
            f"fresh again only after {self.time_to_fresh_s:.1f} s"
        )


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

    # ---------------------------------------------------------------- the ledgers
    requests = handle.requests()
    updates = [r for r in requests if r.method == "POST" and "/Calls/CA" in r.path]
    posts_by_sid = Counter(r.path.rsplit("/", 1)[-1].removesuffix(".json") for r in updates)
    applied_by_sim = [r for r in updates if r.status == 200]
    audit = read_audit_log(audit_log_path())
    in_flight_refusals = [e for e in audit if e["message"] == IN_FLIGHT_MESSAGE]
    audited_sent = Counter(str(e["call_sid"]) for e in audit if e["message"] != IN_FLIGHT_MESSAGE)
    outcomes = Counter(str(e["outcome"]) for e in audit if e["message"] != IN_FLIGHT_MESSAGE)
    ui_applied = sum(1 for title, _ in toasts if title.endswith(" applied"))
    ui_unknown = sum(1 for title, _ in toasts if title.endswith(" unknown"))

    # ---------------------------------------------------------------- polls
    events = [p.event for p in ledger.polls]
    failed = [p for p in ledger.polls if isinstance(p.event, PollFailed)]
    rate_limited = [p for p in failed if p.event.rate_limited]  # type: ignore[union-attr]
    recovered = sum(
        1
        for before, after in itertools.pairwise(events)
        if isinstance(before, PollFailed) and isinstance(after, PollSucceeded)
    )
    assert ledger.outage_end is not None
    outage_end = ledger.outage_end
    first_fresh = next(
        p.at for p in ledger.polls if p.at > outage_end and isinstance(p.event, PollSucceeded)
    )
    time_to_fresh = first_fresh - outage_end
    last_failure = max((p for p in failed if p.at <= outage_end), key=lambda p: p.at)
    announced_retry = last_failure.event.retry_in_s  # type: ignore[union-attr]
    retry_due = max(0.0, last_failure.at + announced_retry - outage_end)
    # "Within one interval" means the interval in force, which a 429 burst just before the outage
    # may still hold slowed down (Twilio asked for it); the header shows it.
    interval_at_outage_end = last_failure.interval_s
    outage_start = ledger.phase_at["outage"]
    outage_retries = [
        p.event.retry_in_s  # type: ignore[union-attr]
        for p in failed
        if outage_start <= p.at <= outage_end
    ]
    honoured_retry_after = [
        p.event.retry_in_s >= 2.0  # type: ignore[union-attr]
        for p in rate_limited
        if "retry after" in p.event.reason  # type: ignore[union-attr]
    ]
    slowed_intervals = [
        p.event.interval_s
        for p in ledger.polls
        if isinstance(p.event, PollSucceeded)
        and ledger.phase_at["429 burst 1"] <= p.at < ledger.phase_at["outage"]
    ]
    failing_samples = [s for s in ledger.screen if s.failed]
    rate_limit_headers = [s for s in ledger.screen if s.rate_limited and "rate limit" in s.header]
    key_max = max(ledger.key_latency)
    lag_max = max(ledger.loop_lag)

    def in_dialog(end: float) -> bool:
        return any(start <= end <= start + 1.5 for start, _ in ledger.actions_at)

    def during_gc(end: float, lag: float) -> bool:
        return any(end - lag - 0.02 <= at <= end + 0.02 for at, _, _ in gc_pauses)

    key_own_max = max((d for t, d in ledger.key_handled if not during_gc(t, d)), default=0.0)
    browsing = [(t, d) for t, d in ledger.stalls if not in_dialog(t)]
    browsing_max = max((d for _, d in browsing), default=0.0)
    own_max = max((d for t, d in browsing if not during_gc(t, d)), default=0.0)
    dialog_max = max((d for t, d in ledger.stalls if in_dialog(t)), default=0.0)
    gc_max = max((d for _, d, _ in gc_pauses), default=0.0)
    request_failures = [r for r in requests if r.status != 200 and "/Calls" in r.path]
    api_requests = [r for r in requests if r.path.startswith("/2010-04-01/")]

    rows = [
        ("soak duration", f"{soak_s:.1f} s"),
        ("live calls (simulator, with traffic)", "300"),
        ("poll interval / request timeout", f"{POLL_INTERVAL_S:g} s / {REQUEST_TIMEOUT_S:g} s"),
        ("API requests served (all phases)", f"{len(api_requests):,}"),
        (
            "requests failed by faults (5xx, 429, dropped)",
            f"{len(request_failures):,} "
            f"({len(request_failures) / max(1, len(api_requests)):.0%} of all; "
            "timeouts come on top)",
        ),
        ("polls attempted", str(len(ledger.polls))),
        ("polls failed (of which 429)", f"{len(failed)} ({len(rate_limited)})"),
        ("recoveries (failed pass → next pass succeeded)", str(recovered)),
        ("longest key wait (press → table handled it)", f"{key_max * 1000:.1f} ms"),
        (
            "key wait median / p99",
            f"{statistics.median(ledger.key_latency) * 1000:.1f} / "
            f"{_percentile(ledger.key_latency, 0.99) * 1000:.1f} ms",
        ),
        ("  keys that did not wait for a GC pause: longest", f"{key_own_max * 1000:.1f} ms"),
        ("keys pressed", str(len(ledger.key_latency))),
        ("longest event-loop stall (10 ms timer lateness)", f"{lag_max * 1000:.1f} ms"),
        ("  while browsing (no dialog opening or closing)", f"{browsing_max * 1000:.1f} ms"),
        ("  while browsing, not during a GC pause", f"{own_max * 1000:.1f} ms"),
        ("  while a dialog opened or closed", f"{dialog_max * 1000:.1f} ms"),
        (
            "longest gen-2 GC pause (whole process, simulator thread included)",
            f"{gc_max * 1000:.1f} ms ({len(gc_pauses)} pauses over 10 ms)",
        ),
        ("actions confirmed in the UI", str(len(ledger.confirmed))),
        ("  of which second presses while in flight", str(ledger.double_presses)),
        ("  refused as already in flight (not sent)", str(len(in_flight_refusals))),
        ("update requests received by the simulator", str(len(updates))),
        ("updates applied by the simulator (HTTP 200)", str(len(applied_by_sim))),
        (
            "outcomes shown: applied / refused / unknown",
            f"{ui_applied} / {sum(1 for t, _ in toasts if t.endswith(' refused'))} / {ui_unknown}",
        ),
        ("audit records (all / sent)", f"{len(audit)} / {sum(audited_sent.values())}"),
        ("calls updated twice by one press", "0" if posts_by_sid == audited_sent else "SEE DIFF"),
        (
            "most listing requests in flight at once (console side)",
            str(ledger.max_concurrent_list_requests),
        ),
        ("largest interval while rate limited", f"{max(slowed_intervals, default=0):g} s"),
        ("interval at the end", f"{final_interval:g} s"),
        ("back to the configured interval after fresh data", f"{speed_up_s:.1f} s"),
        (
            "retry delays announced during the outage",
            ", ".join(f"{d:.1f}" for d in outage_retries) + " s",
        ),
        ("time to fresh data after the outage ended", f"{time_to_fresh:.2f} s"),
        ("  of which waiting for the retry already scheduled", f"{retry_due:.2f} s"),
        ("interval in force when the outage ended", f"{interval_at_outage_end:g} s"),
        (
            "table while failing: min rows / marked stale at some point",
            f"{min((s.total_count for s in failing_samples), default=0)} / "
            f"{any(s.stale for s in failing_samples)}",
        ),
    ]
    text = (
        "# Soak test figures\n\n"
        "Generated by `tests/reliability/soak.py` (real app via Pilot, real-clock simulator "
        "on its own thread). Phases: "
        + "; ".join(
            f"{name} {seconds:g} s `{spec or 'no faults'}`" for name, spec, seconds in PHASES
        )
        + ".\n\n| figure | value |\n|---|---|\n"
        + "".join(f"| {name} | {value} |\n" for name, value in rows)
    )
    readme = "| figure | value |\n|---|---|\n" + "".join(
        f"| {name} | {value} |\n"
        for name, value in (
            (
                "polls attempted / failed (of which 429) / recoveries",
                f"{len(ledger.polls)} / {len(failed)} ({len(rate_limited)}) / {recovered}",
            ),
            (
                "API requests failed by injected faults",
                f"{len(request_failures) / max(1, len(api_requests)):.0%} (5xx, 429, dropped), "
                "plus timeouts",
            ),
            (
                f"longest time a key waited to be handled ({len(ledger.key_latency)} keys)",
                f"{key_max * 1000:.1f} ms (median "
                f"{statistics.median(ledger.key_latency) * 1000:.1f} ms) — limit "
                f"{KEY_GAP_LIMIT_S * 1000:.0f} ms",
            ),
            (
                "longest event-loop stall while browsing, not during a GC pause",
                f"{own_max * 1000:.0f} ms over the 10 ms timer",
            ),
            (
                "longest stall, anywhere",
                f"{lag_max * 1000:.0f} ms (while a dialog opened or closed: "
                f"{dialog_max * 1000:.0f} ms); longest full GC of the whole test process "
                f"(simulator thread included) {gc_max * 1000:.0f} ms",
            ),
            (
                "actions confirmed / sent / applied / unknown / audited",
                f"{len(ledger.confirmed)} confirmed ({len(in_flight_refusals)} a second press, "
                f"refused as in flight) / {len(updates)} sent / {ui_applied} applied / "
                f"{ui_unknown} unknown / {len(audit)} audited",
            ),
            (
                "calls updated twice by one press",
                str(sum(posts_by_sid.values()) - len(posts_by_sid))
                if posts_by_sid != audited_sent
                else "0",
            ),
            (
                "table while failing",
                f"never fewer than {min((s.total_count for s in failing_samples), default=0)} "
                f"rows, marked stale once its data was older than the stale limit: "
                f"{any(s.stale for s in failing_samples)}",
            ),
            (
                "rate limiting",
                f"`Retry-After` honoured (interval up to "
                f"{max(slowed_intervals, default=0):.1f} s), "
                f"back to the configured {POLL_INTERVAL_S:g} s interval "
                f"{speed_up_s:.1f} s after fresh data",
            ),
            (
                "time to fresh data after the outage ended",
                f"{time_to_fresh:.2f} s, the interval in force then being "
                f"{interval_at_outage_end:g} s",
            ),
        )
    )

    def check_behaviour() -> None:
        assert len(failed) > 5 and recovered >= 3 and rate_limited
        # No action is ever sent twice: each sid got exactly the requests its audited presses sent.
        assert posts_by_sid == audited_sent
        # A call that ended while its dialog was open is not sent, nor audited ("Not sent").
        unsent = sum(1 for _, message in toasts if "ended while the dialog was open" in message)
        assert len(updates) + len(in_flight_refusals) + unsent == len(ledger.confirmed)
        assert len(audit) == len(ledger.confirmed) - unsent
        assert len(toasts) == len(ledger.confirmed)
        # What the UI called applied was applied; anything else the sim applied was "unknown".
        assert ui_applied == outcomes["applied"] <= len(applied_by_sim) <= ui_applied + ui_unknown
        # Polls never stacked: one pass at a time, three statuses listed concurrently at most.
        assert ledger.max_concurrent_list_requests <= 3
        # Failures kept the last calls on screen, marked stale; rate limiting shown and honoured.
        # (The table is marked stale once its data is older than the header's stale limit,
        # max(6 s, 2.5 intervals + a pass), not at the first failure: the outage gets there.)
        assert failing_samples and all(s.total_count > 0 for s in failing_samples)
        assert any(s.stale for s in failing_samples), "the table was never marked stale"
        assert rate_limit_headers, "the header never said the poller was rate limited"
        assert honoured_retry_after and all(honoured_retry_after)
        assert final_interval == POLL_INTERVAL_S, "the poller did not speed back up"
        # Recovery: no retry during the outage was scheduled later than the interval in force
        # (how soon fresh data came is a time limit: see SoakRun.check_time_limits).
        assert all(d <= interval_at_outage_end + 1e-6 for d in outage_retries), outage_retries

    return SoakRun(
        text=text,
        readme=readme,
        key_own_max_s=key_own_max,
        own_stall_max_s=own_max,
        stall_max_s=lag_max,
        time_to_fresh_s=time_to_fresh,
        refused_in_flight=bool(in_flight_refusals),
        interval_at_outage_end_s=interval_at_outage_end,
        check_behaviour=check_behaviour,
    )
