"""Layout: columns by priority for the width, a header that never wraps, callers not legs,
news of calls above the screen, thresholds, the pulse, and marks that stay visible without colour.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Footer

from tests.ui.conftest import AppMaker, wait_until
from tests.ui.table_helpers import make_call, sid_of
from tui.core.config import load_settings
from tui.core.errors import ConfigError
from tui.core.models import Call, CallDiff, PollFailed
from tui.core.thresholds import Thresholds
from tui.ui.widgets.call_format import Column, layout_for, register_column, unregister_column
from tui.ui.widgets.call_table import CallTable
from tui.ui.widgets.pulse import CallerCounts, Pulse, sparkline
from tui.ui.widgets.status_header import StatusHeader


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CallTable()


def header_lines(app: App[None]) -> list[str]:
    return app.screen.query_one(StatusHeader).render().plain.split("\n")


def test_columns_are_chosen_by_priority_for_the_width() -> None:
    narrow = layout_for(78)
    assert narrow.keys == ("marker", "sid", "from", "to", "status", "duration", "started")
    assert narrow.row_width <= 78
    wide = layout_for(198)
    assert {"direction", "caller", "queue", "answered_by"} <= set(wide.keys)
    sid = wide.find("sid")
    assert sid is not None and sid.width >= 34  # full Call SIDs
    titles = [placed.column.title for placed in wide.columns]
    assert "Dial wait" in titles and "AMD" in titles and "Queue" not in titles


def test_a_column_is_one_declaration() -> None:
    sample = Column("sample", "Sample", 10, 4, lambda call: "queue", search=True)
    register_column(sample, after="status")
    try:
        keys = layout_for(198).keys
        assert keys[keys.index("status") + 1] == "sample"
        assert "sample" not in layout_for(78).keys  # dropped before Started when narrow
    finally:
        unregister_column("sample")
    assert "sample" not in layout_for(198).keys


async def test_full_sids_at_200_columns_and_short_ones_at_80() -> None:
    call = make_call(1)
    for size, shown in (((200, 50), call.sid), ((80, 24), call.short_sid)):
        app = TableApp()
        async with app.run_test(size=size) as pilot:
            table = app.query_one(CallTable)
            table.apply_diff(CallDiff(added=(call,)))
            await pilot.pause()
            row = table.render_line(1).text
            assert shown in row and len(row) == size[0]
            assert table.column_layout.row_width <= size[0] - 2  # room for the scrollbar


async def test_80x24_read_only_keeps_counts_freshness_clock_and_footer_keys(
    make_app: AppMaker,
) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.main_screen.table.row_count > 0, "the first poll")
        await wait_until(
            pilot,
            lambda: any(badge in header_lines(app)[1] for badge in (" LIVE ", " STALE ")),
            "the freshness badge",
            within=30,
        )
        identity, health = header_lines(app)
        assert len(identity) <= 80 and len(health) <= 80
        assert "READ-ONLY" in identity and datetime.now().strftime("%H:") in identity
        assert "◌" in health and "●" in health
        footer = app.screen.query_one(Footer)

        def footer_keys() -> dict[str, Region]:
            return {key.description: key.region for key in footer.query("FooterKey")}  # type: ignore[attr-defined]

        # The footer lays its keys out after the screen's first frames: wait for them.
        await wait_until(
            pilot,
            lambda: (
                {"Help", "Quit"} <= footer_keys().keys()
                and all(footer_keys()[name].width > 0 for name in ("Help", "Quit"))
            ),
            "the footer's Help and Quit keys",
            within=30,
        )
        shown = footer_keys()
        assert shown["Help"].right <= 80 and shown["Quit"].right <= 80


async def test_live_counts_count_callers_not_agent_legs(make_app: AppMaker) -> None:
    counts = CallerCounts()
    parent, leg = make_call(1), make_call(2, parent=1)
    counts.apply(CallDiff(added=(parent, leg, make_call(3, status="ringing"))))
    assert (counts.callers, counts.legs) == (2, 1)
    assert counts.by_status()["in-progress"] == 1 and counts.by_status()["ringing"] == 1
    counts.apply(CallDiff(removed=(sid_of(2),)))
    assert counts.legs == 0
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.total_count > 0, "the first poll")
        callers = sum(1 for i in range(table.row_count) if not table.get_call_at(i).parent_call_sid)
        await wait_until(
            pilot, lambda: f"Callers {callers}:" in header_lines(app)[1], "the callers count"
        )


async def test_a_failure_reason_reads_as_one_sentence() -> None:
    app = TableApp()
    async with app.run_test(size=(160, 10)):
        header = StatusHeader()
        await app.screen.mount(header)
        header.record(PollFailed("Twilio did not answer in 10 s.", 0.0, None, 4.0))
        text = header.render().plain
        assert "10 s; retrying in 4 s" in text and ".;" not in text


def test_pulse_draws_counts_over_the_last_minutes() -> None:
    pulse = Pulse(minutes=2, bucket_s=20)
    for i, n in enumerate((1, 2, 4, 8)):
        pulse.record(1000.0 + 20 * i, {"in-progress": n})
    assert pulse.series("in-progress") == [1, 2, 4, 8]
    assert sparkline(pulse.series("in-progress"), 6).startswith("  ")  # padded on the left
    line = sparkline([0, 4, 8], 3)
    assert line[0] == "▁" and line[-1] == "█"
    pulse.record(1000.0 + 20 * 10, {"in-progress": 3})  # a gap: carried over, bounded
    assert len(pulse) == pulse.size


async def test_the_header_shows_the_pulse_when_wide(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        header = app.main_screen.query_one(StatusHeader)
        await wait_until(pilot, lambda: "polled" in header.render().plain, "the first poll")
        header._pulse.record(0.0, {"in-progress": 1})  # an earlier sample, minutes ago
        header.refresh()
        assert "min" in header_lines(app)[0] and "▁" in header_lines(app)[0]


async def test_new_calls_above_the_screen_are_announced_and_n_jumps_to_them() -> None:
    app = TableApp()
    async with app.run_test(size=(140, 20)) as pilot:
        table = app.query_one(CallTable)
        table.apply_diff(CallDiff(added=tuple(make_call(n) for n in range(1, 60))))
        await pilot.pause()
        await pilot.press(*["down"] * 30)  # scrolled: the newest calls are above the screen
        table.apply_diff(CallDiff(added=(make_call(500), make_call(501))))
        await pilot.pause()
        assert table.new_above == 2
        assert "↑ 2 new above · n" in table.render_line(0).text
        await pilot.press("n")
        assert table.cursor_index == 0 and table.new_above == 0
        assert table.get_call_at(0).sid == sid_of(501)


def aged(status: str, seconds: float) -> Call:
    start = datetime.now(UTC) - timedelta(seconds=seconds)
    call = make_call(9, status=status)
    from dataclasses import replace

    return replace(call, start_time=start, date_created=start)


async def test_long_waits_and_long_calls_are_highlighted(tmp_env: Path) -> None:
    (tmp_env / "config.toml").write_text("[thresholds]\nlong_wait = 30\nlong_call = 600\n")
    assert load_settings().thresholds == Thresholds(long_wait_s=30, long_call_s=600)
    (tmp_env / "config.toml").write_text("[thresholds]\nlong_wait = -1\n")
    with pytest.raises(ConfigError, match=r"line 2: long_wait must be between"):
        load_settings()
    app = TableApp()
    async with app.run_test(size=(140, 20)) as pilot:
        table = app.query_one(CallTable)
        table.thresholds = Thresholds(long_wait_s=30, long_call_s=600)
        wait = table.get_component_rich_style("call-table--long-wait", partial=True)
        cases = [("ringing", 40, True), ("ringing", 10, False)]
        cases += [("in-progress", 700, True), ("in-progress", 100, False)]
        for status, age, hot in cases:
            table.apply_diff(CallDiff(added=(aged(status, age),)))
            await pilot.pause()
            segments = list(table.render_row(0))
            styles = [seg.style for seg in segments if seg.text.strip() == status]
            assert styles and styles[0] is not None
            assert bool(styles[0].bold) == hot, (status, age)
            if status == "ringing" and hot:
                assert styles[0].reverse == wait.reverse and styles[0].color == wait.color


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_marked_rows_stay_visible_without_colour(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TableApp()
    async with app.run_test(size=(140, 20)) as pilot:
        app.theme = theme
        table = app.query_one(CallTable)
        table.apply_diff(CallDiff(added=(make_call(1), make_call(2))))
        await pilot.pause()
        await pilot.press("down", "space", "up")  # call at index 1 marked, cursor elsewhere
        marked = next(iter(table.render_row(1))).style
        plain = next(iter(table.render_row(0))).style
        assert marked is not None and plain is not None
        # NO_COLOR strips colours; bold and underline survive, and the ✓ is in the text.
        assert marked.underline and marked.bold and not plain.underline
        assert table.render_row(1).text.startswith("✓")
        if not app.no_color:
            assert marked.bgcolor != plain.bgcolor
