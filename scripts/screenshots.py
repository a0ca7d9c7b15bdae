"""Regenerate screenshots/ from the demo: `uv run python scripts/screenshots.py`.

Drives the real app with Textual's Pilot on exactly what `uv run callboard --demo` runs: the
embedded simulator, the demo's own transfer destinations and snippets (tui/demo_twiml.py), no
config file. It saves the main screen at 80x24 and 200x50, and one SVG per dialog at 150x42.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
