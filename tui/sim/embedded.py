"""The simulator as an object on a running event loop: for the console's demo mode and tests.

    async with EmbeddedSimulator(seed=7, live_calls=500, traffic=True) as sim:
        client = Client(sim.account_sid, sim.auth_token, http_client=...)  # pointed at sim.base_url
        ...
        await sim.advance(5)   # with clock=ManualClock(): five simulated seconds, webhooks included

Nothing here reads files or the environment; credentials are generated from the seed unless
given, so two simulators with the same seed accept the same credentials.
"""

from __future__ import annotations

import random
from types import TracebackType

from aiohttp import web

from tui.sim.clock import Clock, RealClock
from tui.sim.engine import CallEngine
from tui.sim.faults import FaultInjector, FaultSpec
from tui.sim.floor_traffic import FloorTraffic
from tui.sim.server import Credentials, RequestRecord, SimulatorServer
from tui.sim.sids import new_secret, new_sid
from tui.sim.traffic import SyntheticTraffic


class EmbeddedSimulator:
    """A Twilio Voice API simulator serving HTTP on ``host:port`` (0 = any free port)."""

    def __init__(
        self,
        *,
        seed: int = 0,
        live_calls: int = 0,
        rate: float | None = None,
        traffic: bool = False,
        floor: bool = False,
        faults: FaultSpec | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        account_sid: str | None = None,
        auth_token: str | None = None,
        friendly_name: str = "Demo Contact Center",
    ) -> None:
        credentials_rng = random.Random(f"credentials-{seed}")
        generated_sid = new_sid("AC", credentials_rng)
        generated_token = new_secret(credentials_rng)
        self.account_sid: str = account_sid or generated_sid
        self.auth_token: str = auth_token or generated_token
        self.api_key_sid: str = new_sid("SK", credentials_rng)
        self.api_key_secret: str = new_secret(credentials_rng)
        self.seed = seed
        self.live_calls = live_calls
        self.traffic_enabled = traffic
        self.host = host
        self.port = port
        self.friendly_name = friendly_name
        self.clock: Clock = clock or RealClock()
        self.engine = CallEngine(
            clock=self.clock, account_sid=self.account_sid, auth_token=self.auth_token, seed=seed
        )
        self.faults = FaultInjector(self.clock, faults, seed=seed)
        self.traffic = SyntheticTraffic(self.engine, seed=seed, target_live=live_calls, rate=rate)
        self.floor_traffic = FloorTraffic(self.engine, seed=seed) if floor else None
        """Demo floor traffic (queues, agents, rooms); see :mod:`tui.sim.floor_traffic`."""
        self.request_log: list[RequestRecord] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._created_at = self.clock.now() - 86_400 * 400

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.account_sid, self.auth_token, self.api_key_sid, self.api_key_secret)

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        """Populate, bind and serve; ``base_url`` is valid once this returns."""
        if self._runner is not None:
            return
        if self.faults.spec.active:
            self.faults.set(self.faults.spec)  # the outage window counts from start
        self.traffic.populate(self.live_calls)
        if self.traffic_enabled:
            self.traffic.start()
        if self.floor_traffic is not None:
            self.floor_traffic.start()
        server = SimulatorServer(
            engine=self.engine,
            faults=self.faults,
            credentials=self.credentials,
            friendly_name=self.friendly_name,
            created_at=self._created_at,
            request_log=self.request_log,
            stats_extra=lambda: {"traffic": self.traffic.stats(), "floor": self._floor_stats()},
        )
        runner = web.AppRunner(server.build_app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=512)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0]
        self.port = int(bound[1])
        host = self.host if ":" not in self.host else f"[{self.host}]"
        self.base_url = f"http://{host}:{self.port}"
        await self.engine.start()

    def _floor_stats(self) -> dict[str, object]:
        floor = self.engine.floor
        stats: dict[str, object] = {
            "rooms": len(floor.conferences.live_by_name),
            "queued": {q.friendly_name: len(q.members) for q in floor.queues.ordered},
            "recordings": len(floor.recordings.by_sid),
        }
        if self.floor_traffic is not None:
            made = self.floor_traffic.stats
            stats.update(
                callers=made.callers, conversations=made.conversations, abandoned=made.abandoned
            )
        return stats

    async def stop(self) -> None:
        """Stop serving and cancel timers and webhooks in flight."""
        self.traffic.stop()
        if self.floor_traffic is not None:
            self.floor_traffic.stop()
        await self.engine.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def advance(self, seconds: float = 0.0) -> None:
        """Shorthand for :meth:`CallEngine.advance` (manual clock; ``0`` settles webhooks)."""
        await self.engine.advance(seconds)

    async def __aenter__(self) -> EmbeddedSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
