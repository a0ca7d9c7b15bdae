"""A floor scene on demand, for tests and benchmarks: queues with callers waiting, rooms with an
agent and a customer, some held, muted or recorded.

    scene = build_floor_scene(sim, queues={"Support": 3, "Billing": 1}, rooms=2, held=1)
    scene.rooms[0].conference_sid, scene.rooms[0].agent_call_sid, scene.queues["Support"].sid

Everything goes through the same machinery as live traffic (inbound calls running
``<Enqueue>``, ``<Dial><Conference>`` legs, the floor's own hold/mute/recording rules), created in
the recent past and replayed up to now, so the REST answers are exactly what the console would see.
No webhook is requested, so it is synchronous and fast: 1,000 rooms take well under a second.
Works on a manual or a real clock; the same ``seed`` gives the same numbers, agents and SIDs on a
fresh simulator.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol
from xml.sax.saxutils import escape

from tui.sim.call_record import CallPlan
from tui.sim.engine import ANSWER_DELAY_S, DIAL_DELAY_S, CallEngine
from tui.sim.floor_params import CreateRecordingRequest, UpdateParticipantRequest
from tui.sim.phone_numbers import caller_number

CENTRE_NUMBER: Final = "+18889371204"
AGENT_NAMES: Final = (
    "alice.nguyen", "bruno.silva", "chen.wei", "dana.okafor", "emil.novak", "fatima.khan",
    "gareth.jones", "hana.sato", "ivan.petrov", "julia.moreno", "kofi.mensah", "lena.fischer",
    "marco.rossi", "nadia.haddad", "oscar.lind", "priya.raman", "quinn.obrien", "rosa.diaz",
    "sven.berg", "tara.walsh", "umar.farooq", "vera.kuznetsova", "will.turner", "yuki.tanaka",
)  # fmt: skip
"""Agents' ``client:`` identities (more agents than names get a number suffix)."""
DEFAULT_QUEUES: Final = {"Support": 3, "Sales": 2, "Billing": 1}
_AGENT_RING_S: Final = 2.0


def agent_identity(index: int) -> str:
    name = AGENT_NAMES[index % len(AGENT_NAMES)]
    round_ = index // len(AGENT_NAMES)
    return f"client:{name}" if round_ == 0 else f"client:{name}{round_ + 1}"


def customer_twiml(room: str) -> str:
    return (
        '<Response><Dial><Conference startConferenceOnEnter="false" endConferenceOnExit="false" '
        f'beep="false">{escape(room)}</Conference></Dial></Response>'
    )


def agent_twiml(room: str, *, record: bool = False) -> str:
    recording = ' record="record-from-start"' if record else ""
    return (
        '<Response><Dial><Conference startConferenceOnEnter="true" endConferenceOnExit="true" '
        f'beep="false"{recording}>{escape(room)}</Conference></Dial></Response>'
    )


def enqueue_twiml(queue: str) -> str:
    return f"<Response><Enqueue>{escape(queue)}</Enqueue></Response>"


@dataclass(frozen=True, slots=True)
class QueueScene:
    sid: str
    friendly_name: str
    member_call_sids: tuple[str, ...]
    """Head of the queue first."""


@dataclass(frozen=True, slots=True)
class RoomScene:
    conference_sid: str
    friendly_name: str
    agent: str
    agent_call_sid: str
    customer: str
    customer_call_sid: str
    held: bool = False
    muted: bool = False
    recording_sid: str | None = None
    """The room's recording (source ``Conference``), if it is recorded."""
    call_recording_sid: str | None = None
    """A recording on the customer's call (``StartCallRecordingAPI``), if any."""


@dataclass(frozen=True, slots=True)
class FloorScene:
    queues: dict[str, QueueScene] = field(default_factory=dict)
    rooms: tuple[RoomScene, ...] = ()


class HasEngine(Protocol):
    @property
    def engine(self) -> CallEngine: ...


def build_floor_scene(
    target: CallEngine | HasEngine,
    *,
    queues: Mapping[str, int] = DEFAULT_QUEUES,
    rooms: int = 2,
    held: int = 0,
    muted: int = 0,
    recorded: int = 0,
    call_recorded: int = 0,
    seed: int = 0,
    room_prefix: str = "room",
    wait_step_s: float = 20.0,
    talk_s: float = 90.0,
) -> FloorScene:
    """Build the scene now; the first ``held`` rooms have their customer on hold, the first
    ``muted`` their agent muted, the first ``recorded`` a room recording and the first
    ``call_recorded`` a recording on the customer's call.

    In each queue the head has waited longest: member ``i`` of ``n`` has waited
    ``(n - i) * wait_step_s`` seconds. Each room's conversation started ``talk_s`` seconds ago.
    """
    engine = target if isinstance(target, CallEngine) else target.engine
    floor = engine.floor
    rng = random.Random(f"scene-{seed}")
    now = engine.now()
    members: dict[str, list[str]] = {}
    for name, count in queues.items():
        floor.queues.ensure(name, now)
        sids = members.setdefault(name, [])
        for i in range(count):
            waited = (count - i) * wait_step_s
            call = engine.create_inbound(
                from_=caller_number(rng),
                to=CENTRE_NUMBER,
                twiml=enqueue_twiml(name),
                at=now - waited - ANSWER_DELAY_S,
            )
            sids.append(call.sid)
    plan = CallPlan(ring_s=_AGENT_RING_S, outcome="answered")
    pairs: list[tuple[str, str, str, str, str]] = []
    for i in range(rooms):
        room = f"{room_prefix}-{i + 1:04d}"
        customer = caller_number(rng)
        agent = agent_identity(i)
        started = now - talk_s
        cust = engine.create_inbound(
            from_=customer, to=CENTRE_NUMBER, twiml=customer_twiml(room), at=started - 10.0
        )
        leg = engine.create_outbound(
            from_=CENTRE_NUMBER,
            to=agent,
            twiml=agent_twiml(room, record=i < recorded),
            at=started - DIAL_DELAY_S - _AGENT_RING_S,
            plan=plan,
        )
        pairs.append((room, agent, leg.sid, customer, cust.sid))
    engine.catch_up()
    rooms_out: list[RoomScene] = []
    for i, (room, agent, agent_sid, customer, customer_sid) in enumerate(pairs):
        sid = floor.conferences.room_of.get(customer_sid)
        conf = floor.conferences.get(sid) if sid else None
        if conf is None:
            raise RuntimeError(f"scene room {room} did not form")
        if i < held:
            floor.conferences.update(
                conf, conf.participants[customer_sid], UpdateParticipantRequest(hold=True), now
            )
        if i < muted:
            floor.conferences.update(
                conf, conf.participants[agent_sid], UpdateParticipantRequest(muted=True), now
            )
        call_rec = None
        if i < call_recorded:
            customer_call = engine.get(customer_sid)
            assert customer_call is not None
            call_rec = floor.recordings.start_call(
                customer_call, CreateRecordingRequest(channels=2), now, "StartCallRecordingAPI"
            ).sid
        rooms_out.append(
            RoomScene(
                conference_sid=conf.sid,
                friendly_name=room,
                agent=agent,
                agent_call_sid=agent_sid,
                customer=customer,
                customer_call_sid=customer_sid,
                held=i < held,
                muted=i < muted,
                recording_sid=conf.recording_sids[-1] if conf.recording_sids else None,
                call_recording_sid=call_rec,
            )
        )
    queue_scenes = {
        name: QueueScene(floor.queues.by_name[name].sid, name, tuple(sids))
        for name, sids in members.items()
    }
    return FloorScene(queue_scenes, tuple(rooms_out))
