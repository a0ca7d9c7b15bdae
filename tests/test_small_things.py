"""Small things that add up: version, plain help, refusals that name the right thing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main, missing_config_note
from tui.core.config import load_settings, resolve_credentials
from tui.core.errors import ConfigError
from tui.sim.standalone import build_parser as sim_parser


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("callboard 0.")


def test_sim_help_shows_no_rest_markup() -> None:
    text = sim_parser().format_help()
    assert "``" not in text and "::\n" not in text
    assert "--faults on the command line" in text and "outage=30s@60s" in text


def test_api_url_refusal_talks_about_the_api_not_twiml(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--api-url", "ftp://x"]) == 2
    err = capsys.readouterr().err
    assert "ftp://x" in err and "API" in err and "TwiML" not in err
    with pytest.raises(ConfigError, match="not an API address"):
        resolve_credentials(
            {"TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
             "CALLBOARD_API_URL": "ftp://x"}, load_settings(), None, None)  # fmt: skip


def test_unknown_regions_and_edges_are_refused(tmp_env: Path) -> None:
    config = tmp_env / "config.toml"
    config.write_text(
        '[profiles.mars]\naccount_sid = "AC' + "a" * 32 + '"\nauth_token = "t"\nregion = "mars"\n'
    )
    config.chmod(0o600)
    with pytest.raises(ConfigError, match=r"line 4: region 'mars' is not a Twilio region.*ie1"):
        load_settings()
    config.write_text(config.read_text().replace('"mars"', '"ie1"\nedge = "moon"'))
    with pytest.raises(ConfigError, match=r"edge 'moon' is not a Twilio edge.*dublin"):
        load_settings()
    config.write_text(config.read_text().replace('"moon"', '"dublin"'))
    assert load_settings().profiles["mars"].edge == "dublin"
    env = {"TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t"}
    with pytest.raises(ConfigError, match="TWILIO_REGION: region 'mars'"):
        resolve_credentials({**env, "TWILIO_REGION": "mars"}, load_settings(), None, None)


def test_a_missing_config_file_is_named(tmp_env: Path) -> None:
    note = missing_config_note({"CALLBOARD_CONFIG": str(tmp_env / "config.toml")})
    assert note is not None and "does not exist" in note and "demo mode" in note
    (tmp_env / "config.toml").write_text("")
    assert missing_config_note({"CALLBOARD_CONFIG": str(tmp_env / "config.toml")}) is None


def test_sim_help_runs_as_a_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "sim", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "``" not in out.stdout
