"""The real console against a hostile Twilio-compatible API: what the supervisor sees.

:mod:`tests.reliability.hostile_api` speaks Twilio's shapes (account, listing with paging, fetch,
update) through the real SDK, but fills them with what a compromised proxy or the callers
themselves could send: terminal escape sequences, Textual markup, odd statuses, bidi and
zero-width characters, poisoned numbers and dates, paging links to another host, endless paging.

For every input the test asserts what a supervisor would notice: the console keeps running, no
control, bidi or zero-width character reaches the rendered screen or its SVG, the call is still
listed (with the bad field shown as unknown) and the header says when records could not be read,
when a paging link was refused and when a listing was cut. The inputs, with what was shown, are
in ``tests/reliability/results/bad_inputs.md`` (see :mod:`tests.reliability.bad_inputs_file`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import pytest

from tests.reliability import bad_inputs_file
from tests.reliability.bad_inputs_file import cell
from tests.reliability.hostile_api import (
    HostileApi,
    call_record,
    forbidden_in,
    hostile_api,
    screen_lines,
)
from tests.ui.conftest import RecordingApp, wait_until
from tests.ui.screen_harness import table_rows, widget_lines
from tui.core.config import load_settings
from tui.core.session import backend_factory
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.status_header import StatusHeader

SIZE: Final = (160, 50)
RECORDS_SECTION: Final = "hostile-records"
PAGING_SECTION: Final = "hostile-paging"

HOSTILE_RECORDS: Final[list[tuple[str, str, Any]]] = [
    # (case, Twilio field, value served)
    ("ESC[2J clears the screen", "from", "+1415\x1b[2J5550100"),
    ("OSC 0 retitles the pane", "caller_name", "\x1b]0;pwned\x07Ann"),
    ("OSC 8 hyperlink", "to", "\x1b]8;;https://evil.example/\x1b\\+14155550101\x1b]8;;\x1b\\"),
    ("OSC 52 writes the clipboard", "answered_by", "\x1b]52;c;cm0gLXJmIH4=\x07"),
    ("CR overwrites the row", "from", "+14155550100\r+19005550199"),
    ("BS erases digits", "to", "+1415555\x08\x08\x080199"),
    ("BEL rings", "caller_name", "Bob\x07\x07\x07"),
    ("NUL byte", "from", "+1415\x005550100"),
    ("DEL", "to", "+1415\x7f5550101"),
    ("C1 CSI (U+009B)", "from", "+1415\x9b2J5550100"),
    ("C1 OSC (U+009D)", "caller_name", "\x9d0;pwned\x9cEve"),
    ("markup [/x]", "caller_name", "[/x]"),
    ("markup [bold]", "from", "[bold]+14155550100"),
    ("markup [link]", "to", "[link=https://evil.example]+14155550101[/link]"),
    ("status on.hold", "status", "on.hold"),
    ("status wrapping.up", "status", "wrapping.up"),
    ("status écoute", "status", "écoute"),
    ("status [/x]", "status", "[/x]"),
    ("status empty", "status", ""),
    ("bidi override U+202E in a number", "from", "+1415555\u202e0010"),
    ("bidi isolate U+2066 in a number", "to", "\u2066+14155550101\u2069"),
    ("zero-width space in a number", "from", "+1415\u200b5550100"),
    ("byte-order mark in a number", "to", "\ufeff+14155550101"),
    ("duration 1e999", "duration", "1e999"),
    ("duration NaN", "duration", "NaN"),
    ("queue_time NaN", "queue_time", "NaN"),
    ("start_time year 1", "start_time", "Mon, 01 Jan 0001 00:00:00 +1400"),
    ("start_time year 9999", "start_time", "Fri, 31 Dec 9999 23:59:59 -1200"),
    ("date_created year 1", "date_created", "Mon, 01 Jan 0001 00:00:00 +0000"),
    ("start_time not a date", "start_time", "yesterday\x1b[2J"),
    ("100 kB caller_name", "caller_name", "A" * 100_000),
    ("direction with escapes", "direction", "inbound\x1b[31m"),
    ("number as a JSON object", "from", {"[/x]": "\x1b[2J"}),
]

ACCOUNT_NAME: Final = "[/x]Acme\x1b]0;pwned\x07\x1b[2J"
MARKUP_SID: Final = "CA[/x]" + "0" * 20 + "[b]\x1b[2J"

SEEN: dict[str, str] = {}
"""Case → what the detail screen showed for the field (for the results file)."""

HEADER_SEEN: list[str] = []
"""The header's health line while the hostile records were listed."""

