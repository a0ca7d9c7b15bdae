"""The modal screens, driven as a supervisor would: keys in, dismissed value out.

Each test pushes one screen onto a bare app with a callback (:mod:`tests.ui.screen_harness`) and
asserts on what a person notices: the text on screen, whether the dialog is still open, and the
value the app would act on. Confirm, help and call detail are here; the transfer dialog and the
TwiML editor have files of their own (``test_screen_transfer.py``,
``test_screen_twiml_editor.py``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from rich.style import Style
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget

from tests.ui.screen_harness import (
    SIZE,
    ScreenHarness,
    label_texts,
    make_call,
    screen_text,
    table_rows,
    widget_lines,
)
from tui.ui.screens import CallDetailScreen, ConfirmHangupScreen, HelpScreen
from tui.ui.screens.help import KEY_COLUMN, HelpNotes, KeyTable

# ── Confirm hang-up ─────────────────────────────────────────────────────────


async def test_confirm_names_each_call_and_y_confirms() -> None:
    calls = [make_call(1, "in-progress"), make_call(2, "ringing"), make_call(3, "queued")]
    app = ScreenHarness(ConfirmHangupScreen(calls))
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(app.screen)
        for call in calls:
            assert call.short_sid in text
            assert call.from_ in text and call.to in text
        assert label_texts(app.screen, ".outcome") == ["→ completed", "→ canceled", "→ canceled"]
        assert "1 answered → completed" in text
        assert "2 queued or ringing → canceled" in text
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]


async def test_confirm_n_and_escape_and_enter_keep_the_calls() -> None:
    for key in ("n", "escape", "enter"):
        app = ScreenHarness(ConfirmHangupScreen([make_call(1)]))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [False], key


async def test_confirm_lists_at_most_eight_then_counts_the_rest() -> None:
    calls = [make_call(n) for n in range(11)]
    app = ScreenHarness(ConfirmHangupScreen(calls))
    async with app.run_test(size=SIZE) as pilot:
        assert len(label_texts(app.screen, ".sid")) == 8
        assert "and 3 more" in screen_text(app.screen)
        assert calls[10].short_sid not in screen_text(app.screen)
        await pilot.click("#hang-up")
        await pilot.pause()
    assert app.results == [True]


# ── Help ────────────────────────────────────────────────────────────────────


async def test_help_lists_the_given_keys_and_closes() -> None:
    bindings = [("t", "Inject TwiML"), ("r", "Transfer"), ("ctrl+q", "Quit")]
    for key in ("escape", "question_mark", "q"):
        app = ScreenHarness(HelpScreen(bindings))
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(KeyTable)
            assert widget_lines(table) == [  # in order, keys right-aligned, descriptions aligned
                f"{'t':>{KEY_COLUMN}}  Inject TwiML",
                f"{'r':>{KEY_COLUMN}}  Transfer",
                f"{'ctrl+q':>{KEY_COLUMN}}  Quit",
            ]
            painted = table.render_line(2)  # the keys in bold, the descriptions not
            styles = {seg.text.strip(): seg.style for seg in painted if seg.text.strip()}
            assert styles["ctrl+q"] is not None and styles["ctrl+q"].bold
            assert styles["Quit"] is None or not styles["Quit"].bold
            notes = widget_lines(app.screen.query_one(HelpNotes))
            assert "Staleness" in notes and "Read-only" in notes
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        assert app.results == [None], key


async def test_help_wraps_a_long_description_under_its_column_and_shows_markup_as_text() -> None:
    long = "Put every marked call back in the queue it came from, then clear the marks"
    bindings = [("[b]x[/b]", "[red]not markup[/red]"), ("ctrl+shift+q", long)]
    app = ScreenHarness(HelpScreen(bindings, sections=()))
    async with app.run_test(size=(60, 24)):
        lines = widget_lines(app.screen.query_one(KeyTable))
        column = lines[0].index("[red]")
        assert lines[0] == f"{'[b]x[/b]':>{column - 2}}  [red]not markup[/red]"
        assert lines[1].startswith(f"{'ctrl+shift+q':>{column - 2}}  Put every")
        assert len(lines) > 2, "the long description wraps"
        assert all(line[:column].isspace() for line in lines[2:]), "under its own column"
        assert " ".join(line[column:] for line in lines[1:]) == long
        assert not app.screen.query(HelpNotes)


# ── Call detail ─────────────────────────────────────────────────────────────

RAW = {
    "sid": f"CA{1:032x}",
    "from": "+15550000001",
    "to": "+15559990001",
    "status": "in-progress",
    "price": None,
    "queue_time": "0",
    "subresource_uris": {"notifications": "/n.json", "recordings": "/r.json"},
}

HISTORY: list[dict[str, object]] = [
    {
        "time": "2026-01-31T20:36:28.123Z",
        "action": "redirect",
        "outcome": "refused",
        "code": 21220,
        "message": "The call is not in progress.",
        "parameters": {"url": "https://ivr.example.com/agents", "method": "GET"},
    },
    {
        "time": "2026-01-31T20:36:50Z",
        "action": "inject_twiml",
        "outcome": "applied",
        "message": "Playing the new TwiML.",
        "parameters": {
            "twiml": "<Response>\n  <Say>Please hold for a supervisor, we are "
            "reviewing your account now.</Say>\n</Response>"
        },
    },
    {
        "time": "2026-01-31T20:37:00Z",
        "action": "hang_up",
        "outcome": "applied",
        "message": "Ended.",
        "parameters": {"status": "completed"},
    },
]


def segment_styles(widget: Widget, y: int) -> dict[str, Style]:
    """The painted style of each piece of text on line ``y`` of ``widget``."""
    painted = widget.render_line(y)
    return {seg.text.strip(): seg.style for seg in painted if seg.text.strip() and seg.style}


def theme_rgb(app: ScreenHarness, name: str) -> tuple[int, int, int]:
    """The colour the theme calls ``name`` (``error``, ``success``…) as red, green, blue."""
    return Color.parse(app.theme_variables[name]).rgb


def rgb(style: Style) -> tuple[int, int, int] | None:
    """The foreground a painted segment has, as red, green, blue."""
    if style.color is None:
        return None
    red, green, blue = style.color.get_truecolor()
    return red, green, blue


def history_table(screen: Screen[object]) -> list[list[str]]:
    """The history as read off the screen: the header's words, then one row per action."""
    lines = widget_lines(screen.query_one("#history"))
    starts = [lines[0].index(name) for name in ("time", "action", "sent", "outcome", "message")]
    return table_rows(lines, starts)


