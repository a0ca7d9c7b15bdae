"""Two supervisors act on the same floor target: one request reaches Twilio, the other is told."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import credentials_for
from tests.hub.conftest import FIXTURE_TIMEOUT_S
from tui.core.audit import AuditLog
from tui.core.floor.actions import FloorActions
from tui.core.floor.settings import SupervisorSettings
from tui.core.models import Action, ActionResult, Outcome
from tui.core.twilio_client import TwilioAccess
from tui.hub.coordination import NatsClaims, console_id
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene


@dataclass
class Supervisor:
    name: str
    actions: FloorActions
    audit: AuditLog
    claims: NatsClaims


@pytest.fixture
async def supervisors(
    sim: EmbeddedSimulator, nats_server: EmbeddedNats, tmp_path: Path
) -> AsyncIterator[tuple[Supervisor, Supervisor]]:
    """Ana and Ben: each their own SDK client, NATS connection, claims and audit log."""
    async with contextlib.AsyncExitStack() as stack:
        made = []
        for name in ("ana", "ben"):
            access = await stack.enter_async_context(
                TwilioAccess(credentials_for(sim), timeout_s=5.0)
            )
            link = HubLink(nats_server.url, name=f"{name}'s console")
            stack.push_async_callback(link.close)
            claims = NatsClaims(link, sim.account_sid, operator=name, console=console_id(name))
            audit = AuditLog(tmp_path / f"{name}.jsonl")
            actions = FloorActions(
                access, audit, operator=name, supervisor=SupervisorSettings(), claims=claims
            )
            made.append(Supervisor(name, actions, audit, claims))
        yield made[0], made[1]


def _posts(sim: EmbeddedSimulator, since: int, path_end: str) -> int:
    return sum(
        1 for r in sim.request_log[since:] if r.method == "POST" and r.path.endswith(path_end)
    )


async def test_two_supervisors_holding_the_same_caller_send_one_request(
    sim: EmbeddedSimulator, supervisors: tuple[Supervisor, Supervisor]
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    before = len(sim.request_log)
    results = await asyncio.wait_for(
        asyncio.gather(
            *(
                s.actions.hold(room.conference_sid, room.customer_call_sid, on=True)
                for s in supervisors
            )
        ),
        FIXTURE_TIMEOUT_S,
    )
    path = f"/Conferences/{room.conference_sid}/Participants/{room.customer_call_sid}.json"
    assert _posts(sim, before, path) == 1
    assert sorted(r.outcome for r in results) == [Outcome.APPLIED, Outcome.REFUSED]
    winner = next(
        s for s, r in zip(supervisors, results, strict=True) if r.outcome is Outcome.APPLIED
    )
    refused = next(r for r in results if r.outcome is Outcome.REFUSED)
    assert refused.message.startswith(winner.name)
    assert "on hold" in refused.message and refused.message.endswith("nothing was sent")
    for supervisor in supervisors:  # both outcomes are in each supervisor's own audit log
        (entry,) = supervisor.audit.entries(room.customer_call_sid)
        assert entry["action"] == "hold"


async def test_a_dequeue_already_done_by_another_supervisor_is_refused_naming_them(
    sim: EmbeddedSimulator, supervisors: tuple[Supervisor, Supervisor]
) -> None:
    queue = build_floor_scene(sim, queues={"Escalations": 2}, rooms=0).queues["Escalations"]
    head = queue.member_call_sids[0]
    ana, ben = supervisors
    url = "https://example.com/agent"
    first = await asyncio.wait_for(ana.actions.dequeue(queue.sid, head, url), FIXTURE_TIMEOUT_S)
    assert first.outcome is Outcome.APPLIED
    before = len(sim.request_log)
    second = await asyncio.wait_for(ben.actions.dequeue(queue.sid, head, url), FIXTURE_TIMEOUT_S)
    assert second.outcome is Outcome.REFUSED
    assert second.message.startswith("ana (") and "dequeued this caller" in second.message
    assert second.message.endswith("nothing was sent")
    assert [r for r in sim.request_log[before:] if r.method == "POST"] == []
    (entry,) = ben.audit.entries(head)
    assert entry["outcome"] == "refused" and entry["action"] == "dequeue"
    # The head of the queue is one target too: two presses of "dequeue the head" send one.
    head_first = await ana.actions.dequeue(queue.sid, None, url)
    head_second = await ben.actions.dequeue(queue.sid, None, url)
    assert head_first.outcome is Outcome.APPLIED
    assert head_second.outcome is Outcome.REFUSED
    assert "the head of this queue" in head_second.message


async def test_listening_is_not_claimed_two_supervisors_may_listen_to_one_room(
    sim: EmbeddedSimulator, supervisors: tuple[Supervisor, Supervisor]
) -> None:
    (room,) = build_floor_scene(sim, queues={}, rooms=1).rooms
    ana, ben = supervisors
    # Ana is listening to the room (her claim on it settled); Ben's listen must not meet it.
    assert (await ana.claims.claim(room.conference_sid, Action.LISTEN)).granted
    await ana.claims.settle(
        ActionResult(room.conference_sid, Action.LISTEN, Outcome.APPLIED, "listening")
    )
    ben.actions.supervisor = SupervisorSettings(device="client:ben", caller_id="+15005550006")
    result = await asyncio.wait_for(ben.actions.listen(room.conference_sid), FIXTURE_TIMEOUT_S)
    assert result.outcome is Outcome.APPLIED, result.message
