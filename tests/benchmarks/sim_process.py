"""The simulator as a process of its own (``python -m tui.sim``): its CPU never counts against
the console a benchmark measures."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.benchmarks.e2e_settings import ROOT


@dataclass
class SimProcess:
    """``python -m tui.sim`` on 127.0.0.1 with a random port, stopped by :meth:`stop`."""

    process: subprocess.Popen[str]
    base_url: str
    account_sid: str
    auth_token: str

    def _admin(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        basic = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request.add_header("Authorization", f"Basic {basic}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    async def advance(self, seconds: float) -> None:
        await asyncio.to_thread(self._admin, "POST", "/_sim/advance", {"seconds": str(seconds)})

    async def set_faults(self, spec: str) -> None:
        if spec:
            await asyncio.to_thread(self._admin, "POST", "/_sim/faults", {"spec": spec})
        else:
            await asyncio.to_thread(self._admin, "DELETE", "/_sim/faults")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextlib.contextmanager
def simulator(
    calls: int,
    *,
    manual_clock: bool = True,
    seed: int = 3,
    compact: bool = False,
    clock_from_now: bool = False,
) -> Iterator[SimProcess]:
    """Start the standalone simulator and read its address and credentials from its banner.

    ``clock_from_now``: the manual clock stands at the start time instead of a fixed date, so
    the console (on the real clock) shows durations of minutes that tick every second.
    """
    command = [sys.executable, "-m", "tui.sim", "--port", "0", "--calls", str(calls)]
    command += ["--seed", str(seed)] + (["--manual-clock"] if manual_clock else [])
    command += ["--clock-from-now"] if clock_from_now else []
    command += ["--compact-json"] if compact else []
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    sim: SimProcess | None = None
    try:
        assert process.stdout is not None
        url = sid = token = ""
        deadline = time.monotonic() + 120
        while not (url and sid) and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the simulator exited before it was ready")
            if match := re.search(r"listening on (\S+)", line):
                url = match[1]
            if match := re.search(r"TWILIO_ACCOUNT_SID=(\S+) TWILIO_AUTH_TOKEN=(\S+)", line):
                sid, token = match[1], match[2]
        if not (url and sid):
            raise RuntimeError("the simulator did not start within 120 s")
        sim = SimProcess(process, url, sid, token)
        yield sim
    finally:
        if sim is not None:
            sim.stop()
        elif process.poll() is None:
            process.kill()
            process.wait(timeout=10)
