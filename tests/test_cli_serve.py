"""`callboard serve` refuses what would expose the console, before it listens anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.cli_serve import console_command, is_loopback


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record any attempt to start textual-serve instead of listening."""
    started: list[object] = []
    from textual_serve.server import Server

    monkeypatch.setattr(Server, "serve", lambda self, *a, **k: started.append(self))
    return started


def test_a_public_address_is_refused_without_allow_remote(
    tmp_env: Path, capsys: pytest.CaptureFixture[str], no_server: list[object]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--demo"]) == 2
    err = capsys.readouterr().err
    assert "refusing to listen on '0.0.0.0'" in err and "credentials" in err
    assert no_server == []


def test_allow_remote_warns_and_serves(
    tmp_env: Path, capsys: pytest.CaptureFixture[str], no_server: list[object]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--allow-remote", "--demo"]) == 0
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    [server] = no_server
    assert server.host == "0.0.0.0"  # type: ignore[attr-defined]


def test_defaults_bind_loopback_and_pass_console_options_through(
    tmp_env: Path, no_server: list[object]
) -> None:
    assert main(["serve", "--port", "8123", "--demo", "--calls", "7", "--read-only"]) == 0
    [server] = no_server
    assert server.host == "127.0.0.1" and server.port == 8123  # type: ignore[attr-defined]
    command = server.command  # type: ignore[attr-defined]
    assert command.endswith("-m tui --demo --calls 7 --read-only")
    assert server.public_url == "http://127.0.0.1:8123"  # type: ignore[attr-defined]


def test_public_url_behind_a_proxy_is_used_for_the_page(
    tmp_env: Path, no_server: list[object]
) -> None:
    assert main(["serve", "--demo", "--public-url", "https://calls.example.com/"]) == 0
    [server] = no_server
    assert server.public_url == "https://calls.example.com"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--public-url", "ftp://x", "--demo"], "--public-url"),
        (["--port", "0", "--demo"], "--port must be between"),
        (["--profile", "night"], "There is no profile 'night'"),
    ],
)
def test_bad_options_and_config_stop_before_serving(
    tmp_env: Path,
    capsys: pytest.CaptureFixture[str],
    no_server: list[object],
    argv: list[str],
    expected: str,
) -> None:
    assert main(["serve", *argv]) == 2
    assert expected in capsys.readouterr().err
    assert no_server == []


def test_loopback_names() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.1", "example.com", "::"))
    assert "'a b'" in console_command(["--profile", "a b"])


def test_the_served_page_links_no_other_host(tmp_path: Path) -> None:
    from tui.cli_serve import local_templates

    page = (local_templates(tmp_path) / "app_index.html").read_text()
    assert "googleapis" not in page and "https://" not in page
    assert "js/textual.js" in page and "app_websocket_url" in page