async def test_detail_shows_raw_fields_children_and_history() -> None:
    call = make_call(1, raw=RAW)
    child = make_call(9, "ringing", parent=call.sid)
    app = ScreenHarness(CallDetailScreen(call, [child], HISTORY))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        fields = screen.query_one("#fields")
        # Twilio's names in Twilio's order, right-aligned in 18 cells, then the values.
        assert widget_lines(fields) == [
            f"{'sid':>18}  {RAW['sid']}",
            f"{'from':>18}  +15550000001",
            f"{'to':>18}  +15559990001",
            f"{'status':>18}  in-progress",
            f"{'price':>18}  —",
            f"{'queue_time':>18}  0",
            f"{'subresource_uris':>18}  notifications, recordings",
        ]
        assert segment_styles(fields, 4)["—"].dim, "null is dimmed"
        assert not segment_styles(fields, 1)["+15550000001"].dim
        children = screen.query_one("#children")
        assert widget_lines(children) == [f"{child.short_sid}  {child.to}  ringing"]
        assert rgb(segment_styles(children, 0)["ringing"]) == theme_rgb(app, "warning")

        header, *actions = history_table(screen)
        assert header == ["time", "action", "sent", "outcome", "message"]
        assert [row[1:] for row in actions] == [
            [
                "transfer",
                "GET https://ivr.example.com/agents",
                "refused",
                "The call is not in progress. (code 21220)",
            ],
            [
                "TwiML",  # what it sent on one line, long TwiML cut short
                "<Response><Say>Please hold for a supervisor, we are rev…",
                "applied",
                "Playing the new TwiML.",
            ],
            ["hang up", "completed", "applied", "Ended."],
        ]
        assert all(re.fullmatch(r"2026-01-\d\d \d\d:\d\d:\d\d", row[0]) for row in actions)
        history = screen.query_one("#history")
        outcomes = {**segment_styles(history, 1), **segment_styles(history, 4)}
        assert rgb(outcomes["refused"]) == theme_rgb(app, "error")
        assert rgb(outcomes["applied"]) == theme_rgb(app, "success")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_detail_without_raw_or_history_still_reads_well() -> None:
    app = ScreenHarness(CallDetailScreen(make_call(2), [], []))
    async with app.run_test(size=(80, 24)) as pilot:
        fields = widget_lines(app.screen.query_one("#fields"))
        assert fields[0] == f"{'sid':>18}  {make_call(2).sid}"
        assert f"{'answered_by':>18}  —" in fields
        text = screen_text(app.screen)
        assert "None." in text and "None yet." in text
        assert not app.screen.query("#children, #history")
        await pilot.press("end", "q")
        await pilot.pause()
    assert app.results == [None]


