"""The real console on a hub (Pilot): the floor comes from the hub, and floor actions are claimed.

The hub polls on the account's API key, the console acts on the auth token: the simulator's
request log shows the console never asked Twilio for a queue, a room or a recording.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from tests.hub.conftest import RunningHub, floor_gets
from tests.ui.conftest import RecordingApp, wait_until
from tests.ui.floor_helpers import open_room, toasts_with, until_placed
from tui.core.audit import read_audit_log
from tui.core.config import audit_log_path, load_settings
from tui.core.credentials import Credentials
from tui.core.models import Action, ActionResult, Outcome
from tui.core.twilio_client import TwilioAccess
from tui.hub.console import hub_backend_factory
from tui.hub.coordination import NatsClaims
from tui.hub.embedded import EmbeddedNats
from tui.hub.link import HubLink
from tui.sim import EmbeddedSimulator
from tui.sim.floor_scene import build_floor_scene
from tui.ui.floor.dialogs import DequeueScreen, FloorConfirmScreen
from tui.ui.floor.queues_screen import QueuesScreen

SIZE = (160, 40)
WAIT_S = 30.0


def _app(credentials: Credentials, url: str) -> RecordingApp:
    settings = replace(load_settings(), operator="ana")
    factory = hub_backend_factory(credentials, settings, url)
    return RecordingApp(factory, settings, mode_label="HUB")


async def test_console_on_the_hub_shows_the_floor_and_is_told_who_dequeued_first(
    tmp_env: Path,
    sim: EmbeddedSimulator,
    access: TwilioAccess,
    credentials: Credentials,
    nats_server: EmbeddedNats,
    floor_hub: RunningHub,
) -> None:
    scene = build_floor_scene(sim, queues={"Escalations": 2}, rooms=1)
    queue = scene.queues["Escalations"]
    second = queue.member_call_sids[1]
    (room,) = scene.rooms
    ben_link = HubLink(nats_server.url, name="ben")
    ben = NatsClaims(ben_link, sim.account_sid, operator="ben", console="ben-console")
    app = _app(credentials, nats_server.url)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until_placed(pilot, app, second, room.customer_call_sid)
            # Ben dequeues the caller from his console first.
            assert (await ben.claim(second, Action.DEQUEUE)).granted
            await ben.settle(ActionResult(second, Action.DEQUEUE, Outcome.APPLIED, "dequeued"))
            assert app.main_screen.table.jump_to_sid(second)
            await pilot.press("d")  # opens the queues view on that caller
            await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen), "the queues")
            queues = app.screen
            assert isinstance(queues, QueuesScreen)
            assert "Escalations" in {view.queue.friendly_name for view in queues.queues}
            await wait_until(
                pilot,
                lambda: (
                    queues.selected_member is not None and queues.selected_member.call_sid == second
                ),
                "the caller selected",
            )
            before = len(sim.request_log)
            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, DequeueScreen), "the picker")
            await pilot.press(*"https://example.com/agent", "enter")
            await wait_until(
                pilot, lambda: isinstance(app.screen, FloorConfirmScreen), "the confirm"
            )
            await pilot.press("y")
            await wait_until(
                pilot, lambda: bool(toasts_with(app, "Dequeue refused")), "the refusal", WAIT_S
            )
            (toast,) = toasts_with(app, "Dequeue refused")
            assert "ben (ben-console) dequeued this caller" in toast[1]
            assert "nothing was sent" in toast[1]
            assert not [r for r in sim.request_log[before:] if r.method == "POST"]
            (record,) = [r for r in read_audit_log(audit_log_path()) if r["action"] == "dequeue"]
            assert record["outcome"] == "refused" and record["call_sid"] == second

            # The room, from the hub too; when it ends, the view says so.
            for _ in range(4):
                if app.screen is app.main_screen:
                    break
                await pilot.press("escape")
            screen = await open_room(pilot, app, room.customer_call_sid)
            assert screen.view is not None
            assert {p.call_sid for p in screen.view.participants} == {
                room.agent_call_sid,
                room.customer_call_sid,
            }
            await access.client.conferences(room.conference_sid).update_async(status="completed")
            await wait_until(
                pilot,
                lambda: "has ended" in str(screen.query_one("#room-state").render()),
                "the room to end on the console",
                WAIT_S,
            )
            await wait_until(
                pilot,
                lambda: app.main_screen.floor.placement(room.customer_call_sid) is None,
                "the call to leave the room in the Where column",
                WAIT_S,
            )
        assert floor_gets(sim, "token") == []  # every floor request was the hub's
        assert floor_gets(sim, "api_key")
    finally:
        await asyncio.wait_for(ben_link.close(), 10)
