"""Two supervisors press hang-up on the same call: one request reaches Twilio, the other is told."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from nats.js.api import DeliverPolicy

from tests.conftest import credentials_for, live_sids
from tests.hub.conftest import FIXTURE_TIMEOUT_S, eventually
from tui.core.actions import ActionService
from tui.core.audit import AuditLog
from tui.core.models import Call, Outcome
from tui.core.twilio_client import TwilioAccess
from tui.hub import layout
from tui.hub.coordination import NatsAuditMirror, NatsClaims, console_id
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.sim import EmbeddedSimulator


def _call(sim: EmbeddedSimulator, sid: str) -> Call:
    from tui.core.call_parsing import call_from_json
    from tui.sim.serialize import call_json

    record = sim.engine.get(sid)
    assert record is not None
    return call_from_json(json.loads(call_json(record)))


async def test_two_consoles_racing_to_hang_up_send_exactly_one_request(
    sim: EmbeddedSimulator, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    sid = sorted(live_sids(sim))[0]
    call = _call(sim, sid)
    links = [HubLink(nats_server.url, name=f"console {n}") for n in range(2)]
    mirrors = [NatsAuditMirror(link, sim.account_sid) for link in links]
    mirror_tasks = [asyncio.create_task(mirror.run()) for mirror in mirrors]
    try:
        async with (
            TwilioAccess(credentials_for(sim), timeout_s=5.0) as ana_access,
            TwilioAccess(credentials_for(sim), timeout_s=5.0) as ben_access,
        ):
            services = []
            for name, access, link, mirror in (
                ("ana", ana_access, links[0], mirrors[0]),
                ("ben", ben_access, links[1], mirrors[1]),
            ):
                claims = NatsClaims(link, sim.account_sid, operator=name, console=console_id(name))
                audit = AuditLog(tmp_path / f"{name}.jsonl", mirror=mirror)
                services.append(ActionService(access, audit, operator=name, claims=claims))
            before = len(sim.request_log)
            results = await asyncio.wait_for(
                asyncio.gather(*(service.hang_up([call]) for service in services)),
                FIXTURE_TIMEOUT_S,
            )
        updates = [
            r
            for r in sim.request_log[before:]
            if r.method == "POST" and r.path.endswith(f"/Calls/{sid}.json")
        ]
        assert len(updates) == 1
        outcomes = sorted((r[0].outcome, r[0].message) for r in results)
        assert [o for o, _ in outcomes] == [Outcome.APPLIED, Outcome.REFUSED]
        refused = next(r[0] for r in results if r[0].outcome is Outcome.REFUSED)
        winner = "ana" if results[0][0].outcome is Outcome.APPLIED else "ben"
        assert refused.message.startswith(winner) and "nothing was sent" in refused.message
        # Each console keeps its own audit log; the shared stream has both records.
        for name in ("ana", "ben"):
            assert len(AuditLog(tmp_path / f"{name}.jsonl").entries(sid)) == 1
        await eventually(lambda: sum(m.published for m in mirrors) == 2, "the audit copies")
        assert await links[0].wait_connected(5.0)
        js = links[0].jetstream()
        sub = await js.subscribe(
            layout.audit_subject(sim.account_sid), deliver_policy=DeliverPolicy.ALL
        )
        got = [json.loads((await sub.next_msg(timeout=5.0)).data) for _ in range(2)]
        await sub.unsubscribe()
        assert sorted(entry["operator"] for entry in got) == ["ana", "ben"]
        assert {entry["call_sid"] for entry in got} == {sid}
    finally:
        for task in mirror_tasks:
            task.cancel()
        await asyncio.gather(*mirror_tasks, return_exceptions=True)
        for link in links:
            await link.close()


async def test_without_a_hub_the_action_still_goes_out_and_says_so(
    sim: EmbeddedSimulator, tmp_path: Path
) -> None:
    sid = sorted(live_sids(sim))[0]
    link = HubLink("nats://127.0.0.1:1", name="nowhere")
    claims = NatsClaims(link, sim.account_sid, operator="ana", console="ana-1")
    try:
        async with TwilioAccess(credentials_for(sim), timeout_s=5.0) as access:
            service = ActionService(access, None, operator="ana", claims=claims)
            [result] = await asyncio.wait_for(service.hang_up([_call(sim, sid)]), FIXTURE_TIMEOUT_S)
        assert result.outcome is Outcome.APPLIED
        assert "not coordinated" in result.message
    finally:
        await link.close()
