"""The whole console against the simulator over HTTP: each action, each failure, marks, filter,
sort and read-only mode, checked by asking the simulator (through the SDK) what the call does now.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

from twilio.request_validator import RequestValidator

from tests.conftest import TwimlServer
from tests.ui.conftest import AppMaker, RecordingApp, wait_until
from tests.ui.screen_harness import table_rows, widget_lines
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path, load_settings
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.sim.twiml_parser import Say
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.screens.main import MainScreen

RETRY_AFTER_S = 1
LONG_HOLD = '<Response><Pause length="3600"/></Response>'
SIZE = (150, 40)


async def answered_call(sim: EmbeddedSimulator, twilio: TwilioAccess, to: str) -> str:
    """An outbound call that the far end answers and that then waits for an hour."""
    call = await twilio.client.calls.create_async(to=to, from_="+14155550100", twiml=LONG_HOLD)
    await sim.advance(10)
    assert sim.engine.get(call.sid).status == "in-progress"  # type: ignore[union-attr]
    return str(call.sid)


async def show_only(pilot, app: RecordingApp, sid: str) -> None:  # type: ignore[no-untyped-def]
    """Type the SID into the filter, the way a supervisor finds one call among many."""
    screen = app.main_screen
    await wait_until(pilot, lambda: screen.table.get_call(sid) is not None, "the call to show")
    await pilot.press("slash", *sid[-8:], "enter")
    await wait_until(pilot, lambda: screen.table.row_count == 1, "the filter to narrow")
    assert screen.table.cursor_call is not None and screen.table.cursor_call.sid == sid


async def inject_default_snippet(pilot, app: RecordingApp) -> None:  # type: ignore[no-untyped-def]
    """``t`` opens the editor on the first built-in snippet (a ``<Say>``), ``ctrl+s`` sends it."""
    await pilot.press("t")
    await pilot.pause(0.3)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: "TwiML injection applied" in app.toast_text(), "toast")


async def status_of(twilio: TwilioAccess, sid: str) -> str:
    return str((await twilio.client.calls(sid).fetch_async()).status)


def update_requests(sim: EmbeddedSimulator, sid: str) -> list[dict[str, str]]:
    return [r.params for r in sim.request_log if r.method == "POST" and sid in r.path]


async def test_hang_up_ends_the_call_and_it_leaves_the_table(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550111")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("h")
        assert isinstance(app.screen, ConfirmHangupScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "Hang-up applied" in app.toast_text(), "the outcome toast")
        assert await status_of(twilio, sid) == "completed"
        await wait_until(
            pilot, lambda: app.main_screen.table.get_call(sid) is None, "the call to leave"
        )
    [entry] = [e for e in read_audit_log(audit_log_path()) if e["call_sid"] == sid]
    assert entry["action"] == "hang_up" and entry["outcome"] == "applied"


async def test_n_keeps_the_call(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550112")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("h", "n")
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
    assert await status_of(twilio, sid) == "in-progress"
    assert update_requests(sim, sid) == []


async def test_injected_twiml_replaces_what_the_call_is_doing(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550113")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await inject_default_snippet(pilot, app)
    record = sim.engine.get(sid)
    assert record is not None and record.status == "in-progress"
    verb = record.program[record.pc]
    assert isinstance(verb, Say) and "supervisor" in verb.text
    [params] = update_requests(sim, sid)
    assert "<Say>" in params["Twiml"]


async def test_detail_lists_what_this_console_did_to_the_call(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550118")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await inject_default_snippet(pilot, app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen), "the detail")
        detail = app.screen
        assert isinstance(detail, CallDetailScreen) and detail.call.sid == sid
        lines = widget_lines(detail.query_one("#history"))
        header = ["time", "action", "sent", "outcome", "message"]
        # The header row, then the injection: when, which action, what was sent, the outcome.
        [names, [when, action, sent, outcome, _message]] = table_rows(
            lines, [lines[0].index(name) for name in header]
        )
        assert names == header
        assert re.fullmatch(r"\d\d:\d\d:\d\d", when)
        assert (action, outcome) == ("TwiML", "applied")
        assert sent.startswith("<Response><Say>Please hold.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "the detail to close")


async def test_transfer_to_a_named_destination_fetches_it_signed(
    sim: EmbeddedSimulator,
    twilio: TwilioAccess,
    make_app: AppMaker,
    tmp_env: Path,
    twiml_server: TwimlServer,
) -> None:
    url = f"{twiml_server.base_url}/sales"
    (tmp_env / "config.toml").write_text(
        f'[[destinations]]\nname = "Sales"\nurl = "{url}"\nmethod = "POST"\n'
    )
    sid = await answered_call(sim, twilio, "+14155550114")
    app = make_app(settings=load_settings())
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("r")
        await pilot.pause(0.3)
        await pilot.press("enter")  # plain http: the dialog warns first
        await pilot.pause(0.2)
        assert update_requests(sim, sid) == []
        await pilot.press("enter")  # and a second press sends anyway
        await wait_until(pilot, lambda: "Transfer applied" in app.toast_text(), "toast")
        await sim.advance(0)
        await wait_until(pilot, lambda: bool(twiml_server.requests), "Twilio to fetch it")
    fetched_url, params, signature = twiml_server.requests[0]
    assert params["CallSid"] == sid and params["CallStatus"] == "in-progress"
    assert RequestValidator(sim.auth_token).validate(fetched_url, params, signature)
    [update] = update_requests(sim, sid)
    assert update["Url"] == url and update["Method"] == "POST"


async def test_a_call_that_ended_first_gets_a_plain_sentence(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550115")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        # The caller hangs up while the supervisor is looking at the row.
        await twilio.client.calls(sid).update_async(status="completed")
        await pilot.press("t")
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        # Either Twilio refuses (21220), or a poll saw the call end while the editor was open
        # and the console sent nothing (tests/ui/test_live_dialogs.py); both say it ended.
        await wait_until(
            pilot,
            lambda: "refused" in app.toast_text() or "Not sent" in app.toast_text(),
            "the refusal toast",
        )
        text = app.toast_text()
    assert ("ended" in text and "21220" in text) or "ended while the dialog was open" in text
    assert "Traceback" not in text


async def test_an_unknown_sid_is_reported_not_raised(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550116")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        record = sim.engine.get(sid)
        assert record is not None
        await pilot.press("h")
        await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen), "the confirm")
        sim.engine._forget(record)  # Twilio no longer knows the call at all
        await pilot.press("y")
        # Twilio answers 20404; or a poll saw the call vanish first and nothing was sent.
        await wait_until(
            pilot,
            lambda: "refused" in app.toast_text() or "Not sent" in app.toast_text(),
            "the refusal toast",
        )
    text = app.toast_text()
    assert ("20404" in text and "no longer exists" in text) or "ended while the dialog" in text


async def test_rate_limited_action_is_not_sent_again(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550117")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        sim.faults.set(f"rate_limit=1.0,retry_after={RETRY_AFTER_S}")
        await pilot.press("h", "y")
        await wait_until(pilot, lambda: "refused" in app.toast_text(), "the refusal toast")
        # Twilio would take the request now: a console that resent it after Retry-After
        # (or at all) would be seen below, by its second request and by the call ending.
        sim.faults.clear()
        await pilot.pause(2 * RETRY_AFTER_S + 0.5)
    assert "rate limit" in app.toast_text().lower()
    assert len(update_requests(sim, sid)) == 1
    assert await status_of(twilio, sid) == "in-progress"


async def test_bulk_hang_up_of_marked_calls(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sids = [await answered_call(sim, twilio, f"+1415555012{i}") for i in range(3)]
    keep = await answered_call(sim, twilio, "+14155550199")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: all(table.get_call(s) for s in [*sids, keep]), "calls")
        await pilot.press("slash", *"+1415555012", "enter")
        await wait_until(pilot, lambda: table.row_count == 3, "the filter to narrow to three")
        await pilot.press("home", "space", "down", "space", "down", "space")
        assert table.marked_sids == set(sids)
        await pilot.press("h")
        confirm = app.screen
        assert isinstance(confirm, ConfirmHangupScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: "Hang-up on 3 calls" in app.toast_text(), "the tally")
        await wait_until(
            pilot, lambda: table.total_count > 0 and table.row_count == 0, "rows leave"
        )
    assert "3 applied" in app.toast_text()
    for sid in sids:
        assert await status_of(twilio, sid) == "completed"
    assert await status_of(twilio, keep) == "in-progress"


async def test_filter_and_sort(sim: EmbeddedSimulator, make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.total_count > 5, "the first poll")
        everything = [table.get_call_at(i) for i in range(table.row_count)]
        ringing = {c.sid for c in everything if c.status == "ringing"}
        await pilot.press("slash", *"ringing")
        await pilot.pause(0.2)
        assert {table.get_call_at(i).sid for i in range(table.row_count)} == ringing
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert table.row_count == len(everything)

        await pilot.press("s")  # the next column, ascending: duration, shortest first
        assert table.sort_column == "duration" and not table.sort_descending
        await pilot.press("S")
        assert table.sort_descending
        top = [
            table.get_call_at(i)
            for i in range(table.row_count)
            if table.get_call_at(i).parent_call_sid is None
        ]
        starts = [c.start_time for c in top if c.start_time is not None]
        assert starts == sorted(starts), "longest calls (earliest start) first"


async def test_read_only_offers_and_sends_nothing(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550118")
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        for key in ("t", "r", "h"):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert isinstance(app.screen, MainScreen), f"{key} opened a dialog in read-only mode"
        footer = app.export_screenshot()
        assert "Hang up" not in footer and "TwiML" not in footer
        assert "READ-ONLY" in footer
    assert update_requests(sim, sid) == []


async def test_dialogs_opened_all_shift_leave_nothing_behind(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    """Every dialog closed is freed with all it rendered, so memory and GC pauses stay flat.

    Textual 8 keeps closed widgets alive through a style cache and footer watchers (see
    ``tui/ui/textual_workarounds.py``); before the work-arounds each dialog left ~2,000 objects.
    """
    await answered_call(sim, twilio, "+14155550119")
    app = make_app()
    dialogs = (("h", "n"), ("t", "escape"), ("question_mark", "escape"), ("enter", "escape"))

    async def open_and_close_each() -> None:
        for key, close in dialogs:
            await pilot.press(key)
            await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen), key)
            await pilot.press(close)
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), close)

    # Nothing is frozen before this app starts (the fixture unfreezes between tests), so the
    # wait below can only be satisfied by the app's own freeze.
    assert gc.get_freeze_count() == 0
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen.table.row_count > 0, "the first poll")
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0, "the start-up heap frozen")
        await open_and_close_each()  # first-use caches fill here
        gc.collect()
        before = len(gc.get_objects())
        for _ in range(10):
            await open_and_close_each()
        gc.collect()
        grown = len(gc.get_objects()) - before
    assert grown < 3_000, f"40 dialogs left {grown:,} objects behind"
