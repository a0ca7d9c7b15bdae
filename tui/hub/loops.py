"""The hub's two long-running loops, shared by the calls and floor sides, and their pauses.

* :func:`write_until_cancelled`: the hub's bucket writers (calls and floor mirrors) keep only
  the latest view in memory and write what changed of it; the loop wakes them on news or at
  each heartbeat, waits while NATS is unreachable (the link reconnects by itself), and turns a
  failed write into a reconcile on the next turn instead of a dead task.
* :func:`follow_until_cancelled`: a console's watchers (calls and floor) follow a bucket until
  the watch ends; failures are retried after a growing, jittered pause, so a hundred consoles
  whose server restarts do not all ask for a snapshot in the same second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Final

from tui.hub import layout
from tui.hub.link import HubLink

_log = logging.getLogger(__name__)

CONNECT_WAIT_S: Final = 2.0
"""How long one turn waits for NATS before it looks again."""
WRITE_RETRY_S: Final = 0.5
"""The pause after a failed write, so a broken bucket is not hammered."""
FOLLOW_RETRY_S: Final = 1.0
"""The pause before following again after a watch ended; doubled per failure in a row..."""
MAX_FOLLOW_RETRY_S: Final = 15.0
"""...up to this (before jitter)."""


async def write_until_cancelled(
    link: HubLink,
    wake: asyncio.Event,
    flush: Callable[[], Awaitable[None]],
    *,
    what: str,
    failed: Callable[[], None],
) -> None:
    """Call ``flush`` whenever ``wake`` is set or a heartbeat passes, while NATS is reachable.

    ``failed`` runs after a write that raised (the writer forgets what it believes is stored);
    ``what`` names the bucket in the warning.
    """
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=layout.HEARTBEAT_S)
        wake.clear()
        if not await link.wait_connected(CONNECT_WAIT_S):
            wake.set()
            continue
        try:
            await flush()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("could not write to the %s (%s); will reconcile", what, exc)
            failed()
            wake.set()
            await asyncio.sleep(WRITE_RETRY_S)


async def follow_until_cancelled(
    link: HubLink,
    follow: Callable[[], Awaitable[bool]],
    *,
    what: str,
    unreachable: Callable[[], None],
    lost: Callable[[Exception], None],
    reconnected: asyncio.Event | None = None,
) -> None:
    """Run ``follow`` again and again while NATS is reachable, until cancelled.

    ``follow`` returns True once it read a snapshot (which resets the backoff); ``unreachable``
    runs each time NATS cannot be reached within :data:`CONNECT_WAIT_S`, ``lost`` after a watch
    that raised (``what`` names it in the warning). With ``reconnected`` (set by the caller when
    the link comes back), a new connection cuts the pause short and starts a fresh backoff.
    """
    failures = 0
    while True:
        if not await link.wait_connected(CONNECT_WAIT_S):
            unreachable()
            continue
        if reconnected is not None:
            reconnected.clear()
        try:
            if await follow():
                failures = 0
            await asyncio.sleep(FOLLOW_RETRY_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failures += 1
            _log.warning("%s ended: %s", what, exc)
            lost(exc)
            pause = min(MAX_FOLLOW_RETRY_S, FOLLOW_RETRY_S * 2 ** min(failures, 4))
            pause *= random.uniform(0.5, 1.0)
            if reconnected is None:
                await asyncio.sleep(pause)
                continue
            # A new connection is a new start: it is tried at once, with a fresh backoff (the
            # jitter still spreads many consoles' retries of one bad server).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reconnected.wait(), timeout=pause)
            if reconnected.is_set():
                failures = 0