PAGING_SEEN: dict[str, tuple[str, str]] = {}
"""Case → (what was served, what the header said)."""


@pytest.fixture
async def hostile(tmp_env: Path) -> AsyncIterator[HostileApi]:
    async with hostile_api() as api:
        yield api


def make_app(hostile: HostileApi) -> RecordingApp:
    settings = replace(load_settings(), poll_interval_s=0.5)
    return RecordingApp(backend_factory(hostile.credentials(), settings), settings, mode_label="T")


def assert_clean(app: RecordingApp, where: str, *, svg: bool = True) -> str:
    """No forbidden character in the rendered lines (and, with ``svg``, in the screenshot)."""
    lines = screen_lines(app)
    assert not forbidden_in("".join(lines)), f"{where}: {forbidden_in(''.join(lines))} on screen"
    if svg:
        shot = app.export_screenshot().replace("\n", "")
        assert not forbidden_in(shot), f"{where}: {forbidden_in(shot)} in the screenshot"
    return "\n".join(lines)


def header_text(app: RecordingApp) -> str:
    return str(app.main_screen.query_one(StatusHeader).render())


def detail_value(app: RecordingApp, field: str) -> str:
    """The value the open detail screen shows next to ``field``, read off its painted lines.

    Names take the first 18 cells (right-aligned), values start two cells after; a value that
    wrapped is read back as its lines joined by a space.
    """
    for name, value in table_rows(widget_lines(app.screen.query_one("#fields")), [0, 20]):
        if name == field:
            return value
    raise AssertionError(f"the detail shows no field {field!r}")


async def test_hostile_records_are_listed_inert_and_polling_goes_on(
    hostile: HostileApi,
) -> None:
    hostile.friendly_name = ACCOUNT_NAME
    sids = {}
    for n, (case, field, value) in enumerate(HOSTILE_RECORDS, start=1):
        sids[case] = hostile.add(n, **{field: value})
    hostile.records[MARKUP_SID] = call_record(hostile.account_sid, MARKUP_SID)
    app = make_app(hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = app.main_screen.table
        await wait_until(
            pilot, lambda: all(table.get_call(sid) for sid in sids.values()), "every call listed"
        )
        await wait_until(pilot, lambda: "Acme" in header_text(app), "the account name")
        before = len(hostile.seen)
        await wait_until(pilot, lambda: len(hostile.seen) > before + 3, "polling to go on")
        text = assert_clean(app, "the table")
        assert "[/x]Acme␛]0;pwned␇" in text, "the account name is shown as text"
        header = header_text(app)
        assert "LIVE" in header, header
        # Poisoned numbers and dates: the calls are listed, and the header counts the records.
        assert "records unreadable" in header, header
        HEADER_SEEN.append(header.split("\n")[-1].split("│  LIVE")[0].strip())

        by_sid = {sid: case for case, sid in sids.items()}
        fields = {case: field for case, field, _value in HOSTILE_RECORDS}
        await pilot.press("home")
        for index in range(table.row_count):  # every row, top to bottom: open its detail
            if index:
                await pilot.press("down")
            call = table.cursor_call
            assert call is not None and table.cursor_index == index
            found = by_sid.get(call.sid)
            if found is None:
                continue  # the markup SID: its detail is checked in test_hostile_screens
            case = found
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen), case)
            assert_clean(app, case, svg=False)  # the SVG is checked once, after (slow to make)
            SEEN[case] = detail_value(app, fields[case])
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "closed")
        assert app.is_running

    # What the supervisor saw, field by field.
    for case, _field, value in HOSTILE_RECORDS:
        shown = SEEN[case]
        assert not forbidden_in(shown), (case, shown)
        if isinstance(value, str) and "[" in value:
            assert "[" in shown, f"{case}: the brackets were eaten as markup: {shown!r}"
    assert SEEN["ESC[2J clears the screen"].startswith("+1415␛[2J")
    assert "⟨U+202E⟩" in SEEN["bidi override U+202E in a number"]
    assert "⟨U+200B⟩" in SEEN["zero-width space in a number"]
    assert len(SEEN["100 kB caller_name"]) < 1_000


