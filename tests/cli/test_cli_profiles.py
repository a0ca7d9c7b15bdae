"""`callboard profiles list|import`: twilio-cli's profiles become Callboard's, secrets unseen."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import SimThread
from tui.cli import main
from tui.cli_calls import Exit
from tui.core.config import load_settings

ACCOUNT = "AC" + "a" * 32
KEY = "SK" + "b" * 32
SECRET = "s3cr3t-value-never-shown"


def write_twilio_cli_config(path: Path, profiles: dict[str, object], **extra: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"profiles": profiles, **extra}), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["profiles", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_writes_a_private_config_the_console_loads_without_showing_secrets(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_twilio_cli_config(
        tmp_env / "twilio-cli" / "config.json",
        {
            "night": {"accountSid": ACCOUNT, "apiKey": KEY, "apiSecret": SECRET, "region": "ie1"},
            "broken": {"accountSid": "ACnope", "apiKey": KEY, "apiSecret": SECRET},
        },
        activeProfile="night",
        edge="dublin",
        projects=[{"id": "legacy", "accountSid": ACCOUNT}],
    )
    config = tmp_env / "config.toml"
    config.write_text('[callboard]\noperator = "ana"  # keep me\n', encoding="utf-8")
    code, out, err = run(capsys, "import", "--from", str(source))
    assert code == Exit.PARTIAL  # night imported; broken and legacy skipped with reasons
    assert "imported night" in out and KEY in out
    assert "skipped broken" in err and "skipped legacy" in err and "keychain" in err
    assert 'default_profile = "night"' in out
    assert SECRET not in out + err
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert "# keep me" in config.read_text()
    profile = load_settings(config).profiles["night"]
    assert (profile.account_sid, profile.api_key, profile.region, profile.edge) == (
        ACCOUNT,
        KEY,
        "ie1",
        "dublin",
    )
    assert profile.api_secret is not None and profile.api_secret.reveal() == SECRET

    code, out, err = run(capsys, "list")
    assert code == Exit.OK and "night" in out and ACCOUNT in out and SECRET not in out + err
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out)[0]["login"] == "api_key" and SECRET not in out


def test_an_existing_profile_is_kept_unless_forced(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "AC" + "c" * 32
    source = write_twilio_cli_config(
        tmp_env / "cli.json", {"day": {"accountSid": other, "apiKey": KEY, "apiSecret": SECRET}}
    )
    config = tmp_env / "config.toml"
    config.write_text(
        f'[profiles.day]\naccount_sid = "{ACCOUNT}"\nauth_token = "tok"\n\n'
        '[[destinations]]\nname = "Main"\nurl = "https://example.com/main"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    before = config.read_text()
    code, _, err = run(capsys, "import", "--from", str(source))
    assert code == Exit.REFUSED and "--force" in err
    assert config.read_text() == before
    code, out, _ = run(capsys, "import", "day", "--from", str(source), "--force")
    assert code == Exit.OK and "imported day" in out
    settings = load_settings(config)
    assert settings.profiles["day"].account_sid == other
    assert [d.name for d in settings.destinations] == ["Main"]


def test_bad_sources_are_config_errors_and_write_nothing(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", "--from", str(tmp_env / "missing.json"))
    assert code == Exit.CONFIG and "no twilio-cli config" in err
    (tmp_env / "bad.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "import", "--from", str(tmp_env / "bad.json"))
    assert code == Exit.CONFIG and "not valid JSON" in err
    good = write_twilio_cli_config(
        tmp_env / "ok.json", {"x": {"accountSid": ACCOUNT, "apiKey": KEY, "apiSecret": SECRET}}
    )
    code, _, err = run(capsys, "import", "nobody", "--from", str(good))
    assert code == Exit.CONFIG and "no profile named nobody" in err
    assert not (tmp_env / "config.toml").exists()


def test_an_imported_api_key_profile_reaches_the_account(
    sim_thread: SimThread, tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = sim_thread.sim
    source = write_twilio_cli_config(
        tmp_env / "cli.json",
        {
            "sim": {
                "accountSid": sim.account_sid,
                "apiKey": sim.api_key_sid,
                "apiSecret": sim.api_key_secret,
            }
        },
    )
    assert run(capsys, "import", "--from", str(source))[0] == Exit.OK
    code = main(["calls", "list", "--json", "--profile", "sim", "--api-url", sim.base_url])
    out, _ = capsys.readouterr()
    assert code == Exit.OK
    assert {c["sid"] for c in json.loads(out)} == set(sim_thread.live_sids())


def test_read_only_must_be_a_boolean(tmp_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_env / "config.toml"
    config.write_text(
        f'[profiles.board]\naccount_sid = "{ACCOUNT}"\napi_key = "{KEY}"\napi_secret = "x"\n'
        'read_only = "yes"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    code, _, err = run(capsys, "list")
    assert code == Exit.CONFIG and "line 5" in err and "read_only must be true or false" in err
