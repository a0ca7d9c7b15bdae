"""config.toml and credentials: every problem stops the app with file, line and reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core import config
from tui.core.config import (
    Destination,
    Settings,
    audit_log_path,
    config_path,
    load_settings,
    log_dir,
    resolve_credentials,
)
from tui.core.errors import ConfigError
from tui.core.secret import Secret
from tui.core.snippets import BUILTIN_SNIPPETS

AC = "AC" + "0123456789abcdef" * 2
AC2 = "AC" + "f" * 32
SK = "SK" + "0123456789abcdef" * 2
TOKEN = "tok-5up3r-s3cr3t"
API_SECRET = "k3y-s3cr3t-value"

VALID = f"""\
[callboard]
poll_interval = 1.5
request_timeout = 20
operator = "ana"
default_profile = "day"

[profiles.day]
account_sid = "{AC}"
auth_token = "{TOKEN}"

[profiles.night]
account_sid = "{AC2}"
api_key = "{SK}"
api_secret = "{API_SECRET}"
region = "ie1"
edge = "dublin"
api_url = "http://127.0.0.1:8080"

[[destinations]]
name = "Main menu"
url = "https://example.com/ivr/main"

[[destinations]]
name = "After hours"
url = "https://example.com/ivr/closed"
method = "get"

[[snippets]]
key = "closed"
title = "We are closed"
template = \"\"\"
<Response>
  <Say>{{message}}</Say>
</Response>
\"\"\"
defaults = {{ message = "We are closed." }}
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def refused(tmp_path: Path, text: str, mode: int = 0o600) -> str:
    path = write(tmp_path, text, mode)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "config.toml" in message
    return message


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --- Paths -------------------------------------------------------------------------------------


def test_paths_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBOARD_CONFIG", str(tmp_path / "c.toml"))
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    assert config_path() == tmp_path / "c.toml"
    assert log_dir() == tmp_path / "logs"
    assert audit_log_path() == tmp_path / "logs" / "audit.jsonl"


def test_default_paths_use_the_app_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLBOARD_CONFIG", raising=False)
    monkeypatch.delenv("CALLBOARD_LOG_DIR", raising=False)
    assert config_path().name == "config.toml"
    assert "callboard" in str(config_path().parent).lower()
    assert "callboard" in str(log_dir()).lower()


# --- Loading -----------------------------------------------------------------------------------


def test_missing_file_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBOARD_CONFIG", str(tmp_path / "absent.toml"))
    settings = load_settings()
    assert settings.poll_interval_s == 2.0
    assert settings.request_timeout_s == 10.0
    assert settings.operator
    assert settings.snippets == BUILTIN_SNIPPETS
    assert settings.destinations == ()
    assert dict(settings.profiles) == {}
    assert settings.default_profile is None
    assert settings.source is None


def test_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    settings = load_settings(path)
    assert settings.source == path
    assert settings.poll_interval_s == 1.5
    assert settings.request_timeout_s == 20.0
    assert settings.operator == "ana"
    assert settings.default_profile == "day"
    assert settings.destinations == (
        Destination("Main menu", "https://example.com/ivr/main", "POST"),
        Destination("After hours", "https://example.com/ivr/closed", "GET"),
    )
    day, night = settings.profiles["day"], settings.profiles["night"]
    assert day.auth_token == Secret(TOKEN)
    assert (night.api_key, night.region, night.edge) == (SK, "ie1", "dublin")
    assert night.api_url == "http://127.0.0.1:8080"
    closed = settings.snippets[-1]
    assert [s.key for s in settings.snippets[:-1]] == [s.key for s in BUILTIN_SNIPPETS]
    assert closed.title == "We are closed"
    assert closed.render({}) == "<Response>\n  <Say>We are closed.</Say>\n</Response>"
    assert TOKEN not in repr(settings) and API_SECRET not in repr(settings)


