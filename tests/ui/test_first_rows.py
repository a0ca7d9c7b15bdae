"""First rows: at start-up the first page of calls is on screen before the last page arrives.

The simulator holds back every page after the first (a ``PageToken`` request) until the test
lets it go: the table must already show the first pages' calls and the header how far the poll
has got; once the rest is served, every live call is there exactly once and nothing is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import credentials_for
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.session import backend_factory
from tui.sim import EmbeddedSimulator, ManualClock
from tui.sim.server import SimulatorServer
from tui.ui.widgets.status_header import StatusHeader


@pytest.fixture
def held_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[asyncio.Event]:
    """Listings' later pages wait for this event; first pages are served at once."""
    release = asyncio.Event()
    served = SimulatorServer.list_calls

    async def list_calls(self: SimulatorServer, request: web.Request) -> web.StreamResponse:
        if request.query.get("PageToken"):
            await release.wait()
        return await served(self, request)

    monkeypatch.setattr(SimulatorServer, "list_calls", list_calls)
    yield release
    release.set()


async def test_first_page_shows_before_the_last_page_is_served(
    tmp_env: Path, held_pages: asyncio.Event
) -> None:
    async with EmbeddedSimulator(seed=5, live_calls=3_500, clock=ManualClock()) as sim:
        live = sim.engine.live_count
        settings = replace(load_settings(), poll_interval_s=0.5)
        app = RecordingApp(backend_factory(credentials_for(sim), settings), settings)
        async with app.run_test(size=(150, 40)) as pilot:
            table = app.main_screen.table
            header = app.main_screen.query_one(StatusHeader)
            await wait_until(pilot, lambda: table.total_count > 0, "the first page's rows", 30)
            await wait_until(
                pilot, lambda: "loading…" in header.render().plain, "the progress note", 10
            )
            assert "calls so far" in header.render().plain
            assert 0 < table.total_count < live, "the held pages cannot be on screen yet"
            first = table.get_call_at(0).sid

            held_pages.set()
            await wait_until(pilot, lambda: table.total_count == live, "every live call", 30)
            await wait_until(
                pilot, lambda: "loading…" not in header.render().plain, "the note gone", 10
            )
            sids = [table.get_call_at(i).sid for i in range(table.row_count)]
            assert len(sids) == len(set(sids)) == live, "no call shown twice"
            backend = app.main_screen.backend
            assert backend is not None
            assert set(sids) == set(backend.source.calls), "nothing lost, nothing extra"
            assert first in sids
