"""Demo traffic for the floor: callers through a short IVR into Support, Sales and Billing, agents
taking them into one conference per conversation.

Callers arrive (Poisson), hear a greeting and a menu (a ``<Gather>`` that times out) and
``<Enqueue>`` in the queue their call is about. A dispatcher matches free agents (``client:``
identities with names, each with the queues they serve) to the caller who has waited longest
in their queues: the caller is moved into a new room (``<Dial><Conference>``, the way a REST
dequeue to a conference URL would), the agent's device is dialled into the same room
(``endConferenceOnExit``). Some rooms are recorded from the start, some customers are put on hold
for a while, some recordings are paused for a card number, some agents mute; Billing has too few
agents, so its callers wait long, and some give up. After the conversation the customer hangs up
(which ends the room), and the agent wraps up before taking the next caller.

Everything comes from ``random.Random(seed)`` and the engine's timers, so the same seed on a
fresh simulator plays the same floor; :meth:`FloorTraffic.start` replays ``warmup_s`` seconds of
history first, so the floor is busy from the first screen.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from tui.sim.call_record import CallPlan, CallRecord
from tui.sim.engine import CallEngine
from tui.sim.floor_params import CreateRecordingRequest, UpdateParticipantRequest
from tui.sim.floor_scene import CENTRE_NUMBER, agent_identity
from tui.sim.phone_numbers import caller_name, caller_number
from tui.sim.twiml_parser import parse_twiml_cached

FLOOR_QUEUES: Final = ("Support", "Sales", "Billing")
_SHARE: Final = {"Support": 0.5, "Sales": 0.3, "Billing": 0.2}
_GREETING: Final = "Thank you for calling Northwind. Calls may be recorded for training."
_MENU: Final = "For support, press 1. For sales, press 2. For billing, press 3."
_DISPATCH_S: Final = 2.0


def ivr_twiml(queue: str) -> str:
    return (
        f"<Response><Say>{_GREETING}</Say>"
        f'<Gather numDigits="1" timeout="3"><Say>{_MENU}</Say></Gather>'
        f"<Enqueue>{queue}</Enqueue></Response>"
    )


def room_twiml(room: str, *, agent: bool, record: bool = False) -> str:
    ends = "true"
    starts = "true" if agent else "false"
    recording = ' record="record-from-start"' if record else ""
    return (
        f'<Response><Dial><Conference beep="false" startConferenceOnEnter="{starts}" '
        f'endConferenceOnExit="{ends}"{recording}>{room}</Conference></Dial></Response>'
    )


@dataclass(frozen=True, slots=True)
class FloorProfile:
    """The shape of the floor; the defaults give about a dozen rooms and a few waiting callers."""

    arrivals_per_min: float = 5.0
    talk_median_s: float = 150.0
    talk_sigma: float = 0.5
    wrap_up_s: tuple[float, float] = (5.0, 25.0)
    patience_mean_s: float = 420.0
    record_share: float = 0.45
    call_record_share: float = 0.15
    hold_share: float = 0.3
    mute_share: float = 0.2
    pause_share: float = 0.5
    skills: tuple[tuple[str, ...], ...] = (
        ("Support",), ("Support",), ("Support",), ("Support", "Sales"), ("Support",),
        ("Sales",), ("Sales",), ("Sales", "Support"), ("Billing",), ("Billing", "Support"),
        ("Support",), ("Sales",),
    )  # fmt: skip
    """One entry per agent: the queues that agent takes callers from."""


@dataclass(slots=True)
class Agent:
    identity: str
    skills: tuple[str, ...]
    busy: bool = False
    rooms: int = 0


@dataclass(slots=True)
class FloorTrafficStats:
    callers: int = 0
    conversations: int = 0
    abandoned: int = 0
    rooms: list[str] = field(default_factory=list)


class FloorTraffic:
    def __init__(
        self,
        engine: CallEngine,
        *,
        seed: int = 0,
        profile: FloorProfile | None = None,
        warmup_s: float = 900.0,
    ) -> None:
        self.engine = engine
        self.profile = profile or FloorProfile()
        self.warmup_s = warmup_s
        self._rng = random.Random(f"floor-traffic-{seed}")
        self.agents = [
            Agent(agent_identity(i), skills) for i, skills in enumerate(self.profile.skills)
        ]
        self.running = False
        self.stats = FloorTrafficStats()
        self._generation = 0

    # ------------------------------------------------------------------------ running

    def start(self) -> None:
        """Replay ``warmup_s`` seconds of the floor up to now, then keep it going."""
        if self.running:
            return
        self.running = True
        self._generation += 1
        begin = self.engine.now() - self.warmup_s
        self._every(begin, self._arrive, lambda: self._rng.expovariate(self._rate()))
        self._every(begin + 1.0, self._dispatch, lambda: _DISPATCH_S)
        self.engine.catch_up()

    def stop(self) -> None:
        self.running = False

    def _rate(self) -> float:
        return self.profile.arrivals_per_min / 60.0

    def _every(
        self, first: float, action: Callable[[float], None], gap: Callable[[], float]
    ) -> None:
        generation = self._generation

        def tick(at: float) -> None:
            if not self.running or generation != self._generation:
                return
            action(at)
            self.engine.at(at + gap(), tick)

        self.engine.at(first, tick)

    def _later(self, at: float, action: Callable[[float], None]) -> None:
        generation = self._generation

        def run(when: float) -> None:
            if self.running and generation == self._generation:
                action(when)

        self.engine.at(at, run)

    # ------------------------------------------------------------------------ callers

    def _arrive(self, at: float) -> None:
        rng = self._rng
        roll, queue = rng.random(), FLOOR_QUEUES[-1]
        for name in FLOOR_QUEUES:
            roll -= _SHARE[name]
            if roll < 0:
                queue = name
                break
        call = self.engine.create_inbound(
            from_=caller_number(rng, 0.15),
            to=CENTRE_NUMBER,
            twiml=ivr_twiml(queue),
            at=at,
            caller_name=caller_name(rng) if rng.random() < 0.4 else None,
        )
        self.stats.callers += 1
        patience = rng.expovariate(1 / self.profile.patience_mean_s)
        self._later(at + 12.0 + patience, lambda when: self._give_up(call, when))

    def _give_up(self, call: CallRecord, at: float) -> None:
        if call.is_live and call.sid in self.engine.floor.queues.queue_of:
            self.stats.abandoned += 1
            self.engine.hang_up(call.sid)

    # ------------------------------------------------------------------------ agents

    def _dispatch(self, at: float) -> None:
        queues = self.engine.floor.queues
        for agent in self.agents:
            if agent.busy:
                continue
            best = None
            for name in agent.skills:
                queue = queues.by_name.get(name)
                head = next(iter(queue.members.values()), None) if queue else None
                if head is not None and (best is None or head.enqueued_at < best.enqueued_at):
                    best = head
            if best is None:
                continue
            caller = self.engine.get(best.call_sid)
            if caller is None or not caller.is_live:
                queues.remove(best.call_sid, at)
                continue
            self._connect(agent, caller, at)

    def _connect(self, agent: Agent, caller: CallRecord, at: float) -> None:
        engine = self.engine
        rng = self._rng
        p = self.profile
        agent.busy = True
        agent.rooms += 1
        self.stats.conversations += 1
        room = f"{agent.identity.removeprefix('client:')}-{agent.rooms:03d}"
        self.stats.rooms.append(room)
        engine._interrupt(caller, at)
        engine._run_program(
            caller, parse_twiml_cached(room_twiml(room, agent=False)).verbs, at, None
        )
        engine._touch(caller, at)
        ring = rng.uniform(2.0, 6.0)
        leg = engine.create_outbound(
            from_=CENTRE_NUMBER,
            to=agent.identity,
            twiml=room_twiml(room, agent=True, record=rng.random() < p.record_share),
            at=at,
            plan=CallPlan(ring_s=ring, outcome="answered"),
        )
        talk = min(3600.0, max(30.0, rng.lognormvariate(math.log(p.talk_median_s), p.talk_sigma)))
        joined = at + 1.0 + ring + 0.1
        if rng.random() < p.call_record_share:
            pause = rng.random() < p.pause_share
            self._later(joined + 2.0, lambda t: self._record_call(caller, t, pause))
        if rng.random() < p.hold_share:
            start = joined + rng.uniform(0.2, 0.7) * talk
            length = rng.uniform(20.0, 90.0)
            hold = UpdateParticipantRequest(hold=True)
            self._later(start, lambda t: self._set(caller.sid, t, hold))
            self._later(
                start + length,
                lambda t: self._set(caller.sid, t, UpdateParticipantRequest(hold=False)),
            )
        if rng.random() < p.mute_share:
            start = joined + rng.uniform(0.1, 0.8) * talk
            mute = UpdateParticipantRequest(muted=True)
            self._later(start, lambda t: self._set(leg.sid, t, mute))
            self._later(
                start + rng.uniform(20.0, 90.0),
                lambda t: self._set(leg.sid, t, UpdateParticipantRequest(muted=False)),
            )
        wrap = rng.uniform(*p.wrap_up_s)
        self._later(joined + talk, lambda t: engine.hang_up(caller.sid))
        self._later(joined + talk + wrap, lambda t: self._free(agent, leg))

    def _free(self, agent: Agent, leg: CallRecord) -> None:
        if leg.is_live:  # the room outlived its customer somehow: close the agent's leg
            self.engine.hang_up(leg.sid)
        agent.busy = False

    def _set(self, call_sid: str, at: float, request: UpdateParticipantRequest) -> None:
        rooms = self.engine.floor.conferences
        sid = rooms.room_of.get(call_sid)
        conf = rooms.get(sid) if sid else None
        participant = conf.participants.get(call_sid) if conf else None
        if conf is None or participant is None or not participant.joined:
            return
        if request.hold is False and not participant.hold:
            return
        rooms.update(conf, participant, request, at)

    def _record_call(self, caller: CallRecord, at: float, pause: bool) -> None:
        in_room = caller.sid in self.engine.floor.conferences.room_of
        if caller.status != "in-progress" or not in_room:
            return
        recordings = self.engine.floor.recordings
        rec = recordings.start_call(
            caller, CreateRecordingRequest(channels=2), at, "StartCallRecordingAPI"
        )
        if pause:
            begin = at + self._rng.uniform(20.0, 60.0)
            length = self._rng.uniform(15.0, 45.0)

            def paused(t: float) -> None:
                if rec.status == "in-progress":
                    recordings.update(rec, "paused", "skip", t)

            def resumed(t: float) -> None:
                if rec.status == "paused":
                    recordings.update(rec, "in-progress", None, t)

            self._later(begin, paused)
            self._later(begin + length, resumed)
