"""Bad input through the screens a supervisor uses: a clear message, the dialog stays, none sent.

Each case is typed (or pasted: the widget's value is set) into the real TwiML editor or the transfer
dialog of the running app, then sent with ``ctrl+s``. The proof that nothing was sent is the
simulator's own request log: no update request for the call. Call SIDs have no input field (they
come from the table), so malformed ones go straight to :class:`ActionService`.

The inputs and the messages shown are listed in ``tests/reliability/results/bad_inputs.md``: the
default run checks the file names every case; ``scripts/bad_inputs.py`` regenerates it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from tests.reliability import bad_inputs_file
from tests.reliability.bad_inputs_file import cell
from tests.ui.conftest import AppMaker, RecordingApp, wait_until
from tests.ui.test_app import answered_call, show_only, update_requests
from tui.core.actions import ActionService
from tui.core.audit import AuditLog
from tui.core.errors import ValidationError
from tui.core.models import Call
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator
from tui.ui.screens.transfer import TransferScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen

SIZE = (150, 40)
PASSWORD = "hunter2-Pw9"

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    ' <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n'
    "]>\n<Response><Say>&lol9;</Say></Response>"
)

# (name, TwiML, words the message must contain, line it must name or None)
BAD_TWIML: list[tuple[str, str, tuple[str, ...], int | None]] = [
    ("not XML", "hello, caller", ("not XML",), 1),
    ("wrong root", "<Speak><Say>hi</Say></Speak>", ("root element", "<Response>"), 1),
    (
        "unknown verb",
        "<Response>\n  <Say>Hello</Say>\n  <Shout>hey</Shout>\n</Response>",
        ("unknown TwiML verb <Shout>",),
        3,
    ),
    (
        "over 4,000 characters",
        "<Response><Say>" + "a" * 4100 + "</Say></Response>",
        ("4,132 characters", "at most 4,000"),
        1,
    ),
    (
        "a DTD",
        '<!DOCTYPE Response SYSTEM "http://attacker.example/x.dtd">\n<Response/>',
        ("DOCTYPE", "refused without being expanded"),
        1,
    ),
    (
        "external entity (XXE)",
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<Response><Say>&x;</Say></Response>",
        ("entity declaration", "refused without being expanded"),
        2,
    ),
    (
        "internal entity",
        '<Response>\n<!DOCTYPE r [<!ENTITY x "hi">]>\n<Say>&x;</Say></Response>',
        ("entity declaration",),
        2,
    ),
    ("entity-expansion bomb", BILLION_LAUGHS, ("DOCTYPE", "refused without being expanded"), 2),
    (
        "number not E.164 in <Dial>",
        "<Response>\n<Dial>\n<Number>555-0100</Number>\n</Dial>\n</Response>",
        ("not an E.164 phone number",),
        3,
    ),
]

# (name, URL, words the message must contain)
BAD_URLS: list[tuple[str, str, tuple[str, ...]]] = [
    ("relative", "/twiml/sales", ("relative",)),
    ("javascript:", "javascript:alert(1)", ("scheme 'javascript' is not allowed",)),
    ("ftp://", "ftp://example.com/menu.xml", ("scheme 'ftp' is not allowed",)),
    ("file://", "file:///etc/passwd", ("scheme 'file' is not allowed",)),
    ("space", "https://exa mple.com/menu", ("space at character 12",)),
    ("tab", "https://example.com/a\tb", ("a tab at character 22",)),
    ("control character", "https://example.com/\x07menu", ("control character (U+0007)",)),
    ("zero-width space", "https://exa\u200bmple.com/", ("control character (U+200B)",)),
    ("credentials", f"https://ana:{PASSWORD}@example.com/menu", ("user name or password",)),
    ("no host", "https:///menu", ("no host",)),
]

BAD_SIDS: list[tuple[str, str]] = [
    ("too short", "CA123"),
    ("upper-case hex", "CA" + "ABCDEF0123456789" * 2),
    ("account SID", "AC" + "0" * 32),
    ("one digit too many", "CA" + "0" * 33),
    ("path traversal", "CA" + "0" * 30 + "/../../Accounts"),
    ("empty", ""),
]

_table: dict[str, list[tuple[str, str, str]]] = {}

SECTIONS: dict[str, tuple[str, list[str]]] = {
    "TwiML (editor, ctrl+s)": (
        "bad-twiml",
        [name for name, *_ in BAD_TWIML] + ["snippet value not E.164"],
    ),
    "Transfer URL (Other URL box, ctrl+s)": (
        "bad-urls",
        [name for name, *_ in BAD_URLS] + ["plain http (allowed)"],
    ),
    "Call SIDs (ActionService, every action)": ("bad-sids", [name for name, _ in BAD_SIDS]),
}
"""Section title → (section id in ``bad_inputs.md``, every case name the tests below try)."""


@pytest.fixture(scope="module", autouse=True)
def bad_inputs_table() -> Iterator[None]:
    """Collect every case's input and message; with the opt-in variable, write them out.

    The default run writes nothing tracked (``scripts/bad_inputs.py`` regenerates the file);
    :func:`test_results_file_lists_every_bad_input` checks that the file names every case.
    """
    yield
    if not bad_inputs_file.writing():
        return
    for title, rows in _table.items():
        section = SECTIONS[title][0]
        bad_inputs_file.write_section(
            section,
            title,
            "Generated by `tests/reliability/test_bad_input.py`. Every input below was refused "
            "with the message shown, the dialog stayed open, and the simulator's request log "
            "shows no update request for the call.",
            ("case", "input", "message shown"),
            [(cell(name), f"`{cell(given)}`", cell(said, 400)) for name, given, said in rows],
        )


def test_results_file_lists_every_bad_input() -> None:
    """``bad_inputs.md`` names every case tried here (regenerate: ``scripts/bad_inputs.py``)."""
    if bad_inputs_file.writing():
        pytest.skip("the file is being regenerated by this run")
    for section, names in SECTIONS.values():
        missing = bad_inputs_file.missing_cases(section, names)
        assert not missing, f"bad_inputs.md lacks {missing}: run scripts/bad_inputs.py"


def _status(app: RecordingApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_bad_twiml_in_the_editor_is_refused_with_line_and_reason(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550131")
    rows = _table.setdefault("TwiML (editor, ctrl+s)", [])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TwimlEditorScreen), "the editor")
        editor = app.screen.query_one("#editor", TextArea)
        for name, text, words, line in BAD_TWIML:
            editor.text = text
            await pilot.press("ctrl+s")
            await pilot.pause(0.05)
            message = _status(app, "#status")
            rows.append((name, text, message))
            assert isinstance(app.screen, TwimlEditorScreen), f"{name}: the editor closed"
            assert message.startswith("✗"), f"{name}: {message}"
            for word in words:
                assert word in message, f"{name}: {message!r} lacks {word!r}"
            if line is not None:
                assert f"line {line}" in message.lower(), f"{name}: {message!r} lacks line {line}"
                assert editor.cursor_location[0] == line - 1, f"{name}: cursor not on the line"
            assert "root:" not in message  # nothing was read from /etc/passwd

        # A snippet whose number is not E.164: the form refuses it, the editor never sends.
        snippets = app.screen.query_one("#snippets", OptionList)
        snippets.focus()
        snippets.highlighted = 2  # "Transfer to an agent": <Number>{agent_number}</Number>
        await pilot.press("enter")
        await pilot.pause(0.1)
        field = app.screen.query_one("#form").query_one(Input)
        field.value = "(415) 555-0100"
        await pilot.pause(0.05)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        message = _status(app, "#status")
        rows.append(("snippet value not E.164", "agent_number = (415) 555-0100", message))
        assert isinstance(app.screen, TwimlEditorScreen)
        assert "agent_number" in message and "not an E.164 phone number" in message
        await pilot.press("escape")
    assert update_requests(sim, sid) == []


async def test_bad_urls_in_the_transfer_dialog_are_refused(
    sim: EmbeddedSimulator, twilio: TwilioAccess, make_app: AppMaker
) -> None:
    sid = await answered_call(sim, twilio, "+14155550132")
    rows = _table.setdefault("Transfer URL (Other URL box, ctrl+s)", [])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_only(pilot, app, sid)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen), "the dialog")
        box = app.screen.query_one("#url", Input)
        for name, url, words in BAD_URLS:
            box.value = url
            await pilot.pause(0.02)
            await pilot.press("ctrl+s")
            await pilot.pause(0.05)
            message = _status(app, "#message")
            rows.append((name, url, message))
            assert isinstance(app.screen, TransferScreen), f"{name}: the dialog closed"
            for word in words:
                assert word in message, f"{name}: {message!r} lacks {word!r}"
            assert PASSWORD not in message

        # Typed key by key, like a supervisor would: the same refusal.
        box.value = ""
        box.focus()
        await pilot.press(*"ftp://x.example/a", "ctrl+s")
        await pilot.pause(0.05)
        assert "scheme 'ftp'" in _status(app, "#message")

        # Plain http is allowed, but the first press only warns; nothing is sent yet.
        box.value = "http://example.com/menu"
        await pilot.pause(0.02)
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)
        warning = _status(app, "#message")
        rows.append(("plain http (allowed)", box.value, warning + " [warned, not refused]"))
        assert isinstance(app.screen, TransferScreen)
        assert "plain http" in warning and "press again" in warning
        await pilot.press("escape")
        screen_text = app.export_screenshot()
    assert update_requests(sim, sid) == []
    assert PASSWORD not in app.toast_text() and PASSWORD not in screen_text


def _call(sid: str) -> Call:
    return Call(
        sid=sid,
        parent_call_sid=None,
        direction="inbound",
        from_="+14155550100",
        to="+14155550101",
        status="in-progress",
        start_time=None,
        date_created=None,
        date_updated="",
        duration=None,
        queue_time_ms=None,
        answered_by=None,
    )


async def test_malformed_call_sids_are_refused_before_sending(
    sim: EmbeddedSimulator, twilio: TwilioAccess, tmp_env: Path
) -> None:
    audit = AuditLog(tmp_env / "sids-audit.jsonl")
    actions = ActionService(twilio, audit, operator="test")
    rows = _table.setdefault("Call SIDs (ActionService, every action)", [])
    before = len(sim.request_log)
    for name, sid in BAD_SIDS:
        messages = set()
        for attempt in (
            actions.hang_up([_call(sid)]),
            actions.inject_twiml([_call(sid)], "<Response><Hangup/></Response>"),
            actions.redirect([_call(sid)], "https://example.com/menu"),
        ):
            with pytest.raises(ValidationError) as caught:
                await attempt
            messages.add(str(caught.value))
        [message] = messages
        rows.append((name, sid, message))
        assert "Call SID" in message
    assert sim.request_log[before:] == []
    assert audit.entries() == []
