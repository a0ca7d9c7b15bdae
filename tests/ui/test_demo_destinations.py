"""The demo offers transfer destinations that work in the demo: a transfer really moves a call."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import RecordingApp, wait_until
from tui.core.config import load_settings
from tui.demo import DEMO_LABEL, demo_backend_factory
from tui.demo_twiml import DemoTwimlServer, demo_settings


async def test_a_demo_transfer_fetches_the_demos_own_twiml(tmp_env: Path) -> None:
    twiml = DemoTwimlServer()
    settings = demo_settings(load_settings(), twiml)
    assert settings.destinations[0].name == "Sales queue"
    assert next(s for s in settings.snippets if s.key == "enqueue").defaults["queue"] == "Support"
    factory = demo_backend_factory(settings, seed=5, live_calls=20, twiml=twiml)
    app = RecordingApp(factory, settings, mode_label=DEMO_LABEL)
    async with app.run_test(size=(140, 40)) as pilot:
        table = app.main_screen.table

        def answered() -> int | None:
            for i in range(table.row_count):
                call = table.get_call_at(i)
                if call.status == "in-progress" and not call.parent_call_sid:
                    return i
            return None

        await wait_until(pilot, lambda: answered() is not None, "an answered call", within=20)
        index = answered()
        assert index is not None
        await pilot.press(*["down"] * index)
        await pilot.press("r")
        await pilot.pause(0.3)
        await pilot.press("enter")  # plain http on loopback: warned once
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Transfer applied" in app.toast_text(), "the transfer")
        await wait_until(pilot, lambda: "sales" in twiml.fetched, "the simulator to fetch it")
