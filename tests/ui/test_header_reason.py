"""While polls fail, the header says why, even when the line has no room for everything."""

from __future__ import annotations

from tests.ui.conftest import AppMaker, wait_until
from tui.sim import EmbeddedSimulator
from tui.ui.widgets.status_header import StatusHeader


async def test_a_rate_limited_poll_is_named_in_a_full_header(
    sim: EmbeddedSimulator, make_app: AppMaker
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        header = app.main_screen.query_one(StatusHeader)
        await wait_until(pilot, lambda: app.main_screen.table.total_count > 0, "the first poll")
        sim.faults.set("rate_limit=1.0,retry_after=2")
        await wait_until(
            pilot, lambda: "rate limiting" in header.render().plain, "the reason in the header"
        )
        line = header.render().plain.splitlines()[1]
        assert len(line) <= 120 and "Callers" in line
