"""[supervisor] and [floor] in config.toml: good values are read, every mistake names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.config import load_settings
from tui.core.errors import ConfigError
from tui.core.floor.settings import DEFAULT_BUDGET


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path)


def test_supervisor_and_floor_are_read(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        '[supervisor]\ndevice = "sip:ana@example.sip.twilio.com"\ncaller_id = "+14155550100"\n'
        'hold_music_url = "https://example.com/hold.mp3"\n\n[floor]\nrequest_budget = 40\n'
        "poll_interval = 5\n",
    )
    floor = settings.floor
    assert floor.request_budget == 40
    assert floor.poll_interval_s == 5.0
    assert floor.supervisor.device == "sip:ana@example.sip.twilio.com"
    assert floor.supervisor.caller_id == "+14155550100"
    assert floor.supervisor.hold_music_url == "https://example.com/hold.mp3"
    assert floor.supervisor.missing() is None


def test_missing_tables_mean_defaults_and_a_sentence_before_dialling(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[callboard]\noperator = "ana"\n')
    assert settings.floor.request_budget == DEFAULT_BUDGET
    missing = settings.floor.supervisor.missing()
    assert missing is not None and "[supervisor]" in missing and "device" in missing


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[supervisor]\ndevice = "ana"\ncaller_id = "+14155550100"\n', 2, "client:"),
        ('[supervisor]\ndevice = "client:ana"\ncaller_id = "12345"\n', 3, "E.164"),
        ('[supervisor]\ndevice = "client:ana"\n', 2, "caller_id"),
        (
            '[supervisor]\ndevice = "client:ana"\ncaller_id = "+14155550100"\n'
            'hold_music_url = "ftp://x"\n',
            4,
            "hold_music_url",
        ),
        ("[supervisor]\ndevise = 1\n", 2, "did you mean 'device'"),
        ("[floor]\nrequest_budget = 0\n", 2, "from 1 to 500"),
        ('[floor]\nrequest_budget = "ten"\n', 2, "whole number"),
        ("[floor]\npoll_interval = 0.1\n", 2, "between 1 and 300"),
    ],
)
def test_mistakes_stop_with_file_line_and_reason(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert f"config.toml, line {line}:" in message
    assert words in message
