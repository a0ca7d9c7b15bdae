"""Timers wrapped around the event loop and a few seams of the console (this process only).

One :data:`PROBE` per console process collects what the end-to-end parts report: callback
durations, page arrivals and bodies, ``json.loads`` time, ``apply_diff`` calls, painted lines and
when each request's headers were written.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp


@dataclass
class Probe:
    """Everything the instrumented console reports; one per console process."""

    window: list[float] | None = None
    """Callback durations (s) of the refresh being measured, or None between refreshes."""
    paint_pending: bool = False
    first_row_paint_at: float | None = None
    complete_applied: bool = False
    """The first complete poll's diff was applied (its rows wait for the next paint)."""
    complete_pending: bool = False
    complete_paint_at: float | None = None
    """When the table was first painted after the first complete poll was applied."""
    arrivals: list[float] = field(default_factory=list)
    bodies: list[str] | None = None
    json_s: float = 0.0
    applied: list[tuple[float, float, float, int]] = field(default_factory=list)
    """(perf end, process_time end, apply seconds, diff size) per apply_diff call."""
    lines: int = 0
    sent: list[tuple[str, str, float]] = field(default_factory=list)
    """(method, url, perf_counter) when request headers were written."""

    def begin(self) -> None:
        self.window = []

    def end(self) -> list[float]:
        window, self.window = self.window or [], None
        return window


PROBE = Probe()


def install_probes() -> None:
    """Wrap the event loop and a few seams of the console with timers (this process only)."""
    from tui.core import listing as listing_module
    from tui.core import twilio_client
    from tui.core.models import PollSucceeded
    from tui.ui.screens.main import MainScreen
    from tui.ui.widgets.call_table import CallTable

    run = asyncio.events.Handle._run

    def timed_run(handle: asyncio.events.Handle) -> None:
        started = time.perf_counter()
        try:
            run(handle)
        finally:
            ended = time.perf_counter()
            if PROBE.window is not None:
                PROBE.window.append(ended - started)
            if PROBE.paint_pending and PROBE.first_row_paint_at is None:
                PROBE.first_row_paint_at = ended
            if PROBE.complete_pending and PROBE.complete_paint_at is None:
                PROBE.complete_paint_at = ended
            PROBE.paint_pending = PROBE.complete_pending = False

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign, assignment]

    get_text = twilio_client.TwilioAccess.get_text

    async def recorded_get_text(
        self: twilio_client.TwilioAccess, url: str, params: Any = None, **kwargs: Any
    ) -> tuple[str, int, Any]:
        result = await get_text(self, url, params, **kwargs)
        PROBE.arrivals.append(time.perf_counter())
        if PROBE.bodies is not None:
            PROBE.bodies.append(result[0])
        return result

    twilio_client.TwilioAccess.get_text = recorded_get_text  # type: ignore[method-assign]

    class TimedJson:
        """Stands in for the ``json`` module of the listing parser: times every ``json.loads``."""

        def loads(self, text: str | bytes, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return json.loads(text, **kwargs)
            finally:
                PROBE.json_s += time.perf_counter() - started

    listing_module.json = TimedJson()  # type: ignore[assignment]

    apply_diff = CallTable.apply_diff

    def recorded_apply(self: CallTable, diff: Any) -> None:
        started = time.perf_counter()
        apply_diff(self, diff)
        ended = time.perf_counter()
        PROBE.applied.append((ended, time.process_time(), ended - started, len(diff)))

    CallTable.apply_diff = recorded_apply  # type: ignore[method-assign]

    render_line = CallTable.render_line

    def counted_render_line(self: CallTable, y: int) -> Any:
        PROBE.lines += 1
        if y > 0 and self.row_count:
            PROBE.paint_pending = True
            PROBE.complete_pending = PROBE.complete_applied
        return render_line(self, y)

    CallTable.render_line = counted_render_line  # type: ignore[method-assign, assignment]

    on_poll_update = MainScreen.on_poll_update

    def recorded_poll_update(self: MainScreen, message: Any) -> None:
        on_poll_update(self, message)
        if isinstance(message.event, PollSucceeded):
            PROBE.complete_applied = True

    MainScreen.on_poll_update = recorded_poll_update  # type: ignore[method-assign]

    async def headers_sent(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestHeadersSentParams
    ) -> None:
        PROBE.sent.append((params.method, str(params.url), time.perf_counter()))

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(headers_sent)

    def open_traced(self: twilio_client._CallboardHttpClient) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(trace_configs=[trace])

    twilio_client._CallboardHttpClient.open = open_traced  # type: ignore[method-assign]


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]
