"""The loop of the hub's bucket writers (calls and floor): write on news, wait out NATS.

Both mirrors keep only the latest view in memory and write what changed of it; this loop wakes
them on news or at each heartbeat, waits while NATS is unreachable (the link reconnects by
itself), and turns a failed write into a reconcile on the next turn instead of a dead task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from tui.hub import layout
from tui.hub.link import HubLink

_log = logging.getLogger(__name__)

CONNECT_WAIT_S: Final = 2.0
"""How long one turn waits for NATS before it looks again."""
RETRY_S: Final = 0.5
"""The pause after a failed write, so a broken bucket is not hammered."""


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
            await asyncio.sleep(RETRY_S)
