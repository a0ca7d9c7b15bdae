"""Regenerate screenshots/ from the demo: `uv run python scripts/screenshots.py`.

Drives the real app with Textual's Pilot on exactly what `uv run callboard --demo` runs: the
embedded simulator, the demo's own transfer destinations and snippets (tui/demo_twiml.py), no
config file. It saves the main screen at 80x24 and 200x50, one SVG per dialog at 150x42, a
monitored conference and the queues view.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"
SEED = 7


async def shoot(size: tuple[int, int], main_name: str, dialogs: Sequence[tuple[str, str]]) -> None:
    from tui.core.config import load_settings
    from tui.demo import DEMO_LABEL, demo_backend_factory
    from tui.demo_twiml import DemoTwimlServer, demo_settings
    from tui.ui.app import CallboardApp

    twiml = DemoTwimlServer()
    settings = demo_settings(load_settings(), twiml)
    factory = demo_backend_factory(settings, seed=SEED, live_calls=60, twiml=twiml)
    app = CallboardApp(factory, settings, mode_label=DEMO_LABEL)
    async with app.run_test(size=size) as pilot:
        table = app.main_screen.table
        for _ in range(200):
            await pilot.pause(0.05)
            if table.total_count:
                break
        await pilot.pause(2.5)  # a second poll: the header's LIVE line and counts settle
        await pilot.press("down", "down", "space", "down", "space", "up")
        await pilot.pause(0.3)
        app.save_screenshot(main_name, str(OUT))
        for key, name in dialogs:
            await pilot.press(key)
            await pilot.pause(0.5)
            app.save_screenshot(f"{name}.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause(0.2)
        if dialogs:
            await pilot.press("enter")
            await pilot.pause(0.4)
            app.save_screenshot("call_detail.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause(0.2)
            await pilot.press("u")
            await _floor_shots(app, pilot)


async def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="callboard-shots-"))
    os.environ["CALLBOARD_CONFIG"] = str(scratch / "config.toml")  # none: the plain demo
    os.environ["CALLBOARD_LOG_DIR"] = str(scratch / "logs")
    os.environ.pop("NO_COLOR", None)
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(exist_ok=True)
    await shoot((80, 24), "main_80x24.svg", ())
    await shoot((200, 50), "main_200x50.svg", ())
    dialogs = [
        ("t", "twiml_editor"),
        ("r", "transfer"),
        ("h", "hangup_confirm"),
        ("question_mark", "help"),
    ]
    await shoot((150, 42), "main.svg", dialogs)
    print(f"saved screenshots to {OUT}")
    return 0


async def _wait(pilot: Any, condition: Callable[[], bool], seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise SystemExit("screenshots: the demo floor did not show what was expected")


async def _floor_shots(app: Any, pilot: Any) -> None:
    """A monitored conference (the supervisor listening in) and the queues view."""
    main = app.main_screen
    await _wait(
        pilot, lambda: any(p.in_room and p.others for p in main.floor.where.placements.values())
    )
    customer = (
        next(
            p
            for p in main.floor.where.placements.values()
            if p.in_room and p.others and p.recording
        )
        if any(p.in_room and p.recording for p in main.floor.where.placements.values())
        else next(p for p in main.floor.where.placements.values() if p.in_room and p.others)
    )
    main.table.jump_to_sid(customer.call_sid)
    await pilot.press("c")
    await _wait(pilot, lambda: getattr(app.screen, "view", None) is not None)
    await pilot.press("l")
    await _wait(pilot, lambda: main.floor.monitor is not None)
    leg = main.floor.monitor.call_sid
    await _wait(pilot, lambda: app.screen.view.participant(leg) is not None)
    await pilot.pause(1.0)
    app.save_screenshot("conference.svg", str(OUT))
    await pilot.press("L")
    await _wait(pilot, lambda: main.floor.monitor is None)
    await pilot.press("escape")
    await pilot.pause(0.3)
    await pilot.press("v")
    await _wait(pilot, lambda: bool(getattr(app.screen, "queues", ())))
    await pilot.pause(0.8)
    app.save_screenshot("queues.svg", str(OUT))
    await pilot.press("escape")


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
