"""A broken config.toml stops ``callboard`` before anything starts: exit 2, one sentence.

Each case runs :func:`tui.cli.main` with ``CALLBOARD_CONFIG`` pointing at a broken file. The spy
on :meth:`CallboardApp.__init__` and ``run`` proves the console never started half-configured.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui import cli
from tui.ui.app import CallboardApp

TOKEN = "c0nf1g-t0ken-6b1f0e"
SID = "AC" + "0123456789abcdef" * 2

# (name, file text, extra argv, words the message must contain, line it must name)
CASES: list[tuple[str, str, list[str], tuple[str, ...], int | None]] = [
    (
        "syntax error",
        "[callboard]\npoll_interval = 2\noperator = ana\n",
        [],
        ("not valid TOML",),
        3,
    ),
    (
        "unknown key",
        "[callboard]\npoll_intervall = 2\n",
        [],
        ("unknown key 'poll_intervall'", "did you mean 'poll_interval'"),
        2,
    ),
    (
        "wrong type",
        '[callboard]\noperator = "ana"\npoll_interval = "fast"\n',
        [],
        ("poll_interval must be a number of seconds",),
        3,
    ),
    (
        "out of range",
        "[callboard]\n\n\nrequest_timeout = 900\n",
        [],
        ("request_timeout must be between 1 and 120 seconds",),
        4,
    ),
    (
        "unknown --profile",
        f'[profiles.day]\naccount_sid = "{SID}"\nauth_token = "{TOKEN}"\n',
        ["--profile", "night"],
        ("no profile 'night'", "known profiles: day"),
        None,
    ),
    (
        "unknown default_profile",
        f'[callboard]\ndefault_profile = "nite"\n\n[profiles.night]\naccount_sid = "{SID}"\n'
        f'auth_token = "{TOKEN}"\n',
        [],
        ("default_profile 'nite' is not a profile",),
        2,
    ),
    (
        "bad destination URL",
        '[[destinations]]\nname = "Sales"\nurl = "ftp://example.com/x"\n',
        [],
        ("scheme 'ftp' is not allowed",),
        3,
    ),
]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Record any attempt to build or run the console; clear credentials from the environment."""
    started: list[str] = []
    original_init = CallboardApp.__init__

    def init(self: CallboardApp, *args: object, **kwargs: object) -> None:
        started.append("constructed")
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CallboardApp, "__init__", init)
    monkeypatch.setattr(CallboardApp, "run", lambda self, *a, **k: started.append("run"))
    monkeypatch.setenv("CALLBOARD_LOG_DIR", str(tmp_path / "logs"))
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CALLBOARD_API_URL", raising=False)
    return started


def _run(
    path: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setenv("CALLBOARD_CONFIG", str(path))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def _assert_one_sentence(err: str, path: Path, words: tuple[str, ...], line: int | None) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Error" not in err
    assert lines[0].startswith("callboard: ")
    assert path.name in err, f"the message does not name the file: {err}"
    for word in words:
        assert word in err, f"{err!r} lacks {word!r}"
    if line is not None:
        assert f"line {line}" in err, f"{err!r} does not name line {line}"


@pytest.mark.parametrize(
    ("text", "argv", "words", "line"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_broken_config_stops_before_the_app_starts(
    text: str,
    argv: list[str],
    words: tuple[str, ...],
    line: int | None,
    tmp_path: Path,
    spy: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    status, out, err = _run(path, argv, monkeypatch, capsys)
    assert status == 2
    assert out == ""
    _assert_one_sentence(err, path, words, line)
    assert TOKEN not in err
    assert spy == [], "the console was started half-configured"
    assert not (tmp_path / "logs" / "callboard.log").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
@pytest.mark.parametrize("key", ["auth_token", "api_secret"])
def test_a_secret_readable_by_others_is_refused_not_used(
    mode: int,
    key: str,
    tmp_path: Path,
    spy: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = (
        f'auth_token = "{TOKEN}"\n'
        if key == "auth_token"
        else f'api_key = "SK{"ab" * 16}"\napi_secret = "{TOKEN}"\n'
    )
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.day]\naccount_sid = "{SID}"\n{login}')
    path.chmod(mode)
    status, _, err = _run(path, ["--profile", "day"], monkeypatch, capsys)
    assert status == 2
    line = 3 if key == "auth_token" else 4
    _assert_one_sentence(err, path, ("readable by others", key, "chmod 600"), line)
    assert TOKEN not in err
    assert spy == []


def test_the_same_file_made_private_is_used(
    tmp_path: Path,
    spy: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The control case: the fixture really lets a good config start the app."""
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.day]\naccount_sid = "{SID}"\nauth_token = "{TOKEN}"\n')
    path.chmod(0o600)
    status, _, err = _run(path, ["--profile", "day"], monkeypatch, capsys)
    assert (status, err) == (0, "")
    assert spy == ["constructed", "run"]
