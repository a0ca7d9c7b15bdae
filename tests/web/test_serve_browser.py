"""`callboard serve` in a real browser: headless Chromium (Debian's package) driven by Playwright.

The page draws the terminal on a canvas (xterm.js), so the test reads xterm's own screen buffer:
an init script keeps the page's Terminal object when textual-serve's client creates it. The
browser may reach only the server on loopback; every other request (the template's web font)
is aborted, so the test needs no network.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

try:
    from playwright.sync_api import Route, sync_playwright
except ImportError:  # pragma: no cover - playwright is a dev dependency
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed"),
    pytest.mark.timeout(120),
]

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".results" / "web"
ROW_RE = re.compile(
    r"CA(…[0-9a-f]{8}|[0-9a-f]{32}).*(in-progress|ringing|queued)"
    r"|(in-progress|ringing|queued).*CA(…[0-9a-f]{8}|[0-9a-f]{32})"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Keep the xterm.js Terminal that textual-serve's client assigns to `this.terminal`.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    if (value && value.buffer && !window.__callboardTerminal) window.__callboardTerminal = value;
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
  },
});
"""
READ_SCREEN = """
() => {
  const term = window.__callboardTerminal;
  if (!term) return "";
  const buffer = term.buffer.active;
  const lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"callboard serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"callboard serve did not listen on {port} within {timeout:g} s")


@contextmanager
def serve(tmp_path: Path, options: list[str]) -> Iterator[str]:
    """`callboard serve OPTIONS` on a free loopback port; yields the server's own URL."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TWILIO_") and key != "CALLBOARD_API_URL"
    }
    env |= {
        "CALLBOARD_CONFIG": str(tmp_path / "config.toml"),
        "CALLBOARD_LOG_DIR": str(tmp_path / "logs"),
    }
    command = [sys.executable, "-m", "tui", "serve", "--port", str(port), *options]
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`callboard serve --demo` on a free loopback port; yields the page's URL."""
    with serve(tmp_path, ["--demo", "--seed", "5", "--calls", "30"]) as url:
        yield url


def test_the_served_console_shows_live_calls_in_chromium(served: str, tmp_path: Path) -> None:
    assert sync_playwright is not None and CHROMIUM is not None
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 800},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.add_init_script(KEEP_TERMINAL)
            elsewhere: list[str] = []

            def refuse(route: Route) -> None:
                elsewhere.append(route.request.url)
                route.abort()

            page.route(
                re.compile(r"^(?!https?://127\.0\.0\.1[:/]|ws://127\.0\.0\.1[:/]).*"), refuse
            )
            page.goto(served, wait_until="domcontentloaded")
            deadline = time.monotonic() + 60
            screen = ""
            while time.monotonic() < deadline:
                screen = page.evaluate(READ_SCREEN)
                rows = [line for line in screen.splitlines() if ROW_RE.search(line)]
                if "Callboard" in screen and "LIVE" in screen and len(rows) >= 5:
                    break
                time.sleep(0.25)
            else:
                raise AssertionError(f"no live table in the browser; its screen was:\n{screen}")
            RESULTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS / "serve-chromium.png"))
            assert "DEMO" in screen
            assert elsewhere == []  # the page asks no other host for anything (no web font)
        finally:
            context.close()
