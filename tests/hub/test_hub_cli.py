"""`callboard hub --help` documents the service; bad hub options fail with one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main


def test_hub_help_documents_jetstream_names_and_shutdown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["hub", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    needles = ("JetStream", "callboard_calls_AC", "callboard_floor_AC", "SIGTERM", "--nats")
    for needle in (*needles, "--profile", "callboard.floor.AC"):
        assert needle in text


def test_hub_without_credentials_says_what_is_missing(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hub", "--nats", "nats://127.0.0.1:4222"]) == 2
    assert "needs credentials" in capsys.readouterr().err


def test_hub_url_must_be_nats(tmp_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "--nats", "http://example.com"]) == 2
    assert "nats://" in capsys.readouterr().err


def test_console_hub_without_url_outside_the_demo_is_refused(
    tmp_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "x" * 32)
    assert main(["--hub"]) == 2
    assert "--hub needs the NATS URL" in capsys.readouterr().err
