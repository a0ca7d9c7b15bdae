"""In a real 80x24 terminal: the header keeps its status line, vim keys move, and `y` puts the
Call SID on the clipboard through OSC 52 (tmux with set-clipboard on stores it in a buffer)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, demo_shell

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def small_terminal(tmp_path: Path) -> Iterator[Terminal]:
    name = f"callboard-{uuid.uuid4().hex[:8]}"
    shell = demo_shell(tmp_path, "--read-only --seed 3 --calls 30")
    socket = f"-L{name}"  # a tmux server of its own: set-clipboard must not touch the user's
    subprocess.run(
        ["tmux", socket, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "80", "-y",
         "24", shell],
        check=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )  # fmt: skip
    subprocess.run(["tmux", socket, "set", "-g", "set-clipboard", "on"], check=True)
    terminal = SocketTerminal(name, socket)
    try:
        yield terminal
    finally:
        subprocess.run(["tmux", socket, "kill-server"], capture_output=True)


class SocketTerminal(Terminal):
    def __init__(self, name: str, socket: str) -> None:
        super().__init__(name)
        self.socket = socket

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", self.socket, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        )
        return out.stdout

    def buffer(self) -> str:
        out = subprocess.run(
            ["tmux", self.socket, "show-buffer"], capture_output=True, text=True, check=False
        )
        return out.stdout


def test_80x24_header_vim_keys_and_osc52_copy(small_terminal: SocketTerminal) -> None:
    screen = small_terminal.wait_for(
        lambda s: " LIVE " in s and "READ-ONLY" in s and "CA…" in s, "the live table", timeout=60
    )
    lines = screen.splitlines()
    assert "READ-ONLY" in lines[0] and re.search(r"\d\d:\d\d:\d\d", lines[0])
    assert "Callers" in lines[1] and " LIVE " in lines[1]
    assert "? Help" in lines[-1] and "q Quit" in lines[-1]
    small_terminal.send("j", "j", "y")
    small_terminal.wait_for(lambda s: "Copied SID" in s, "the copy to be confirmed")
    copied = small_terminal.buffer()
    assert re.fullmatch(r"CA[0-9a-f]{32}", copied.strip()), copied
    small_terminal.send("q")
