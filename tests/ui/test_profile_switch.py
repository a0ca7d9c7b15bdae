"""Switching profile inside the console: pick another account, the table follows it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.worker import WorkerState

from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import Profile, Settings, resolve_credentials
from tui.core.secret import Secret
from tui.core.session import backend_factory
from tui.sim import EmbeddedSimulator, ManualClock
from tui.ui.profile_switch import ProfilePickerScreen
from tui.ui.widgets.status_header import StatusHeader


@pytest.fixture
async def two_accounts(tmp_env: Path) -> AsyncIterator[tuple[EmbeddedSimulator, EmbeddedSimulator]]:
    async with (
        EmbeddedSimulator(seed=21, live_calls=5, clock=ManualClock()) as day,
        EmbeddedSimulator(seed=22, live_calls=9, clock=ManualClock()) as night,
    ):
        yield day, night


def profile(name: str, sim: EmbeddedSimulator, *, read_only: bool = False) -> Profile:
    return Profile(
        name,
        sim.account_sid,
        auth_token=Secret(sim.auth_token),
        api_url=sim.base_url,
        read_only=read_only,
    )


def table_sids(app: RecordingApp) -> set[str]:
    table = app.main_screen.table
    return {table.get_call_at(i).sid for i in range(table.row_count)}


def live(sim: EmbeddedSimulator) -> set[str]:
    return {call.sid for call in sim.engine if call.is_live}


async def test_switching_profile_reconnects_and_names_it_in_the_header(
    two_accounts: tuple[EmbeddedSimulator, EmbeddedSimulator],
) -> None:
    day, night = two_accounts
    settings = replace(
        Settings(profiles={"day": profile("day", day), "night": profile("night", night)}),
        poll_interval_s=0.5,
    )
    credentials = resolve_credentials({}, settings, "day")
    assert credentials is not None
    app = RecordingApp(backend_factory(credentials, settings), settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: table_sids(app) == live(day), "day's calls")
        header = app.main_screen.query_one(StatusHeader)
        assert "profile day" in header.mode_label
        first_screen, first_worker = app.main_screen, app._backend_worker

        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfilePickerScreen), "picker")
        picker = app.screen
        assert isinstance(picker, ProfilePickerScreen) and picker.names == ("day", "night")
        await pilot.press("down", "enter")

        await wait_until(pilot, lambda: app.main_screen is not first_screen, "a new screen")
        await wait_until(pilot, lambda: table_sids(app) == live(night), "night's calls")
        assert live(night).isdisjoint(live(day))
        assert "profile night" in app.main_screen.query_one(StatusHeader).mode_label
        assert first_worker is not None
        await wait_until(
            pilot,
            lambda: first_worker.state in (WorkerState.CANCELLED, WorkerState.SUCCESS),
            "the day connection to close",
        )
        backend = app.main_screen.backend
        assert backend is not None and backend.credentials.profile == "night"


async def test_a_read_only_profile_hides_and_refuses_the_actions(
    two_accounts: tuple[EmbeddedSimulator, EmbeddedSimulator],
) -> None:
    day, _ = two_accounts
    settings = replace(
        Settings(profiles={"board": profile("board", day, read_only=True)}), poll_interval_s=0.5
    )
    credentials = resolve_credentials({}, settings, "board")
    assert credentials is not None and credentials.read_only
    app = RecordingApp(backend_factory(credentials, settings), settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: table_sids(app) == live(day), "the board's calls")
        main = app.main_screen
        assert main.read_only and main.query_one(StatusHeader).read_only
        shown = {b.action for _, b, enabled, _ in main.active_bindings.values() if b.show}
        assert "hang_up" not in shown and "redirect" not in shown
        backend = main.backend
        assert backend is not None and backend.actions.read_only
        before = live(day)
        await pilot.press("h")
        await wait_until(pilot, lambda: "Read-only" in app.toast_text(), "the read-only note")
        assert live(day) == before
