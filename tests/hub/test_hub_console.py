"""The real console on a hub (Pilot): same table, other supervisors marked, claims respected."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from textual.widgets import Label

from tests.conftest import live_sids
from tests.hub.conftest import RunningHub
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.core.credentials import Credentials
from tui.core.models import Action, ActionResult, Outcome
from tui.hub.console import hub_backend_factory
from tui.hub.coordination import NatsClaims, NatsPresence
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.sim import EmbeddedSimulator
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.widgets.call_format import WATCHED_MARK

SIZE = (150, 40)


def _app(credentials: Credentials, url: str) -> RecordingApp:
    settings = replace(load_settings(), operator="ana")
    factory = hub_backend_factory(credentials, settings, url)
    return RecordingApp(factory, settings, mode_label="HUB")


async def test_console_on_the_hub_marks_others_and_respects_their_claim(
    tmp_env: Path,
    sim: EmbeddedSimulator,
    credentials: Credentials,
    nats_server: EmbeddedNats,
    hub: RunningHub,
) -> None:
    sid = sorted(live_sids(sim))[0]
    ben_link = HubLink(nats_server.url, name="ben")
    ben = NatsPresence(ben_link, sim.account_sid, operator="ben", console="ben-console")
    ben_task = asyncio.create_task(ben.run())
    app = _app(credentials, nats_server.url)
    try:
        async with app.run_test(size=SIZE) as pilot:
            table = app.main_screen.table
            await wait_until(pilot, lambda: table.total_count == len(live_sids(sim)), "the calls")
            ben.viewing(sid)
            await wait_until(
                pilot, lambda: sid in table._watched, "ben's presence to reach the table", 15
            )
            await pilot.press("slash", *sid[-8:], "enter")
            await wait_until(pilot, lambda: table.row_count == 1, "the filter")
            assert table.render_row(0).text.startswith(WATCHED_MARK)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen), "detail")
            presence_line = app.screen.query_one("#presence", Label)
            assert "ben (viewing)" in str(presence_line.render())
            await pilot.press("escape")
            # Ben hangs the call up first (his claim, settled as applied).
            claims = NatsClaims(ben_link, sim.account_sid, operator="ben", console="ben-console")
            assert (await claims.claim(sid, Action.HANG_UP)).granted
            await claims.settle(ActionResult(sid, Action.HANG_UP, Outcome.APPLIED, "hung up"))
            before = len(sim.request_log)
            await pilot.press("h")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmHangupScreen), "confirm")
            await pilot.press("y")
            await wait_until(pilot, lambda: "ben" in app.toast_text(), "the refusal naming ben")
            assert "nothing was sent" in app.toast_text()
            assert not [r for r in sim.request_log[before:] if r.method == "POST" and sid in r.path]
    finally:
        ben_task.cancel()
        await asyncio.gather(ben_task, return_exceptions=True)
        await ben_link.close()
