"""Synthetic contact-centre traffic: what a supervisor's wallboard looks like on a weekday.

Mostly inbound calls to the centre's numbers (US and UK callers, a caller name now and then, a
forwarded call rarely): an IVR greeting and menu, a ``<Gather>`` that times out, ``<Enqueue>``
until an agent takes the call (the agent's leg is an ``outbound-dial`` child with
``parent_call_sid``), a log-normal conversation of a few minutes, then the caller hangs up.
Some outbound-api calls too (a progressive dialler): some ring out busy or unanswered, the rest
are bridged to an agent with ``<Dial>``; a share ask for answering-machine detection and only
those get ``answered_by``.

Everything is drawn from ``random.Random(seed)``: the same seed gives the same callers, numbers,
waits and holding times. :meth:`SyntheticTraffic.populate` creates calls that started in the past
(age drawn so that a snapshot looks like the middle of a busy day) and lets the engine replay
their history up to now, so their statuses, start times and child legs are consistent.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Final

from tui.sim.call_record import CallPlan
from tui.sim.engine import ANSWER_DELAY_S, DIAL_DELAY_S, CallEngine
from tui.sim.phone_numbers import caller_name, caller_number, uk_number, us_number
from tui.sim.sids import new_sid
from tui.sim.twiml_parser import parse_twiml_cached, say_seconds

QUEUES: Final = ("Support", "Billing", "Sales")
"""The floor's queues (:mod:`tui.sim.floor_traffic` serves the same three)."""
_GREETING: Final = (
    "Thank you for calling Northwind. Calls may be recorded for quality and training purposes."
)
_MENU: Final = (
    "For billing, press 1. For technical support, press 2. For sales, press 3. "
    "Or stay on the line for the next available agent."
)
_GATHER_TIMEOUT_S: Final = 4.0
_OUTBOUND_PITCH: Final = "Hello, this is Northwind calling about your recent order. Please hold."


def inbound_twiml(queue: str) -> str:
    return (
        f"<Response><Say>{_GREETING}</Say>"
        f'<Gather numDigits="1" timeout="{_GATHER_TIMEOUT_S:g}"><Say>{_MENU}</Say></Gather>'
        f"<Enqueue>{queue}</Enqueue></Response>"
    )


def outbound_twiml(agent: str, caller_id: str) -> str:
    return (
        f"<Response><Say>{_OUTBOUND_PITCH}</Say>"
        f'<Dial callerId="{caller_id}"><Client>{agent.removeprefix("client:")}</Client></Dial>'
        "</Response>"
    )


_IVR_SECONDS: Final = (
    ANSWER_DELAY_S
    + say_seconds(parse_twiml_cached(inbound_twiml("support")).verbs[0])  # type: ignore[arg-type]
    + say_seconds(parse_twiml_cached(f"<Response><Say>{_MENU}</Say></Response>").verbs[0])  # type: ignore[arg-type]
    + _GATHER_TIMEOUT_S
)
_PITCH_SECONDS: Final = say_seconds(
    parse_twiml_cached(f"<Response><Say>{_OUTBOUND_PITCH}</Say></Response>").verbs[0]  # type: ignore[arg-type]
)


@dataclass(frozen=True, slots=True)
class TrafficProfile:
    """The shape of the day; the defaults look like a mid-sized support centre."""

    outbound_share: float = 0.15
    uk_share: float = 0.2
    caller_name_share: float = 0.35
    forwarded_share: float = 0.03
    talk_median_s: float = 200.0
    talk_sigma: float = 0.65
    queue_wait_mean_s: float = 35.0
    amd_share: float = 0.3
    busy_share: float = 0.08
    no_answer_share: float = 0.14
    failed_share: float = 0.02
    agents: int = 400


@dataclass(frozen=True, slots=True)
class ContactNumber:
    number: str
    sid: str


