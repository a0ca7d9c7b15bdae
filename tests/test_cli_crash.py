"""A crash exits non-zero (70) with a short report in the log directory, without secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.core.crash import EXIT_CRASH, crash_report
from tui.ui.app import CallboardApp
from tui.ui.widgets.status_header import StatusHeader

TOKEN = "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_a_crash_in_the_console_exits_70_with_a_report(
    tmp_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)  # a secret the process knows (demo ignores it)
    original_run = CallboardApp.run

    def headless_run(self: CallboardApp, *args: Any, **kwargs: Any) -> Any:
        return original_run(self, *args, headless=True, **kwargs)

    def broken_render(self: StatusHeader) -> Any:
        raise RuntimeError(f"header exploded near \x1b[2J{TOKEN}")

    monkeypatch.setattr(CallboardApp, "run", headless_run)
    monkeypatch.setattr(StatusHeader, "render", broken_render)
    assert main(["--demo", "--calls", "3"]) == EXIT_CRASH
    err = capsys.readouterr().err
    assert "the console crashed (RuntimeError)" in err
    reports = list((tmp_env / "logs").glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in err
    report = reports[0].read_text(encoding="utf-8")
    assert "builtins.RuntimeError: header exploded near" in report
    assert "test_cli_crash.py" in report and "in broken_render" in report
    assert TOKEN not in report and TOKEN not in err and "\x1b" not in report
    assert "locals" not in err.lower() and "Traceback" not in err
    assert reports[0].stat().st_mode & 0o077 == 0


def test_a_crash_outside_the_app_exits_70_too(
    tmp_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("settings")

    monkeypatch.setattr("tui.cli.load_settings", explode)
    assert main(["--demo"]) == EXIT_CRASH
    assert "a short report is in" in capsys.readouterr().err
    assert list((tmp_env / "logs").glob("crash-*.txt"))


def test_the_report_is_short_and_names_the_chain() -> None:
    try:
        try:
            missing: dict[str, int] = {}
            missing["missing"]
        except KeyError as inner:
            raise ValueError("x" * 10_000) from inner
    except ValueError as error:
        report = crash_report(error, secrets=[])
    assert "builtins.ValueError" in report and "builtins.KeyError" in report
    assert len(report) < 3_000
