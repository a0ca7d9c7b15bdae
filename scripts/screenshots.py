"""Regenerate screenshots/ from a seeded demo: `uv run python scripts/screenshots.py`.

Drives the real app with Textual's Pilot against the embedded simulator (the same code path as a
user's demo), and saves one SVG per screen a supervisor meets.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"
SIZE = (150, 42)


async def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="callboard-shots-"))
    os.environ["CALLBOARD_CONFIG"] = str(scratch / "config.toml")
    os.environ["CALLBOARD_LOG_DIR"] = str(scratch / "logs")
    (scratch / "config.toml").write_text(
        "[[destinations]]\n"
        'name = "Sales queue"\nurl = "https://example.com/twiml/sales"\nmethod = "POST"\n\n'
        "[[destinations]]\n"
        'name = "Night service"\nurl = "https://example.com/twiml/night"\nmethod = "GET"\n'
    )
    sys.path.insert(0, str(ROOT))
    from tui.core.config import load_settings
    from tui.demo import DEMO_LABEL, demo_backend_factory
    from tui.ui.app import CallboardApp

    settings = load_settings()
    app = CallboardApp(
        demo_backend_factory(settings, seed=7, live_calls=60), settings, mode_label=DEMO_LABEL
    )
    OUT.mkdir(exist_ok=True)
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        for _ in range(200):
            await pilot.pause(0.05)
            if table.total_count:
                break
        await pilot.pause(0.3)
        await pilot.press("down", "down", "space", "down", "space", "up")
        await pilot.pause(0.2)
        app.save_screenshot("main.svg", str(OUT))
        for key, name in (
            ("t", "twiml_editor"),
            ("r", "transfer"),
            ("h", "hangup_confirm"),
            ("question_mark", "help"),
        ):
            await pilot.press(key)
            await pilot.pause(0.5)
            app.save_screenshot(f"{name}.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.4)
        app.save_screenshot("call_detail.svg", str(OUT))
    print(f"saved screenshots to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
