"""The header's once-a-second tick repaints the cells that change (the clock's last digit), not
its two full lines: over SSH those were ~700 bytes a second."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.geometry import Region

from tui.ui.widgets.status_header import StatusHeader

WIDTH = 120


class HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusHeader()


async def test_a_tick_repaints_only_the_changed_digits_of_the_clock() -> None:
    app = HeaderApp()
    async with app.run_test(size=(WIDTH, 10)) as pilot:
        header = app.query_one(StatusHeader)
        await pilot.pause()
        regions: list[Region | None] = []
        original = header.refresh

        def spy(*dirty: Region, **kwargs: bool) -> StatusHeader:
            regions.extend(dirty or [None])
            return original(*dirty, **kwargs)

        header.refresh = spy  # type: ignore[method-assign]
        wall = time.mktime((2026, 3, 2, 9, 0, 5, 0, 0, -1)) + 0.2
        mono = time.monotonic()
        header._tick((wall, mono))
        await pilot.pause()
        regions.clear()

        header._tick((wall + 1, mono + 1))  # 09:00:05 -> 09:00:06
        assert regions == [Region(WIDTH - 2, 0, 1, 1)]
        await pilot.pause()
        assert header.render().plain.splitlines()[0].endswith("  09:00:06 ")
        regions.clear()
        header._tick((wall + 1.5, mono + 1.5))  # the same second: nothing
        assert regions == []
        header._tick((wall + 55, mono + 55))  # 09:00:06 -> 09:01:00: two digits
        assert regions == [Region(WIDTH - 5, 0, 1, 1), Region(WIDTH - 2, 0, 1, 1)]
        await pilot.pause()
        assert header.render().plain.splitlines()[0].endswith("  09:01:00 ")


async def test_a_render_before_any_tick_repaints_everything_on_the_first() -> None:
    app = HeaderApp()
    async with app.run_test(size=(WIDTH, 10)):
        header = app.query_one(StatusHeader)
        header._shown = None
        calls: list[tuple[object, ...]] = []
        header.refresh = lambda *dirty, **kwargs: calls.append(dirty)  # type: ignore[method-assign, assignment]
        header._tick()
        assert calls == [()]