class SyntheticTraffic:
    """Creates synthetic calls: a population now, then arrivals at ``rate`` per second."""

    def __init__(
        self,
        engine: CallEngine,
        *,
        seed: int = 0,
        target_live: int = 0,
        rate: float | None = None,
        profile: TrafficProfile | None = None,
    ) -> None:
        self.engine = engine
        self.profile = profile or TrafficProfile()
        self._rng = random.Random(f"traffic-{seed}")
        numbers_rng = random.Random(f"numbers-{seed}")
        self.numbers = (
            ContactNumber("+18889371204", new_sid("PN", numbers_rng)),
            ContactNumber(us_number(numbers_rng, "415"), new_sid("PN", numbers_rng)),
            ContactNumber(us_number(numbers_rng, "212"), new_sid("PN", numbers_rng)),
            ContactNumber(
                f"+44203{numbers_rng.randint(0, 9999999):07d}", new_sid("PN", numbers_rng)
            ),
        )
        self.mean_lifetime_s = self._estimate_mean_lifetime(seed)
        """Live call-seconds one arrival brings, its agent leg included (rate = live / this)."""
        if rate is None:
            rate = target_live / self.mean_lifetime_s if target_live else 0.2
        self.rate = rate
        self.running = False
        self.created = 0

    # ------------------------------------------------------------------------ drawing calls

    def _plan(
        self, outbound: bool, length_biased: bool, rng: random.Random | None = None
    ) -> CallPlan:
        r = rng or self._rng
        p = self.profile
        outcome = "answered"
        answered_by = None
        if outbound:
            roll = r.random()
            if roll < p.failed_share:
                outcome = "failed"
            elif roll < p.failed_share + p.busy_share:
                outcome = "busy"
            elif roll < p.failed_share + p.busy_share + p.no_answer_share:
                outcome = "no-answer"
            answered_by = "human" if r.random() < 0.85 else "machine_start"
        # A snapshot meets long calls more often than short ones: for a log-normal holding time
        # the length-biased distribution is the same log-normal with mu shifted by sigma squared.
        mu = math.log(p.talk_median_s) + (p.talk_sigma**2 if length_biased else 0.0)
        talk = min(3 * 3600.0, max(15.0, r.lognormvariate(mu, p.talk_sigma)))
        return CallPlan(
            ring_s=r.uniform(3.0, 14.0),
            outcome=outcome,
            queue_wait_s=min(900.0, r.expovariate(1 / p.queue_wait_mean_s)),
            agent_ring_s=r.uniform(1.0, 4.0),
            talk_s=talk,
            agent=f"client:agent_{r.randint(1, p.agents):03d}",
            answered_by=answered_by,
        )

    @staticmethod
    def lifetime(plan: CallPlan, outbound: bool) -> float:
        """Seconds from creation to the end of the call, as the engine will play it out."""
        if outbound:
            if plan.outcome == "failed":
                return DIAL_DELAY_S + 0.5
            if plan.outcome == "busy":
                return DIAL_DELAY_S + min(plan.ring_s, 3.0)
            if plan.outcome == "no-answer":
                return DIAL_DELAY_S + 60.0
            return DIAL_DELAY_S + plan.ring_s + _PITCH_SECONDS + plan.agent_ring_s + plan.talk_s
        return _IVR_SECONDS + plan.queue_wait_s + plan.agent_ring_s + plan.talk_s

    def _estimate_mean_lifetime(self, seed: int) -> float:
        rng = random.Random(f"estimate-{seed}")
        total = 0.0
        samples = 400
        for _ in range(samples):
            outbound = rng.random() < self.profile.outbound_share
            plan = self._plan(outbound, False, rng)
            total += self.lifetime(plan, outbound)
            if not outbound or plan.outcome == "answered":
                total += plan.talk_s  # the agent's leg is a live call of its own
        return total / samples

    def _create(self, at: float, plan: CallPlan, outbound: bool) -> None:
        p = self.profile
        rng = self._rng
        centre = rng.choice(self.numbers)
        customer = caller_number(rng, p.uk_share)
        self.created += 1
        if outbound:
            self.engine.create_outbound(
                from_=centre.number,
                to=customer,
                twiml=outbound_twiml(plan.agent, centre.number),
                at=at,
                plan=plan,
                machine_detection="Enable" if rng.random() < p.amd_share else None,
            )
            return
        name = caller_name(rng) if rng.random() < p.caller_name_share else None
        forwarded = None
        if rng.random() < p.forwarded_share:
            forwarded = uk_number(rng) if customer.startswith("+44") else us_number(rng)
        self.engine.create_inbound(
            from_=customer,
            to=centre.number,
            twiml=inbound_twiml(rng.choice(QUEUES)),
            at=at,
            caller_name=name,
            forwarded_from=forwarded,
            phone_number_sid=centre.sid,
            plan=plan,
        )

    # ------------------------------------------------------------------------ populating

    def populate(self, count: int) -> None:
        """Create ``count`` calls that are live now, each caught at a random point of its life."""
        now = self.engine.now()
        target = self.engine.live_count + count
        while (missing := target - self.engine.live_count) > 0:
            # Answered calls bring an agent leg, so fill in halving batches; the last call is
            # caught before its agent answers, so the live count lands exactly on target.
            for _ in range(max(1, missing // 2)):
                outbound = missing > 1 and self._rng.random() < self.profile.outbound_share
                plan = self._plan(outbound, length_biased=True)
                if missing > 1:
                    life = self.lifetime(plan, outbound)
                else:
                    life = _IVR_SECONDS + plan.queue_wait_s
                age = self._rng.uniform(0.0, max(0.0, life - 1.0))
                self._create(now - age, plan, outbound)
            self.engine.catch_up()

    # ------------------------------------------------------------------------ arrivals

    def start(self) -> None:
        """Keep calls arriving (Poisson, ``rate`` per second) until :meth:`stop`."""
        if self.running or self.rate <= 0:
            return
        self.running = True
        self.engine.at(self.engine.now() + self._rng.expovariate(self.rate), self._arrive)

    def stop(self) -> None:
        self.running = False

    def _arrive(self, at: float) -> None:
        if not self.running:
            return
        outbound = self._rng.random() < self.profile.outbound_share
        self._create(at, self._plan(outbound, length_biased=False), outbound)
        self.engine.at(at + self._rng.expovariate(self.rate), self._arrive)

    def stats(self) -> dict[str, object]:
        return {
            "running": self.running,
            "rate_per_s": self.rate,
            "mean_lifetime_s": round(self.mean_lifetime_s, 1),
            "created": self.created,
        }
