"""The command line: what a user typing `callboard …` sees when something is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.ui.app import CallboardApp


def test_api_url_without_credentials_is_refused_not_turned_into_a_demo(
    tmp_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[CallboardApp] = []
    monkeypatch.setattr(CallboardApp, "run", lambda self, *a, **k: started.append(self))
    assert main(["--api-url", "http://127.0.0.1:8080"]) == 2
    err = capsys.readouterr().err
    assert "needs credentials" in err and "TWILIO_AUTH_TOKEN" in err
    assert "Traceback" not in err
    assert started == []


def test_no_credentials_at_all_starts_the_labelled_demo(
    tmp_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[CallboardApp] = []
    monkeypatch.setattr(CallboardApp, "run", lambda self, *a, **k: started.append(self))
    assert main([]) == 0
    [app] = started
    assert "DEMO" in app.main_screen.mode_label