async def test_detail_at_80_columns_wraps_and_keeps_every_history_column() -> None:
    call = make_call(1, raw={**RAW, "caller_name": "Long Caller Name " * 8})
    app = ScreenHarness(CallDetailScreen(call, [], HISTORY))
    async with app.run_test(size=(80, 24)) as pilot:
        fields = widget_lines(app.screen.query_one("#fields"))
        named = table_rows(fields, [0, 20])
        assert [" ".join(row) for row in named if row[0] == "caller_name"] == [
            "caller_name " + ("Long Caller Name " * 8).strip()
        ]
        assert len(fields) > len(RAW) + 1, "the long name wraps under its own column"
        assert all(len(line) <= 70 for line in fields)
        # The outcome and the message stay on screen; what was sent wraps to make room.
        rows = history_table(app.screen)[1:]
        assert [(row[3], row[4]) for row in rows] == [
            ("refused", "The call is not in progress. (code 21220)"),
            ("applied", "Playing the new TwiML."),
            ("applied", "Ended."),
        ]
        sent = rows[0][2]  # folded in its narrowed column (read back with a space per fold)
        assert sent != "GET https://ivr.example.com/agents"
        assert sent.replace(" ", "") == "GEThttps://ivr.example.com/agents"
        dialog = app.screen.query_one("#dialog")
        assert dialog.max_scroll_y > 0, "taller than the terminal: it scrolls"
        await pilot.press("end")
        await pilot.pause()
        assert dialog.scroll_y == dialog.max_scroll_y
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_detail_shows_markup_and_escapes_from_twilio_as_text() -> None:
    hostile = "[b]bold?[/b] [link=https://evil.example]x[/link]\x1b[2J\x1b]0;pwned\x07"
    call = make_call(1, raw={"sid": f"CA{1:032x}", "[red]from[/red]": hostile})
    child = replace(make_call(9, parent=call.sid), to="client:[/x]\x1b[31m", status="[/x]")
    entry = {"action": "[b]redirect[/b]", "outcome": "[/x]", "message": hostile, "operator": "[i]"}
    app = ScreenHarness(CallDetailScreen(call, [child], [entry]))
    async with app.run_test(size=(200, 40)):
        screen = app.screen
        shown = "\n".join(
            line
            for table in ("#fields", "#children", "#history")
            for line in widget_lines(screen.query_one(table))
        )
        assert "\x1b" not in shown and "\x07" not in shown
        as_text = "[b]bold?[/b] [link=https://evil.example]x[/link]␛[2J␛]0;pwned␇"
        fields = widget_lines(screen.query_one("#fields"))
        assert fields[1] == f"{'[red]from[/red]':>18}  {as_text}"
        assert widget_lines(screen.query_one("#children")) == [
            f"{child.short_sid}  client:[/x]␛[31m  [/x]"
        ]
        [row] = history_table(screen)[1:]
        assert row[1:] == ["[b]redirect[/b]", "—", "[/x]", f"{as_text} — [i]"]
        styles = segment_styles(screen.query_one("#fields"), 1)
        assert not any(style.bold or style.link for style in styles.values()), "never markup"
