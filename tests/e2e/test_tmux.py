"""The console in a real terminal: tmux runs `uv run callboard --demo`; we type and read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
SID_RE = re.compile(r"CA(?:…[0-9a-f]{8}|[0-9a-f]{32})")
"""A Call SID as the table shows it: short (CA…1234abcd) or, on a wide terminal, in full."""


class Terminal:
    """A tmux session holding one program, read back with capture-pane."""

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")


def demo_shell(tmp_path: Path, options: str) -> str:
    """The shell line that starts the demo console with no Twilio credentials, config and logs
    in ``tmp_path``, and ``options`` after ``--demo``."""
    uv = shutil.which("uv")
    command = f"{uv} run --frozen callboard" if uv else "python -m tui"
    env = {
        "CALLBOARD_CONFIG": str(tmp_path / "config.toml"),
        "CALLBOARD_LOG_DIR": str(tmp_path / "logs"),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    clean = "env -u TWILIO_ACCOUNT_SID -u TWILIO_AUTH_TOKEN -u TWILIO_API_KEY -u TWILIO_API_SECRET"
    return f"cd {ROOT} && {clean} {exports} {command} --demo {options}"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    name = f"callboard-{uuid.uuid4().hex[:8]}"
    shell = demo_shell(tmp_path, "--seed 3 --calls 40")
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "150", "-y", "40", shell],
        check=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        yield Terminal(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def first_row_sid(screen: str) -> str:
    for line in screen.splitlines():
        match = SID_RE.search(line)
        if match and "in-progress" in line:
            sid = match.group(0)
            return sid if "…" in sid else f"{sid[:2]}…{sid[-8:]}"
    raise AssertionError(f"no in-progress call on screen:\n{screen}")


def test_hang_up_a_call_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for(
        lambda s: "DEMO" in s and "LIVE" in s and bool(SID_RE.search(s)),
        "the demo to show live calls",
        timeout=60,
    )
    # Put the cursor on an answered call: move down until the cursor row is in progress.
    sid = first_row_sid(screen)
    terminal.send("-l", "/")
    terminal.wait_for(lambda s: "filter:" in s, "the filter line to open")
    terminal.send("-l", sid[-8:])
    terminal.send("Enter")
    terminal.wait_for(lambda s: "shown 1" in s, "the filter to narrow the table to one call")
    terminal.send("h")
    # The footer says "Hang up" and the row shows the SID all along: wait for what only the
    # dialog shows, its question and the call's line with what it will become.
    terminal.wait_for(
        lambda s: (
            "Hang up this call?" in s
            and any(sid in line and "→ completed" in line for line in s.splitlines())
        ),
        "the confirm dialog naming the call",
    )
    terminal.send("y")
    terminal.wait_for(lambda s: "Hang-up applied" in s, "the hang-up to be reported")
    terminal.wait_for(lambda s: "shown 0" in s, "the call to leave the table")
    terminal.send("q")


def _room_call(screen: str) -> str | None:
    """The short SID of a caller the Where column shows with an agent, if one is on screen."""
    for line in screen.splitlines():
        match = SID_RE.search(line)
        if match and "with agent" in line and "└" not in line:
            sid = match.group(0)
            return sid if "…" in sid else f"{sid[:2]}…{sid[-8:]}"
    return None


def test_dequeue_a_caller_and_listen_in_on_a_conference(terminal: Terminal) -> None:
    terminal.wait_for(
        lambda s: "DEMO" in s and "in queue" in s,
        "the Where column to show a caller in a queue",
        timeout=60,
    )
    terminal.send("v")
    terminal.wait_for(
        lambda s: re.search(r"Members of \S+ \(head first\)", s) is not None, "the queues view"
    )
    terminal.send("D")
    terminal.wait_for(lambda s: "Dequeue the head" in s, "the dequeue picker")
    terminal.send("Down")
    terminal.send("Enter")  # a destination of the demo (its own TwiML server, plain http)
    terminal.wait_for(lambda s: "press again" in s, "the plain-http warning")
    terminal.send("Enter")
    terminal.wait_for(lambda s: "cannot be put back" in s, "the dequeue confirm")
    terminal.send("y")
    screen = terminal.wait_for(
        lambda s: "Dequeue applied" in s or "Dequeue refused" in s, "the dequeue to be reported"
    )
    assert "Dequeue applied" in screen
    terminal.send("Escape")
    screen = terminal.wait_for(
        lambda s: "Duration" in s and _room_call(s) is not None,
        "the calls screen with a caller in a room",
    )
    sid = _room_call(screen)
    assert sid is not None
    time.sleep(0.5)  # a key right behind ESC would read as alt+key
    terminal.send("-l", "/")
    terminal.wait_for(lambda s: "filter:" in s, "the filter line to open")
    terminal.send("-l", sid[-8:])
    terminal.send("Enter")
    terminal.wait_for(lambda s: "shown 1" in s, "the filter to narrow the table to the caller")
    terminal.send("c")
    terminal.wait_for(lambda s: "Conference " in s and "participant" in s, "the conference view")
    terminal.send("l")
    terminal.wait_for(lambda s: "LISTENING to" in s, "the monitor bar naming the room")
    terminal.wait_for(lambda s: "(you)" in s, "the supervisor's own leg in the room")
    terminal.send("L")
    terminal.wait_for(lambda s: "Stop listening applied" in s, "stop listening reported")
    terminal.wait_for(lambda s: "LISTENING to" not in s, "the monitor bar to go")
    terminal.send("q")
