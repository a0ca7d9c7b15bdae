"""Keys a supervisor can change, vim movement, bulk marks, copy/paste and quitting safely.

Pilot drives the real console against the simulator over HTTP.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from textual import events

from tests.ui.conftest import AppMaker, wait_until
from tui.core.config import load_settings
from tui.core.errors import ConfigError
from tui.ui.clipboard import NotCopyable, osc52
from tui.ui.keymap import checked_keymap, known_bindings
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.quit_confirm import ConfirmQuitScreen
from tui.ui.widgets.status_header import StatusHeader

SIZE = (140, 40)


def write_config(tmp_env: Path, text: str) -> None:
    (tmp_env / "config.toml").write_text(text)


async def test_vim_keys_move_the_cursor(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 5, "the first poll")
        await pilot.press("j", "j")
        assert table.cursor_index == 2
        await pilot.press("k")
        assert table.cursor_index == 1
        await pilot.press("G")
        assert table.cursor_index == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_index == 0


async def test_a_remapped_key_works_and_help_and_footer_show_it(
    tmp_env: Path, make_app: AppMaker
) -> None:
    write_config(tmp_env, '[keys]\ncursor-down = "ctrl+n"\nhelp = "f1"\n')
    app = make_app(settings=load_settings())
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 5, "the first poll")
        await pilot.press("ctrl+n", "ctrl+n")
        assert table.cursor_index == 2
        await pilot.press("j")  # replaced by the keymap: no longer moves
        assert table.cursor_index == 2
        footer_keys = {b.binding.id: key for key, b in app.screen.active_bindings.items()}
        assert footer_keys.get("help") == "f1"
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        shown = dict((d, k) for k, d in app.screen.key_bindings)  # type: ignore[attr-defined]
        assert shown["Down"] == "^n"
        assert shown["Help"] == "f1"


def test_unknown_binding_ids_and_clashes_are_refused_by_name(tmp_env: Path) -> None:
    with pytest.raises(ConfigError, match=r"names no binding 'hangup'.*did you mean 'hang-up'"):
        checked_keymap({"hangup": "x"}, tmp_env / "config.toml")
    with pytest.raises(ConfigError, match="'t' would do both"):
        checked_keymap({"hang-up": "t"})
    write_config(tmp_env, '[keys]\nfloor.listen = "l"\n')
    with pytest.raises(ConfigError, match=r"line 2.*no dots"):
        load_settings()
    write_config(tmp_env, '[keys]\nhang-up = "ctrl h"\n')
    with pytest.raises(ConfigError, match="is not a key"):
        load_settings()


def test_every_binding_id_is_kebab_case_and_unique_per_class() -> None:
    seen: dict[tuple[str, str], int] = {}
    for item in known_bindings():
        assert "." not in item.id and item.id == item.id.lower(), item.id
        key = (item.owner.__qualname__, item.id)
        seen[key] = seen.get(key, 0) + 1
    assert all(count == 1 for count in seen.values())
    ids = {item.id for item in known_bindings()}
    assert {"cursor-down", "hang-up", "mark-all", "copy-sid", "quit"} <= ids


async def test_mark_all_invert_and_clear(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 5, "the first poll")
        await pilot.press("space")  # the first call
        first = table.get_call_at(0).sid
        await pilot.press("i")
        assert first not in table.marked_sids
        assert len(table.marked_sids) == table.row_count - 1
        await pilot.press("u")
        assert not table.marked_sids
        await pilot.press("a")
        assert len(table.marked_sids) == table.row_count
        header = app.main_screen.query_one(StatusHeader)
        await wait_until(pilot, lambda: header.marked == table.row_count, "the marked count")


def test_osc52_is_base64_and_refuses_control_text() -> None:
    sequence = osc52("CA" + "0" * 32)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert base64.b64decode(sequence[7:-1]).decode() == "CA" + "0" * 32
    for bad in ("", "a\x1b]52;c;x\x07", "two\nlines", "x" * 1000):
        with pytest.raises(NotCopyable):
            osc52(bad)


async def test_copy_sid_and_paste_a_sid_to_jump(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 5, "the first poll")
        await pilot.press("j", "j", "j", "y")
        target = table.get_call_at(3)
        assert app.clipboard == target.sid
        await pilot.press("g")
        assert table.cursor_index == 0
        table.post_message(events.Paste(f"  {target.sid}\n"))
        await wait_until(pilot, lambda: table.cursor_index == 3, "the jump to the pasted SID")
        table.post_message(events.Paste("hello"))
        await wait_until(pilot, lambda: "Paste a Call SID" in app.toast_text(), "the refusal")


async def test_q_quits_at_once_with_nothing_pending(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen.table.row_count > 0, "the first poll")
        await pilot.press("q")
        await wait_until(pilot, lambda: app._exit, "the app to quit")


async def test_quitting_with_marks_or_a_dialog_asks_first(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 0, "the first poll")
        await pilot.press("space", "q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question")
        assert "1 call is marked." in app.screen.pending  # type: ignore[attr-defined]
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is app.main_screen, "back to the table")
        assert not app._exit and table.marked_sids
        await pilot.press("u", "t")  # a dialog open, no marks: ctrl+q asks too
        await wait_until(pilot, lambda: app.screen is not app.main_screen, "the editor")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen), "the question")
        assert any("dialog" in line for line in app.screen.pending)  # type: ignore[attr-defined]
        await pilot.press("y")
        await wait_until(pilot, lambda: app._exit, "the app to quit")
