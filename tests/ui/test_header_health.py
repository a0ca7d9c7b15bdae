"""The header tells the supervisor about unreadable records and about a pass past its bounds."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from tests.core.listing_server import call_record, listing_server, page
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.limits import PassLimits
from tui.core.session import backend_factory
from tui.ui.widgets.status_header import StatusHeader


def _header_text(app: RecordingApp) -> str:
    headers = app.screen.query(StatusHeader)
    return headers.first().render().plain if headers else ""


async def test_the_header_counts_records_that_could_not_be_read(tmp_env: Path) -> None:
    def serve(request: web.Request) -> dict[str, object]:
        if request.query.get("Status") != "in-progress":
            return page([])
        return page(
            [
                call_record(1, duration="1e999"),
                call_record(2, start_time="Mon, 01 Jan 0001 00:00:00 +0100"),
                call_record(3),
            ]
        )

    async with listing_server(serve) as api:
        settings = replace(load_settings(), poll_interval_s=0.5)
        app = RecordingApp(backend_factory(api.credentials(), settings), settings)
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_until(pilot, lambda: "Callers 3:" in _header_text(app), "the first poll")
            assert "2 records unreadable" in _header_text(app)


async def test_the_header_says_when_a_pass_went_past_its_bounds(tmp_env: Path) -> None:
    counter = itertools.count()

    def endless(request: web.Request) -> dict[str, object]:
        n = next(counter)
        calls = [call_record(n * 100 + i + 1) for i in range(100)]
        return page(calls, next_page_uri=f"{request.path}?Page={n + 1}")

    async with listing_server(endless) as api:
        settings = replace(
            load_settings(), poll_interval_s=0.5, limits=PassLimits(max_records=1_000)
        )
        app = RecordingApp(backend_factory(api.credentials(), settings), settings)
        async with app.run_test(size=(200, 40)) as pilot:
            await wait_until(pilot, lambda: "LIMIT" in _header_text(app), "the bound to be hit")
            assert "max_records" in _header_text(app)
