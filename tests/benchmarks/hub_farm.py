"""A process of N consoles' call sources, for the hub benchmark (``bench_hub.py``).

``python -m tests.benchmarks.hub_farm --mode hub --consoles N --nats URL --account AC…`` runs N
:class:`~tui.hub.watcher.HubCallSource` (each with its own NATS connection, as N consoles would);
``--mode poll`` runs one :class:`~tui.core.poller.LiveCallPoller` straight on the simulator
(credentials from ``TWILIO_ACCOUNT_SID``/``TWILIO_AUTH_TOKEN``, ``--api-url``). It prints
``{"ready": …}`` once every source holds ``--expect`` calls, then records when each new call
first appears in each source, and on stdin's end prints the results as one JSON line: the
appearance times, the CPU seconds and refreshes since ready.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import sys
import time
from typing import Any

from tui.core.credentials import Credentials
from tui.core.models import PollEvent, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.secret import Secret
from tui.core.twilio_client import TwilioAccess
from tui.hub.link import HubLink
from tui.hub.watcher import HubCallSource


class Recorder:
    def __init__(self, index: int, shared: dict[str, Any]) -> None:
        self.index = index
        self.shared = shared
        self.refreshes = 0
        self.diff_items = 0
        self.size = 0

    def __call__(self, event: PollEvent) -> None:
        if not isinstance(event, PollSucceeded):
            return
        self.size = event.stats.total_live
        if not self.shared["ready"]:
            return
        self.refreshes += 1
        self.diff_items += len(event.diff)
        now = time.time()
        appear = self.shared["appear"]
        for call in event.diff.added:
            appear.setdefault(call.sid, {})[self.index] = now


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("hub", "poll"), required=True)
    parser.add_argument("--consoles", type=int, default=1)
    parser.add_argument("--nats", default="")
    parser.add_argument("--account", required=True)
    parser.add_argument("--api-url", default="")
    parser.add_argument("--expect", type=int, required=True)
    args = parser.parse_args()
    shared: dict[str, Any] = {"ready": False, "appear": {}}
    recorders = [Recorder(i, shared) for i in range(args.consoles)]
    tasks: list[asyncio.Task[None]] = []
    links: list[HubLink] = []
    access: TwilioAccess | None = None
    if args.mode == "hub":
        # Consoles log on ten at a time (each batch once the last holds its snapshot), as a
        # shift's supervisors do over a minute or two, not all in the same millisecond.
        for begin in range(0, len(recorders), 10):
            batch = recorders[begin : begin + 10]
            for recorder in batch:
                link = HubLink(args.nats, name=f"bench console {recorder.index}")
                links.append(link)
                source = HubCallSource(link, args.account, on_event=recorder)
                tasks.append(asyncio.create_task(source.run()))
            while not all(r.size >= args.expect for r in batch):  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    else:
        credentials = Credentials(
            account_sid=args.account,
            username=args.account,
            password=Secret(os.environ["TWILIO_AUTH_TOKEN"]),
            api_url=args.api_url,
            source="bench",
        )
        access = TwilioAccess(credentials, timeout_s=30.0)
        await access.__aenter__()
        poller = LiveCallPoller(access, on_event=recorders[0], interval_s=2.0)
        tasks.append(asyncio.create_task(poller.run()))
    started = time.monotonic()
    while not all(r.size >= args.expect for r in recorders):  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    gc.collect()
    gc.freeze()
    shared["ready"] = True
    cpu0 = time.process_time()
    print(json.dumps({"ready": time.monotonic() - started}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    cpu = time.process_time() - cpu0
    result = {
        "cpu_s": cpu,
        "refreshes": sum(r.refreshes for r in recorders),
        "diff_items": sum(r.diff_items for r in recorders),
        "appear": shared["appear"],
    }
    print(json.dumps(result), flush=True)
    for task in tasks:
        task.cancel()
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 5)
    for link in links:
        await link.close()
    if access is not None:
        await access.__aexit__(None, None, None)


if __name__ == "__main__":
    asyncio.run(main())
