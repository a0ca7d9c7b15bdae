"""The console in a real terminal, as over SSH: bytes written and dialog open/close times.

Run with the other benchmarks: ``uv run pytest tests/benchmarks -m benchmark_suite``. Writes
``.results/terminal.md`` and the README rows to ``.results/readme/terminal.md``.

The console (``python -m tui``-equivalent, the real CLI) runs in a pseudo-terminal of 160x56
against a 10,000-call simulator in another process; a reader thread timestamps every chunk the
program writes to the terminal, which is what an SSH session carries. The baseline is a bare
Textual app of similar content in the same pty (``bare_modal_app.py``: a ``DataTable`` of 10,000
rows whose visible Duration cells tick each second, and a ``ModalScreen`` dialog).

* **Bytes per second while idle**: everything written over ``IDLE_S`` seconds with no key
  pressed (the Duration column ticking, polls that change nothing on screen). The simulator's
  clock stands at the moment it started (``--clock-from-now``), so the console, on the real
  clock, shows durations of minutes that change every second (from a fixed date they would
  read thousands of hours, cut to the column, and change once a minute).
* **Dialog open + close**: right after an output burst ends (so the next one-second tick is far),
  the opening key is sent; the dialog counts as open once its own border title (``DIALOGS``) is
  among the bytes written after the key and the output has then been quiet for ``QUIET_S``: the
  last byte of the burst that painted it. Quiet alone is not enough: a small early write (the
  13-byte pointer-shape escape) followed by a compose longer than ``QUIET_S`` would count as open
  before anything was drawn. Closing counts at the last byte before ``QUIET_S`` of quiet after the
  closing key. Median of ``REPEATS``.
"""

from __future__ import annotations

import fcntl
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import cast

import pytest

from tests.benchmarks.bench_end_to_end import ROOT, child_env, simulator
from tests.results import write_result

pytestmark = pytest.mark.benchmark_suite

COLUMNS, LINES = 160, 56
LIVE = 10_000
IDLE_S = 20.0
QUIET_S = 0.25
REPEATS = 5
DIALOGS = {
    "help": (b"?", b"\x1b", b"Callboard keys"),
    "confirm": (b"h", b"n", b"Hang up CA"),
    "TwiML editor": (b"t", b"\x1b", b"Inject TwiML into CA"),
    "transfer": (b"r", b"\x1b", b"Transfer CA"),
    "detail": (b"\r", b"\x1b", b"Call CA"),
}
"""Opening key, closing key, and the start of the dialog's border title as the terminal gets it.

A title is one run of one style, so it arrives in one piece between escapes; the SID after
``CA`` depends on the call under the cursor. The calls screen never writes these strings itself
(its footer says ``Hang up`` and ``Transfer`` followed by spaces)."""
BYTES_LIMIT = 1024.0
"""Duration ticking over SSH at 50 rows: ≤ 1 KB/s."""


