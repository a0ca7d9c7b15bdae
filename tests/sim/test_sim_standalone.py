"""The standalone simulator: a real process, the printed credentials, Ctrl-C to stop."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from twilio.rest import Client

from tests.sim.conftest import LoopbackHttpClient
from tui.sim.standalone import build_parser, main


def test_help_documents_the_fault_grammar_and_admin_routes() -> None:
    text = build_parser().format_help()
    for word in ("--port", "--calls", "--rate", "--seed", "--faults", "outage=", "/_sim/faults"):
        assert word in text


def test_bad_arguments_are_refused_before_binding(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--faults", "wobble=1"],
        ["--account-sid", "nope"],
        ["--calls", "-1"],
        ["--clock-from-now"],  # only with --manual-clock
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert "wobble" in capsys.readouterr().err


EXPORTS = re.compile(
    r"export TWILIO_ACCOUNT_SID=(AC\w{32}) TWILIO_AUTH_TOKEN=(\w+) CALLBOARD_API_URL=(\S+)"
)


@contextlib.contextmanager
def standalone(*argv: str) -> Iterator[tuple[list[str], str, str, str]]:
    """``python -m tui.sim`` with ``argv``: (its first three lines, SID, token, URL); Ctrl-C
    at the end must stop it cleanly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.sim", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        found = EXPORTS.search(lines[2])
        assert found, lines
        sid, token, url = found.groups()
        yield lines, sid, token, url
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_standalone_process_prints_credentials_serves_and_stops_on_ctrl_c() -> None:
    with standalone("--port", "0", "--calls", "25", "--seed", "4") as (lines, sid, token, url):
        assert url.startswith("http://127.0.0.1:") and url in lines[0]
        client = Client(sid, token, http_client=LoopbackHttpClient(url))
        calls = client.calls.list(page_size=100)
        assert sum(1 for c in calls if c.status in ("queued", "ringing", "in-progress")) == 25
        stats = requests.get(f"{url}/_sim/stats", auth=(sid, token), timeout=5).json()
        assert stats["live"] >= 20 and stats["manual_clock"] is False
        assert requests.get(f"{url}/_sim/stats", timeout=5).status_code == 401


def test_standalone_floor_serves_queues_and_rooms_to_the_sdk() -> None:
    argv = ("--port", "0", "--calls", "0", "--seed", "4", "--floor")
    with standalone(*argv) as (_lines, sid, token, url):
        client = Client(sid, token, http_client=LoopbackHttpClient(url))
        assert {q.friendly_name for q in client.queues.list()} == {"Support", "Sales", "Billing"}
        rooms = client.conferences.list(status="in-progress")
        assert len(rooms) >= 5
        legs = client.conferences(rooms[0].sid).participants.list()
        assert len(legs) == 2 and any(p.call_sid for p in legs if p.end_conference_on_exit)
        stats = requests.get(f"{url}/_sim/stats", auth=(sid, token), timeout=5).json()
        assert stats["floor"]["rooms"] >= 5 and stats["floor"]["callers"] > 0


def test_a_manual_clock_from_now_lists_calls_that_started_minutes_ago() -> None:
    """A console on the real clock must see live durations (the terminal benchmark ticks them)."""
    argv = ("--port", "0", "--calls", "30", "--seed", "4", "--manual-clock", "--clock-from-now")
    with standalone(*argv) as (_lines, sid, token, url):
        client = Client(sid, token, http_client=LoopbackHttpClient(url))
        now = datetime.now(UTC)
        ages = [now - c.start_time for c in client.calls.list(status="in-progress") if c.start_time]
        assert ages and all(timedelta(0) <= age < timedelta(hours=6) for age in ages), ages
        stats = requests.get(f"{url}/_sim/stats", auth=(sid, token), timeout=5).json()
        assert stats["manual_clock"] is True
