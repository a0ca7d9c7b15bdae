"""`callboard hub` as a service: fills the bucket, logs to the log directory, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import live_sids
from tests.hub.conftest import FIXTURE_TIMEOUT_S
from tui.hub import layout
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.sim import EmbeddedSimulator

ROOT = Path(__file__).resolve().parents[2]


async def test_hub_process_serves_the_bucket_and_stops_cleanly_on_sigterm(
    tmp_env: Path, sim: EmbeddedSimulator, nats_server: EmbeddedNats
) -> None:
    env = dict(os.environ, TWILIO_ACCOUNT_SID=sim.account_sid, TWILIO_AUTH_TOKEN=sim.auth_token)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui",
        "hub",
        "--api-url",
        sim.base_url,
        "--nats",
        nats_server.url,
        "--poll-interval",
        "0.5",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    link = HubLink(nats_server.url, name="test reader")
    try:
        assert await link.wait_connected(FIXTURE_TIMEOUT_S)
        deadline = asyncio.get_running_loop().time() + 30
        keys: set[str] = set()
        while keys != live_sids(sim):
            assert asyncio.get_running_loop().time() < deadline, "the hub never filled the bucket"
            await asyncio.sleep(0.2)
            try:
                kv = await link.bucket(layout.calls_bucket(sim.account_sid))
                keys = {key for key in await kv.keys() if layout.is_call_key(key)}
            except Exception:
                keys = set()
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), FIXTURE_TIMEOUT_S) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.wait_for(process.wait(), FIXTURE_TIMEOUT_S)
        await link.close()
    log = (tmp_env / "logs" / "callboard-hub.log").read_text()
    assert "stopped" in log and sim.auth_token not in log
