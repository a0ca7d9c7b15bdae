"""What the soak notes while it runs: the ledger, and the real app instrumented to fill it.

Split from ``soak.py``: every poll outcome with the interval then in force, what the table and
header showed right after it, how long each key waited, how late a 10 ms timer fired (event-loop
stalls), what the supervisor confirmed, and how many listing requests were in flight at once.
The app and screen are the real ones, with listeners wrapped, so what is measured is what a
supervisor gets.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.ui.conftest import RecordingApp
from tui.core.models import PollEvent, PollFailed
from tui.core.twilio_client import TwilioAccess
from tui.ui.messages import PollUpdate
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.status_header import StatusHeader


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
