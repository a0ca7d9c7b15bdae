"""`callboard --demo --hub`: an embedded nats-server and hub; a second console joins by URL."""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import replace
from pathlib import Path

from tests.hub.conftest import FIXTURE_TIMEOUT_S, eventually
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.models import PollEvent, PollProgress, PollSucceeded
from tui.demo_hub import demo_hub_factory


async def test_demo_hub_feeds_the_console_and_a_joining_one(tmp_env: Path) -> None:
    settings = replace(load_settings(), poll_interval_s=0.5)
    factory, label = demo_hub_factory(settings, seed=3, live_calls=15, nats_url=None)
    match = re.search(r"nats://127\.0\.0\.1:\d+", label)
    assert match, label
    app = RecordingApp(factory, settings, mode_label=label)
    async with app.run_test(size=(150, 40)) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.total_count > 0, "demo calls via the hub", 20)
        join, _ = demo_hub_factory(settings, seed=3, live_calls=0, nats_url=match.group(0))
        events: list[PollEvent | PollProgress] = []
        async with join(events.append) as backend:
            task = asyncio.create_task(backend.source.run())
            try:
                await eventually(
                    lambda: (
                        any(isinstance(e, PollSucceeded) for e in events)
                        and len(backend.source.calls) > 0
                    ),
                    "the joining console's calls",
                )
                assert backend.credentials.api_url and backend.credentials.demo
            finally:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, FIXTURE_TIMEOUT_S)