FOREIGN_PAGING: Final[list[str]] = [
    "absolute URL on another host",
    "scheme-relative URL (//host/…)",
    "same host, another port",
]


@pytest.mark.parametrize("case", FOREIGN_PAGING)
async def test_paging_links_to_another_host_get_no_credentials(
    hostile: HostileApi, case: str
) -> None:
    hostile.add(1)
    foreign_host_port = hostile.foreign_url.removeprefix("http://")
    api_port = hostile.base_url.rsplit(":", 1)[1]
    path = f"/2010-04-01/Accounts/{hostile.account_sid}/Calls.json?Page=1"
    link = {
        "absolute URL on another host": f"{hostile.foreign_url}{path}",
        "scheme-relative URL (//host/…)": f"//{foreign_host_port}{path}",
        "same host, another port": f"http://127.0.0.1:{int(api_port) ^ 1}{path}",
    }[case]
    hostile.next_page = lambda status, page: link if status == "in-progress" and page == 0 else None
    app = make_app(hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(
            pilot,
            lambda: "NO DATA" in header_text(app) or "STALE" in header_text(app),
            "the refusal",
        )
        await pilot.pause(0.6)
        assert_clean(app, case)
        header = header_text(app)
        PAGING_SEEN[case] = (
            link.replace(hostile.account_sid, "AC…"),
            header.split("│")[-1].strip(),
        )
        assert app.is_running
    assert not [seen for seen in hostile.foreign_requests() if seen.authorization]
    assert not hostile.foreign_requests(), "nothing at all is sent to another host"


async def test_endless_paging_is_cut_and_said(hostile: HostileApi) -> None:
    hostile.add(1)
    path = f"/2010-04-01/Accounts/{hostile.account_sid}/Calls.json"
    hostile.next_page = lambda status, page: f"{path}?Status={status}&PageSize=50&Page={page + 1}"
    app = make_app(hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(
            pilot,
            lambda: "STALE" in header_text(app) or "NO DATA" in header_text(app),
            "the cut listing to be said",
            within=30,
        )
        assert_clean(app, "endless paging")
        header = header_text(app)
        PAGING_SEEN["endless next_page_uri"] = (
            f"{path.replace(hostile.account_sid, 'AC…')}?Page=N+1, forever",
            header.split("│")[-1].strip(),
        )
        assert app.is_running


def test_results_file_lists_every_hostile_input() -> None:
    """``bad_inputs.md`` names every case above (regenerate: ``scripts/bad_inputs.py``)."""
    if bad_inputs_file.writing():
        pytest.skip("the file is being regenerated by this run")
    names = [case for case, _field, _value in HOSTILE_RECORDS]
    assert not bad_inputs_file.missing_cases(RECORDS_SECTION, names), "run scripts/bad_inputs.py"
    paging = [*FOREIGN_PAGING, "endless next_page_uri"]
    assert not bad_inputs_file.missing_cases(PAGING_SECTION, paging), "run scripts/bad_inputs.py"


@pytest.fixture(scope="module", autouse=True)
def write_results() -> Any:
    yield
    if not bad_inputs_file.writing():
        return
    if SEEN:
        bad_inputs_file.write_section(
            RECORDS_SECTION,
            "Hostile call records (a Twilio-compatible API, the real console)",
            "Generated by `tests/reliability/test_hostile_endpoint.py`. Each record was served "
            "in a listing; the console kept polling, the rendered screen and its SVG held no "
            "control, bidi or zero-width character, and the call's detail showed the value below. "
            f"The header said: `{cell(HEADER_SEEN[0] if HEADER_SEEN else '', 200)}`.",
            ("case", "field", "served", "detail shows"),
            [
                (cell(case), f"`{field}`", f"`{cell(_served(value))}`", cell(SEEN[case], 80))
                for case, field, value in HOSTILE_RECORDS
                if case in SEEN
            ],
        )
    if PAGING_SEEN:
        bad_inputs_file.write_section(
            PAGING_SECTION,
            "Hostile paging (next_page_uri)",
            "Generated by `tests/reliability/test_hostile_endpoint.py`. No request reached "
            "another host (so no Authorization header did); the header said what happened.",
            ("case", "next_page_uri served", "header shows"),
            [
                (cell(case), f"`{cell(link, 90)}`", cell(said, 200))
                for case, (link, said) in PAGING_SEEN.items()
            ],
        )


def _served(value: object) -> str:
    return value if isinstance(value, str) else repr(value)
