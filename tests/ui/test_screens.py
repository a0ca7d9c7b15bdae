"""The modal screens, driven as a supervisor would: keys in, dismissed value out.

Each test pushes one screen onto a bare app with a callback (:mod:`tests.ui.screen_harness`) and
asserts on what a person notices: the text on screen, whether the dialog is still open, and the
value the app would act on. Confirm, help and call detail are here; the transfer dialog and the
TwiML editor have files of their own (``test_screen_transfer.py``,
``test_screen_twiml_editor.py``).
"""

from __future__ import annotations

from tests.ui.screen_harness import (
    SIZE,
    ScreenHarness,
    label_texts,
    make_call,
    screen_text,
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


async def test_detail_shows_raw_fields_children_and_history() -> None:
    call = make_call(1, raw=RAW)
    child = make_call(9, "ringing", parent=call.sid)
    app = ScreenHarness(CallDetailScreen(call, [child], HISTORY))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        names = label_texts(screen, "#fields .name")
        values = label_texts(screen, "#fields .value")
        assert names == list(RAW)
        fields = dict(zip(names, values, strict=True))
        assert fields["from"] == "+15550000001"
        assert fields["price"] == "—"
        assert fields["subresource_uris"] == "notifications, recordings"
        assert label_texts(screen, "#children Label") == [child.short_sid, child.to, "ringing"]
        assert label_texts(screen, "#history .outcome") == ["refused", "applied", "applied"]
        assert label_texts(screen, "#history .action") == ["transfer", "TwiML", "hang up"]
        # What each action sent, on one line, long TwiML cut short.
        assert label_texts(screen, "#history .sent") == [
            "GET https://ivr.example.com/agents",
            "<Response><Say>Please hold for a supervisor, we are rev…",
            "completed",
        ]
        messages = label_texts(screen, "#history .message")
        assert messages[0] == "The call is not in progress. (code 21220)"
        assert screen.query_one("#history .outcome").has_class("outcome-refused")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_detail_without_raw_or_history_still_reads_well() -> None:
    app = ScreenHarness(CallDetailScreen(make_call(2), [], []))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "sid" in label_texts(app.screen, "#fields .name")
        assert "None yet." in screen_text(app.screen)
        await pilot.press("end", "q")
        await pilot.pause()
    assert app.results == [None]
