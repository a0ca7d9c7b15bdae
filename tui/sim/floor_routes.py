"""The floor's REST routes: Conferences, Participants, Queues, Members, Call and Conference
Recordings, under ``/2010-04-01/Accounts/{AccountSid}``::

    GET    Conferences.json                          FriendlyName, Status, DateCreated, DateUpdated
    GET    Conferences/{Sid}.json
    POST   Conferences/{Sid}.json                    Status=completed, AnnounceUrl, AnnounceMethod
    GET    Conferences/{Sid}/Participants.json       Muted, Hold, Coaching
    POST   Conferences/{Sid}/Participants.json       From, To, Muted, Beep, Coaching, Label, …
    GET    Conferences/{Sid}/Participants/{CallSid|Label}.json
    POST   Conferences/{Sid}/Participants/{CallSid|Label}.json   Hold, Muted, Coaching, …
    DELETE Conferences/{Sid}/Participants/{CallSid|Label}.json
    GET    Conferences/{Sid}/Recordings.json
    GET    Conferences/{Sid}/Recordings/{Sid|Twilio.CURRENT}.json
    POST   Conferences/{Sid}/Recordings/{Sid|Twilio.CURRENT}.json  Status, PauseBehavior
    DELETE Conferences/{Sid}/Recordings/{Sid}.json
    GET    Queues.json               POST Queues.json  FriendlyName, MaxSize
    GET    Queues/{Sid}.json         POST Queues/{Sid}.json        DELETE Queues/{Sid}.json
    GET    Queues/{Sid}/Members.json
    GET    Queues/{Sid}/Members/{CallSid|Front}.json
    POST   Queues/{Sid}/Members/{CallSid|Front}.json             Url, Method (dequeue)
    GET    Calls/{CallSid}/Recordings.json           POST (start recording)
    GET    Calls/{CallSid}/Recordings/{Sid|Twilio.CURRENT}.json
    POST   Calls/{CallSid}/Recordings/{Sid|Twilio.CURRENT}.json  Status, PauseBehavior
    DELETE Calls/{CallSid}/Recordings/{Sid}.json
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from tui.sim import api_errors
from tui.sim.conferences import conference_gone
from tui.sim.engine import CallEngine
from tui.sim.floor_json import (
    conference_payload,
    member_payload,
    participant_payload,
    queue_payload,
    recording_payload,
)
from tui.sim.floor_model import Conference, Participant, Queue, Recording
from tui.sim.floor_paging import Keyed, envelope, matching, select
from tui.sim.floor_params import (
    CONFERENCE_STATUSES,
    flag,
    page_params,
    parse_conference_update,
    parse_create_participant,
    parse_create_recording,
    parse_member_update,
    parse_queue_form,
    parse_recording_update,
    parse_update_participant,
    time_filter,
)


def _json(payload: object, status: int = 200) -> web.Response:
    body = json.dumps(payload, separators=(", ", ": ")).encode("utf-8")
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


async def _form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    single: dict[str, str] = {}
    for key, value in data.items():
        if key not in single and isinstance(value, str):
            single[key] = value
    return single


async def _events(request: web.Request, name: str) -> list[str]:
    data = await request.post()
    events: list[str] = []
    for value in data.getall(name, []):
        if isinstance(value, str):
            events.extend(value.replace(",", " ").split())
    return events


def _query(request: web.Request) -> dict[str, str]:
    single: dict[str, str] = {}
    for key, value in request.query.items():
        single.setdefault(key, value)
    return single


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
        r.add_get(f"{c}/{{cf}}/Recordings.json", self.list_conference_recordings)
        r.add_get(f"{c}/{{cf}}/Recordings/{{key}}.json", self.fetch_conference_recording)
        r.add_post(f"{c}/{{cf}}/Recordings/{{key}}.json", self.update_conference_recording)
        r.add_delete(f"{c}/{{cf}}/Recordings/{{key}}.json", self.delete_conference_recording)
        q = f"{prefix}/Queues"
        r.add_get(f"{q}.json", self.list_queues)
        r.add_post(f"{q}.json", self.create_queue)
        r.add_get(f"{q}/{{qu}}.json", self.fetch_queue)
        r.add_post(f"{q}/{{qu}}.json", self.update_queue)
        r.add_delete(f"{q}/{{qu}}.json", self.delete_queue)
        r.add_get(f"{q}/{{qu}}/Members.json", self.list_members)
        r.add_get(f"{q}/{{qu}}/Members/{{key}}.json", self.fetch_member)
        r.add_post(f"{q}/{{qu}}/Members/{{key}}.json", self.update_member)
        k = f"{prefix}/Calls/{{ca}}/Recordings"
        r.add_get(f"{k}.json", self.list_call_recordings)
        r.add_post(f"{k}.json", self.create_call_recording)
        r.add_get(f"{k}/{{key}}.json", self.fetch_call_recording)
        r.add_post(f"{k}/{{key}}.json", self.update_call_recording)
        r.add_delete(f"{k}/{{key}}.json", self.delete_call_recording)

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
        query = _query(request)
        page_size, page_number, token = page_params(query)
        page = select(items, page_size, page_number, token, descending=descending)
        filters = [(n, query[n]) for n in filter_names if query.get(n)]
        payload = envelope(
            name,
            [render(item) for item in page.items],
            page,
            path=request.path,
            filters=filters,
            page_size=page_size,
            page_number=page_number,
            token=token,
        )
        return _json(payload)

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
        query = _query(request)
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
        return _json(conference_payload(self._conference(request)))

    async def update_conference(self, request: web.Request) -> web.StreamResponse:
        conf = self._conference(request)
        end, announce_url, announce_method = parse_conference_update(await _form(request))
        if not conf.live:
            raise conference_gone(conf.sid)
        at = self.engine.now()
        if announce_url:
            self.floor.conferences.announce(conf, announce_url, announce_method)
        if end:
            self.floor.conferences.end(conf, at, "conference-ended-via-api", None)
        conf.updated_at = at
        return _json(conference_payload(conf))

    # ------------------------------------------------------------------------ participants

    async def list_participants(self, request: web.Request) -> web.StreamResponse:
        conf = self._conference(request)
        query = _query(request)
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
        form = await _form(request)
        parsed = parse_create_participant(form, await _events(request, "StatusCallbackEvent"))
        if conf is None:  # a friendly name: the room opens when the leg joins it
            conf = rooms.open(key, self.engine.now())
        participant = rooms.add(conf, parsed, self.engine.now())
        return _json(self._render_participant(participant, created=True), status=201)

    async def fetch_participant(self, request: web.Request) -> web.StreamResponse:
        _, participant = self._participant(request)
        return _json(self._render_participant(participant))

    async def update_participant(self, request: web.Request) -> web.StreamResponse:
        conf, participant = self._participant(request)
        parsed = parse_update_participant(await _form(request))
        self.floor.conferences.update(conf, participant, parsed, self.engine.now())
        return _json(self._render_participant(participant))

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
        name, size = parse_queue_form(await _form(request), create=True)
        assert name is not None
        queue = self.floor.queues.create(name, size, self.engine.now())
        return _json(queue_payload(queue, self.engine.now()), status=201)

    async def fetch_queue(self, request: web.Request) -> web.StreamResponse:
        return _json(queue_payload(self._queue(request), self.engine.now()))

    async def update_queue(self, request: web.Request) -> web.StreamResponse:
        queue = self._queue(request)
        name, size = parse_queue_form(await _form(request), create=False)
        self.floor.queues.update(queue, name, size, self.engine.now())
        return _json(queue_payload(queue, self.engine.now()))

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
        return _json(self._member_payload(request)[2])

    async def update_member(self, request: web.Request) -> web.StreamResponse:
        url, method = parse_member_update(await _form(request))
        queue, member, payload = self._member_payload(request)
        self.floor.queues.dequeue(queue, member, url, method, self.engine.now())
        return _json(payload)

    # ------------------------------------------------------------------------ recordings

    def _call_recordings(self, request: web.Request) -> list[Recording]:
        sid = request.match_info["ca"]
        if self.engine.get(sid) is None and sid not in self.floor.recordings.of_call:
            raise api_errors.not_found(request.path)
        return self.floor.recordings.for_call(sid)

    def _one(self, request: web.Request, recordings: list[Recording]) -> Recording:
        rec = self.floor.recordings.resolve(recordings, request.match_info["key"])
        if rec is None:
            raise api_errors.not_found(request.path)
        return rec

    @staticmethod
    def _newest_first(recordings: list[Recording]) -> list[Recording]:
        return sorted(recordings, key=lambda r: r.key, reverse=True)

    def _render_call_recording(self, rec: Recording) -> dict[str, Any]:
        return recording_payload(rec, conference_view=False)

    async def list_call_recordings(self, request: web.Request) -> web.StreamResponse:
        items = self._newest_first(self._call_recordings(request))
        return self._page(
            request, "recordings", items, self._render_call_recording, descending=True
        )

    async def create_call_recording(self, request: web.Request) -> web.StreamResponse:
        call = self.engine.get(request.match_info["ca"])
        if call is None:
            raise api_errors.not_found(request.path)
        form = await _form(request)
        parsed = parse_create_recording(
            form, await _events(request, "RecordingStatusCallbackEvent")
        )
        rec = self.floor.recordings.start_call(
            call, parsed, self.engine.now(), "StartCallRecordingAPI"
        )
        return _json(self._render_call_recording(rec), status=201)

    async def fetch_call_recording(self, request: web.Request) -> web.StreamResponse:
        return _json(
            self._render_call_recording(self._one(request, self._call_recordings(request)))
        )

    async def update_call_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._call_recordings(request))
        status, behavior = parse_recording_update(await _form(request))
        self.floor.recordings.update(rec, status, behavior, self.engine.now())
        return _json(self._render_call_recording(rec))

    async def delete_call_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._call_recordings(request))
        self.floor.recordings.delete(rec)
        return web.Response(status=204)

    def _conference_recordings(self, request: web.Request) -> list[Recording]:
        return self.floor.recordings.for_conference(self._conference(request))

    async def list_conference_recordings(self, request: web.Request) -> web.StreamResponse:
        items = self._newest_first(self._conference_recordings(request))
        return self._page(
            request,
            "recordings",
            items,
            lambda r: recording_payload(r, conference_view=True),
            descending=True,
        )

    async def fetch_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        return _json(recording_payload(rec, conference_view=True))

    async def update_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        status, behavior = parse_recording_update(await _form(request))
        self.floor.recordings.update(rec, status, behavior, self.engine.now())
        return _json(recording_payload(rec, conference_view=True))

    async def delete_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        self.floor.recordings.delete(rec)
        return web.Response(status=204)


def add_floor_routes(app: web.Application, engine: CallEngine, prefix: str) -> None:
    FloorRoutes(engine).add_to(app, prefix)