def test_a_user_snippet_replaces_a_builtin_with_the_same_key(tmp_path: Path) -> None:
    text = '[[snippets]]\nkey = "announce"\ntemplate = "<Response><Say>{m}</Say></Response>"\n'
    settings = load_settings(write(tmp_path, text))
    assert [s.key for s in settings.snippets].count("announce") == 1
    assert settings.snippets[-1].placeholders == ("m",)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    message = refused(tmp_path, '[callboard]\noperator = "ana"\npoll_interval = \n')
    assert "line 3" in message
    assert "not valid TOML" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("poll_interval = 1.5", "pol_interval = 1.5",
         "unknown key 'pol_interval' in [callboard] (did you mean 'poll_interval'?)"),
        ('edge = "dublin"', 'egde = "dublin"',
         "unknown key 'egde' in [profiles.night] (did you mean 'edge'?)"),
        ('method = "get"', 'methd = "get"', "unknown key 'methd' in [[destinations]] #2"),
        ("[callboard]", "[callbord]", "unknown table or key 'callbord'"),
    ],
)  # fmt: skip
def test_unknown_key_names_it_its_table_and_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = VALID.replace(old, new)
    message = refused(tmp_path, text)
    assert expected in message
    assert f"line {line_of(text, new)}:" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("poll_interval = 1.5", 'poll_interval = "fast"',
         "poll_interval must be a number of seconds, got 'fast'"),
        ("poll_interval = 1.5", "poll_interval = true", "must be a number of seconds, got true"),
        ("poll_interval = 1.5", "poll_interval = 0.1", "between 0.5 and 300 seconds, got 0.1"),
        ("poll_interval = 1.5", "poll_interval = 301", "between 0.5 and 300 seconds"),
        ("request_timeout = 20", "request_timeout = 0", "request_timeout must be between"),
        ('operator = "ana"', "operator = 7", "operator must be a non-empty string, got 7"),
        ('operator = "ana"', 'operator = ""', "operator must be a non-empty string"),
        (f'account_sid = "{AC2}"', 'account_sid = "ACnope"', "is not an Account SID"),
        (f'api_key = "{SK}"', 'api_key = "AK123"', "is not an API key SID"),
        ('region = "ie1"', 'region = "IE 1"', "is not a Twilio region name"),
        ('url = "https://example.com/ivr/main"', 'url = "ftp://example.com/x"', "scheme 'ftp'"),
        ('url = "https://example.com/ivr/main"', 'url = "/ivr"', "relative"),
        ('method = "get"', 'method = "PUT"', "POST or GET, got 'PUT'"),
        ("<Say>{message}</Say>", "<Sya>{message}</Sya>", "unknown TwiML verb <Sya>"),
        ('default_profile = "day"', 'default_profile = "dya"',
         "default_profile 'dya' is not a profile; known profiles: day, night"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_with_a_sentence(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new)
    message = refused(tmp_path, text)
    assert expected in message
    assert ", line " in message


def test_a_snippet_without_template_and_a_destination_without_url(tmp_path: Path) -> None:
    assert "needs 'template'" in refused(tmp_path, '[[snippets]]\nkey = "x"\n')
    assert "needs 'url'" in refused(tmp_path, '[[destinations]]\nname = "x"\n')
    message = refused(tmp_path, '[[destinations]]\nname="a"\nurl="https://a.example/"\n' * 2)
    assert "already defined" in message and "line 5" in message


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[callboard]\noperator = "\xff"\n')
    with pytest.raises(ConfigError, match="line 2: the file is not UTF-8"):
        load_settings(path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_secret_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    message = refused(tmp_path, VALID, mode)
    assert "readable by others" in message
    assert f"chmod 600 {tmp_path / 'config.toml'}" in message
    assert f"line {line_of(VALID, 'auth_token')}" in message
    assert TOKEN not in message


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_world_readable_file_without_secrets_is_fine(tmp_path: Path) -> None:
    text = "[callboard]\npoll_interval = 3\n"
    assert load_settings(write(tmp_path, text, 0o644)).poll_interval_s == 3.0


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (f'account_sid = "{AC}"', "has no auth_token"),
        (f'account_sid = "{AC}"\napi_key = "{SK}"', "has api_key but no api_secret"),
        (f'account_sid = "{AC}"\napi_secret = "{API_SECRET}"', "api_secret but no api_key"),
        (f'auth_token = "{TOKEN}"', "needs 'account_sid'"),
    ],
)
def test_half_credentials_in_a_profile_are_refused(
    tmp_path: Path, profile: str, expected: str
) -> None:
    message = refused(tmp_path, f"[profiles.half]\n{profile}\n")
    assert expected in message
    assert "line 1" in message
    assert TOKEN not in message and API_SECRET not in message


# --- Credentials -------------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(write(tmp_path, VALID))


def test_no_credentials_at_all_means_demo_mode() -> None:
    assert resolve_credentials({}, Settings(), None) is None
    assert resolve_credentials({"TWILIO_ACCOUNT_SID": "  "}, Settings(), None) is None


def test_environment_auth_token() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_REGION": "au1",
           "TWILIO_EDGE": "sydney", "CALLBOARD_API_URL": "http://127.0.0.1:9000"}  # fmt: skip
    creds = resolve_credentials(env, Settings(), None)
    assert creds is not None
    assert (creds.account_sid, creds.username, creds.password) == (AC, AC, Secret(TOKEN))
    assert (creds.region, creds.edge, creds.api_url) == ("au1", "sydney", "http://127.0.0.1:9000")
    assert creds.source == "environment"


