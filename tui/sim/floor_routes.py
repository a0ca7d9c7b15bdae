"""The floor's REST routes: Conferences, Participants, Queues, Members, Call and Conference
Recordings (the last two in :mod:`tui.sim.recording_routes`), under
``/2010-04-01/Accounts/{AccountSid}``::

    GET    Conferences.json                          FriendlyName, Status, DateCreated, DateUpdated
    GET    Conferences/{Sid}.json
    POST   Conferences/{Sid}.json                    Status=completed, AnnounceUrl, AnnounceMethod
    GET    Conferences/{Sid}/Participants.json       Muted, Hold, Coaching
    POST   Conferences/{Sid}/Participants.json       From, To, Muted, Beep, Coaching, Label, …
    GET    Conferences/{Sid}/Participants/{CallSid|Label}.json
    POST   Conferences/{Sid}/Participants/{CallSid|Label}.json   Hold, Muted, Coaching, …
    DELETE Conferences/{Sid}/Participants/{CallSid|Label}.json
    GET    Queues.json               POST Queues.json  FriendlyName, MaxSize
    GET    Queues/{Sid}.json         POST Queues/{Sid}.json        DELETE Queues/{Sid}.json
    GET    Queues/{Sid}/Members.json
    GET    Queues/{Sid}/Members/{CallSid|Front}.json
    POST   Queues/{Sid}/Members/{CallSid|Front}.json             Url, Method (dequeue)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from tui.sim import api_errors
from tui.sim.conferences import conference_gone
from tui.sim.engine import CallEngine
from tui.sim.floor_http import events_of, form_of, json_body, page_response, query_of
from tui.sim.floor_json import (
    conference_payload,
    member_payload,
    participant_payload,
    queue_payload,
)
from tui.sim.floor_model import Conference, Participant, Queue
from tui.sim.floor_paging import Keyed, matching
from tui.sim.floor_params import (
    CONFERENCE_STATUSES,
    flag,
    parse_conference_update,
    parse_create_participant,
    parse_member_update,
    parse_queue_form,
    parse_update_participant,
    time_filter,
)
from tui.sim.recording_routes import RecordingRoutes


class FloorRoutes:
    def __init__(self, engine: CallEngine) -> None:
        self.engine = engine
        self.floor = engine.floor

    def add_to(self, app: web.Application, prefix: str) -> None:
        r = app.router
        c = f"{prefix}/Conferences"
        r.add_get(f"{c}.json", self.list_conferences)
        r.add_get(f"{c}/{{cf}}.json", self.fetch_conference)
        r.add_post(f"{c}/{{cf}}.json", self.update_conference)
        r.add_get(f"{c}/{{cf}}/Participants.json", self.list_participants)
        r.add_post(f"{c}/{{cf}}/Participants.json", self.create_participant)
        r.add_get(f"{c}/{{cf}}/Participants/{{key}}.json", self.fetch_participant)
        r.add_post(f"{c}/{{cf}}/Participants/{{key}}.json", self.update_participant)
        r.add_delete(f"{c}/{{cf}}/Participants/{{key}}.json", self.delete_participant)
        q = f"{prefix}/Queues"
        r.add_get(f"{q}.json", self.list_queues)
        r.add_post(f"{q}.json", self.create_queue)
        r.add_get(f"{q}/{{qu}}.json", self.fetch_queue)
        r.add_post(f"{q}/{{qu}}.json", self.update_queue)
        r.add_delete(f"{q}/{{qu}}.json", self.delete_queue)
        r.add_get(f"{q}/{{qu}}/Members.json", self.list_members)
        r.add_get(f"{q}/{{qu}}/Members/{{key}}.json", self.fetch_member)
        r.add_post(f"{q}/{{qu}}/Members/{{key}}.json", self.update_member)

    # ------------------------------------------------------------------------ helpers

    def _page(
        self,
        request: web.Request,
        name: str,
        items: Sequence[Keyed],
        render: Callable[[Any], dict[str, Any]],
        filter_names: Sequence[str] = (),
        *,
        descending: bool = False,
    ) -> web.Response:
        return page_response(request, name, items, render, filter_names, descending=descending)

    def _conference(self, request: web.Request) -> Conference:
        conf = self.floor.conferences.get(request.match_info["cf"])
        if conf is None:
            raise api_errors.not_found(request.path)
        return conf

    def _participant(self, request: web.Request) -> tuple[Conference, Participant]:
        conf = self._conference(request)
        participant = self.floor.conferences.participant(conf, request.match_info["key"])
        if participant is None:
            raise api_errors.not_found(request.path)
        return conf, participant

    def _render_participant(self, p: Participant, *, created: bool = False) -> dict[str, Any]:
        call = self.engine.get(p.call_sid)
        queue_time = None
        if created and call is not None:
            queue_time = str(call.queue_time_ms or 0)
        return participant_payload(p, call.status if call else None, queue_time=queue_time)

    def _queue(self, request: web.Request) -> Queue:
        queue = self.floor.queues.by_sid.get(request.match_info["qu"])
        if queue is None:
            raise api_errors.not_found(request.path)
        return queue

    # ------------------------------------------------------------------------ conferences

    async def list_conferences(self, request: web.Request) -> web.StreamResponse:
        query = query_of(request)
        checks: list[Callable[[Conference], bool]] = []
        name = query.get("FriendlyName")
        if name:
            checks.append(lambda c: c.friendly_name == name)
        status = query.get("Status")
        if status:
            if status not in CONFERENCE_STATUSES:
                raise api_errors.invalid_parameter(f"Status {status!r} is not valid")
            checks.append(lambda c: c.status == status)
        created = time_filter(query, "DateCreated")
        if created is not None:
            checks.append(lambda c: created.admits(c.created_at))
        updated = time_filter(query, "DateUpdated")
        if updated is not None:
            checks.append(lambda c: updated.admits(c.updated_at))
        conferences = self.floor.conferences
        source = conferences.live() if status in ("init", "in-progress") else conferences.ordered
        if status in ("init", "in-progress"):
            source = sorted(source, key=lambda c: c.key)
        items = matching(source, checks)
        items.reverse()
        names = ("FriendlyName", "Status", "DateCreated", "DateCreated<", "DateCreated>",
                 "DateUpdated", "DateUpdated<", "DateUpdated>")  # fmt: skip
        return self._page(request, "conferences", items, conference_payload, names, descending=True)

    async def fetch_conference(self, request: web.Request) -> web.StreamResponse:
        return json_body(conference_payload(self._conference(request)))

    async def update_conference(self, request: web.Request) -> web.StreamResponse:
        conf = self._conference(request)
        end, announce_url, announce_method = parse_conference_update(await form_of(request))
        if not conf.live:
            raise conference_gone(conf.sid)
        at = self.engine.now()
        if announce_url:
            self.floor.conferences.announce(conf, announce_url, announce_method)
        if end:
            self.floor.conferences.end(conf, at, "conference-ended-via-api", None)
        conf.updated_at = at
        return json_body(conference_payload(conf))

    # ------------------------------------------------------------------------ participants

    async def list_participants(self, request: web.Request) -> web.StreamResponse:
        conf = self._conference(request)
        query = query_of(request)
        checks: list[Callable[[Participant], bool]] = []
        for name, attr in (("Muted", "muted"), ("Hold", "hold"), ("Coaching", "coaching")):
            wanted = flag(query, name)
            if wanted is not None:
                checks.append(lambda p, a=attr, w=wanted: getattr(p, a) is w)  # type: ignore[misc]
        items = matching(list(conf.participants.values()), checks)
        return self._page(
            request, "participants", items, self._render_participant, ("Muted", "Hold", "Coaching")
        )

    async def create_participant(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["cf"]
        rooms = self.floor.conferences
        conf = rooms.get(key) or rooms.live_by_name.get(key)
        if (conf is not None and not conf.live) or (conf is None and key.startswith("CF")):
            raise conference_gone(key)
        form = await form_of(request)
        parsed = parse_create_participant(
            form,
            await events_of(request, "StatusCallbackEvent"),
            await events_of(request, "ConferenceStatusCallbackEvent"),
        )
        if conf is None:  # a friendly name: the room opens when the leg joins it
            conf = rooms.open(key, self.engine.now())
        participant = rooms.add(conf, parsed, self.engine.now())
        return json_body(self._render_participant(participant, created=True), status=201)

    async def fetch_participant(self, request: web.Request) -> web.StreamResponse:
        _, participant = self._participant(request)
        return json_body(self._render_participant(participant))

    async def update_participant(self, request: web.Request) -> web.StreamResponse:
        conf, participant = self._participant(request)
        parsed = parse_update_participant(await form_of(request))
        self.floor.conferences.update(conf, participant, parsed, self.engine.now())
        return json_body(self._render_participant(participant))

    async def delete_participant(self, request: web.Request) -> web.StreamResponse:
        conf, participant = self._participant(request)
        self.floor.conferences.kick(conf, participant, self.engine.now())
        return web.Response(status=204)

    # ------------------------------------------------------------------------ queues

    async def list_queues(self, request: web.Request) -> web.StreamResponse:
        now = self.engine.now()
        return self._page(
            request, "queues", self.floor.queues.ordered, lambda q: queue_payload(q, now)
        )

    async def create_queue(self, request: web.Request) -> web.StreamResponse:
        name, size = parse_queue_form(await form_of(request), create=True)
        assert name is not None
        queue = self.floor.queues.create(name, size, self.engine.now())
        return json_body(queue_payload(queue, self.engine.now()), status=201)

    async def fetch_queue(self, request: web.Request) -> web.StreamResponse:
        return json_body(queue_payload(self._queue(request), self.engine.now()))

    async def update_queue(self, request: web.Request) -> web.StreamResponse:
        queue = self._queue(request)
        name, size = parse_queue_form(await form_of(request), create=False)
        self.floor.queues.update(queue, name, size, self.engine.now())
        return json_body(queue_payload(queue, self.engine.now()))

    async def delete_queue(self, request: web.Request) -> web.StreamResponse:
        self.floor.queues.delete(self._queue(request))
        return web.Response(status=204)

    # ------------------------------------------------------------------------ members

    async def list_members(self, request: web.Request) -> web.StreamResponse:
        queue = self._queue(request)
        now = self.engine.now()
        positions = {sid: i + 1 for i, sid in enumerate(queue.members)}
        account = self.engine.account_sid
        return self._page(
            request,
            "queue_members",
            list(queue.members.values()),
            lambda m: member_payload(account, m, positions[m.call_sid], now),
        )

    def _member_payload(self, request: web.Request) -> tuple[Queue, Any, dict[str, Any]]:
        queue = self._queue(request)
        member = self.floor.queues.member(queue, request.match_info["key"])
        if member is None:
            raise api_errors.not_found(request.path)
        position = self.floor.queues.position(queue, member.call_sid)
        now = self.engine.now()
        return queue, member, member_payload(self.engine.account_sid, member, position, now)

    async def fetch_member(self, request: web.Request) -> web.StreamResponse:
        return json_body(self._member_payload(request)[2])

    async def update_member(self, request: web.Request) -> web.StreamResponse:
        url, method = parse_member_update(await form_of(request))
        queue, member, payload = self._member_payload(request)
        self.floor.queues.dequeue(queue, member, url, method, self.engine.now())
        return json_body(payload)


def add_floor_routes(app: web.Application, engine: CallEngine, prefix: str) -> None:
    FloorRoutes(engine).add_to(app, prefix)
    RecordingRoutes(engine).add_to(app, prefix)