class Pty:
    """A program in a pseudo-terminal; every chunk it writes is kept with its arrival time."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, int]] = []
        self.text = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.perf_counter(), len(data)))
                self.text += data

    def send(self, data: bytes) -> float:
        at = time.perf_counter()
        os.write(self.master, data)
        return at

    def written(self) -> int:
        """How many bytes the program has written so far (an offset for :meth:`wait_for`)."""
        with self._lock:
            return len(self.text)

    def wait_for(self, needle: bytes, start: int = 0, timeout: float = 120.0) -> None:
        """Wait until ``needle`` is in what was written from byte ``start`` on."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self.text.find(needle, start) >= 0:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} never appeared")
            time.sleep(0.005)

    def quiet(self, after: float, timeout: float = 30.0) -> float:
        """Wait until nothing was written for ``QUIET_S``; return the last write's time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.chunks[-1][0] if self.chunks else after
            if time.perf_counter() - max(last, after) >= QUIET_S:
                return max(last, after)
            time.sleep(0.01)
        raise TimeoutError("the program never went quiet")

    def just_after_burst(self) -> None:
        """Return right after an output burst ended (a tick just painted)."""
        count = len(self.chunks)
        deadline = time.monotonic() + 3
        while len(self.chunks) == count and time.monotonic() < deadline:
            time.sleep(0.005)
        self.quiet(time.perf_counter() - QUIET_S + 0.03)

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(n for at, n in self.chunks if start <= at < end)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.master)


def open_close(term: Pty, opener: bytes, closer: bytes, shown: bytes) -> tuple[float, float]:
    """Seconds from each key to the last byte of the burst it caused; open needs ``shown``."""
    term.just_after_burst()
    start = term.written()
    pressed = term.send(opener)
    term.wait_for(shown, start, timeout=30.0)
    opened = term.quiet(pressed) - pressed
    term.just_after_burst()
    pressed = term.send(closer)
    closed = term.quiet(pressed) - pressed
    return opened, closed


def measure(term: Pty, dialogs: dict[str, tuple[bytes, bytes, bytes]]) -> dict[str, object]:
    time.sleep(3.0)
    term.quiet(time.perf_counter())
    start = time.perf_counter()
    time.sleep(IDLE_S)
    end = time.perf_counter()
    out: dict[str, object] = {"bytes_per_s": term.bytes_between(start, end) / (end - start)}
    for name, keys in dialogs.items():
        runs = [open_close(term, *keys) for _ in range(REPEATS)]
        out[name] = (
            statistics.median(o for o, _ in runs) * 1000,
            statistics.median(c for _, c in runs) * 1000,
        )
    return out


def term_env(tmp: Path) -> dict[str, str]:
    env = child_env(tmp)
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    return env


def run_console(tmp: Path) -> dict[str, object]:
    with simulator(LIVE, clock_from_now=True) as sim:
        env = term_env(tmp)
        env.update(TWILIO_ACCOUNT_SID=sim.account_sid, TWILIO_AUTH_TOKEN=sim.auth_token)
        command = "from tui.cli import main; raise SystemExit(main())"
        term = Pty([sys.executable, "-c", command, "--api-url", sim.base_url], env)
        try:
            started = time.perf_counter()
            term.wait_for(b"in-progress")
            first = term.quiet(started)
            result = measure(term, DIALOGS)
            result["first_paint_bytes"] = term.bytes_between(started, first + 1e-9)
            return result
        finally:
            term.stop()


def run_bare(tmp: Path) -> dict[str, object]:
    term = Pty([sys.executable, "-m", "tests.benchmarks.bare_modal_app"], term_env(tmp))
    try:
        term.wait_for(b"in-progress")
        return measure(term, {"bare modal": (b"h", b"\x1b", b"Hang up CA")})
    finally:
        term.stop()


def render(console: dict[str, object], bare: dict[str, object]) -> tuple[str, str]:
    base_open, base_close = cast(tuple[float, float], bare["bare modal"])
    base = base_open + base_close
    rows = []
    for name in DIALOGS:
        opened, closed = cast(tuple[float, float], console[name])
        total = opened + closed
        rows.append(
            f"| dialog {name}: open + close in a terminal at {LIVE:,} calls (goal: no slower than "
            f"a bare Textual modal) | {opened:.0f} + {closed:.0f} = {total:.0f} ms | bare "
            f"`ModalScreen` over a `DataTable`: {base_open:.0f} + {base_close:.0f} = {base:.0f} ms "
            f"| {total / base:.2f}x | {'yes' if total <= base else '**no**'} |"
        )
    rate = float(console["bytes_per_s"])  # type: ignore[arg-type]
    bare_rate = float(bare["bytes_per_s"])  # type: ignore[arg-type]
    rows.append(
        f"| bytes written to the terminal while idle, Duration ticking, 50 rows ≤ 1 KB/s "
        f"| {rate / 1024:.1f} KB/s | bare `DataTable`, visible Duration cells updated each second: "
        f"{bare_rate / 1024:.1f} KB/s | {rate / max(bare_rate, 1e-9):.2f}x "
        f"| {'yes' if rate <= BYTES_LIMIT else '**no**'} |"
    )
    header = (
        "| target | Callboard | baseline in the same run | ratio | met? |\n|---|---|---|---|---|\n"
    )
    table = header + "\n".join(rows) + "\n"
    report = (
        "# The console in a terminal (pty, as over SSH)\n\n"
        f"Generated by `tests/benchmarks/bench_terminal.py`: {COLUMNS}x{LINES} pty, {LIVE:,} "
        f"calls from a simulator process; medians of {REPEATS} open/close each; idle bytes over "
        f"{IDLE_S:g} s. First paint of the console: {console['first_paint_bytes']:,} bytes.\n\n"
        + table
    )
    return report, table


@pytest.mark.timeout(900)
def test_terminal_bytes_and_dialogs() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        console = run_console(Path(tmp))
        bare = run_bare(Path(tmp))
    report, table = render(console, bare)
    write_result("terminal.md", report)
    write_result("readme/terminal.md", table)
    print("\n" + report)