def test_environment_api_key() -> None:
    env = {"TWILIO_ACCOUNT_SID": AC, "TWILIO_API_KEY": SK, "TWILIO_API_SECRET": API_SECRET}
    creds = resolve_credentials(env, Settings(), None)
    assert creds is not None
    assert (creds.account_sid, creds.username, creds.password) == (AC, SK, Secret(API_SECRET))


def test_environment_beats_the_default_profile_and_an_explicit_profile_beats_both(
    settings: Settings,
) -> None:
    env = {"TWILIO_ACCOUNT_SID": AC2, "TWILIO_AUTH_TOKEN": "env-token"}
    from_env = resolve_credentials(env, settings, None)
    assert from_env is not None and from_env.source == "environment"
    assert from_env.password == Secret("env-token")
    default = resolve_credentials({}, settings, None)
    assert default is not None and default.source == "profile 'day'"
    assert default.password == Secret(TOKEN)
    night = resolve_credentials(env, settings, "night")
    assert night is not None and night.source == "profile 'night'"
    assert (night.username, night.password, night.account_sid) == (SK, Secret(API_SECRET), AC2)
    assert (night.region, night.edge, night.api_url) == ("ie1", "dublin", "http://127.0.0.1:8080")


def test_an_explicit_api_url_wins(settings: Settings) -> None:
    env = {
        "TWILIO_ACCOUNT_SID": AC,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "CALLBOARD_API_URL": "https://a.example",
    }
    for profile in (None, "night"):
        creds = resolve_credentials(env, settings, profile, api_url="http://127.0.0.1:1234")
        assert creds is not None and creds.api_url == "http://127.0.0.1:1234"
    with pytest.raises(ConfigError, match="not an API address"):
        resolve_credentials(env, settings, None, api_url="localhost")


def test_an_unknown_profile_lists_the_known_ones(settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"no profile 'evening'.*known profiles: day, night"):
        resolve_credentials({}, settings, "evening")
    with pytest.raises(ConfigError, match="no profiles are defined"):
        resolve_credentials({}, Settings(), "day")


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"TWILIO_ACCOUNT_SID": AC}, "TWILIO_AUTH_TOKEN is missing"),
        ({"TWILIO_AUTH_TOKEN": TOKEN}, "TWILIO_ACCOUNT_SID is missing"),
        ({"TWILIO_ACCOUNT_SID": AC, "TWILIO_API_KEY": SK}, "TWILIO_API_SECRET is missing"),
        ({"TWILIO_ACCOUNT_SID": AC, "TWILIO_API_SECRET": API_SECRET}, "TWILIO_API_KEY is missing"),
        ({"TWILIO_API_KEY": SK, "TWILIO_API_SECRET": API_SECRET}, "TWILIO_ACCOUNT_SID is missing"),
        ({"TWILIO_ACCOUNT_SID": "nope", "TWILIO_AUTH_TOKEN": TOKEN}, "not an Account SID"),
        ({"TWILIO_ACCOUNT_SID": AC, "TWILIO_API_KEY": TOKEN, "TWILIO_API_SECRET": API_SECRET},
         "not an API key SID"),
        ({"TWILIO_ACCOUNT_SID": AC, "TWILIO_AUTH_TOKEN": TOKEN, "CALLBOARD_API_URL": "ftp://x"},
         "CALLBOARD_API_URL"),
    ],
)  # fmt: skip
def test_half_credentials_in_the_environment_say_what_is_missing(
    env: dict[str, str], missing: str, settings: Settings
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_credentials(env, settings, None)
    assert missing in str(caught.value)
    assert TOKEN not in str(caught.value) and API_SECRET not in str(caught.value)


def test_a_profile_built_in_code_with_half_credentials_is_refused() -> None:
    half = config.Profile(name="x", account_sid=AC)
    settings = Settings(profiles={"x": half})
    with pytest.raises(ConfigError, match="Profile 'x' has no auth_token"):
        resolve_credentials({}, settings, "x")


def test_a_bad_snippet_template_points_at_its_own_line_in_the_file(tmp_path: Path) -> None:
    text = VALID.replace("  <Say>{message}</Say>", "  <Say>{message}</Say>\n  <Dial>555</Dial>")
    message = refused(tmp_path, text)
    assert f"line {line_of(text, '<Dial>555')}: snippet 'closed'" in message
    assert "E.164" in message


def test_a_default_for_a_placeholder_the_template_lacks_is_refused(tmp_path: Path) -> None:
    text = VALID.replace("{ message = ", "{ mesage = ")
    message = refused(tmp_path, text)
    assert "defaults has 'mesage' but the template has no {mesage} placeholder" in message
    assert f"line {line_of(text, 'defaults =')}" in message


def test_settings_profiles_cannot_be_changed_afterwards(settings: Settings) -> None:
    with pytest.raises(TypeError):
        settings.profiles["x"] = settings.profiles["day"]  # type: ignore[index]
