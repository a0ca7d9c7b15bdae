"""REST routes for Call and Conference Recordings (start, list, fetch, pause/resume/stop, delete)::

GET    Calls/{CallSid}/Recordings.json           POST (start recording)
GET    Calls/{CallSid}/Recordings/{Sid|Twilio.CURRENT}.json
POST   Calls/{CallSid}/Recordings/{Sid|Twilio.CURRENT}.json  Status, PauseBehavior
DELETE Calls/{CallSid}/Recordings/{Sid}.json
GET    Conferences/{Sid}/Recordings.json
GET    Conferences/{Sid}/Recordings/{Sid|Twilio.CURRENT}.json
POST   Conferences/{Sid}/Recordings/{Sid|Twilio.CURRENT}.json  Status, PauseBehavior
DELETE Conferences/{Sid}/Recordings/{Sid}.json
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tui.sim import api_errors
from tui.sim.engine import CallEngine
from tui.sim.floor_http import events_of, form_of, json_body, page_response
from tui.sim.floor_json import recording_payload
from tui.sim.floor_model import Conference, Recording
from tui.sim.floor_params import parse_create_recording, parse_recording_update


class RecordingRoutes:
    def __init__(self, engine: CallEngine) -> None:
        self.engine = engine
        self.floor = engine.floor

    def add_to(self, app: web.Application, prefix: str) -> None:
        r = app.router
        k = f"{prefix}/Calls/{{ca}}/Recordings"
        r.add_get(f"{k}.json", self.list_call_recordings)
        r.add_post(f"{k}.json", self.create_call_recording)
        r.add_get(f"{k}/{{key}}.json", self.fetch_call_recording)
        r.add_post(f"{k}/{{key}}.json", self.update_call_recording)
        r.add_delete(f"{k}/{{key}}.json", self.delete_call_recording)
        c = f"{prefix}/Conferences/{{cf}}/Recordings"
        r.add_get(f"{c}.json", self.list_conference_recordings)
        r.add_get(f"{c}/{{key}}.json", self.fetch_conference_recording)
        r.add_post(f"{c}/{{key}}.json", self.update_conference_recording)
        r.add_delete(f"{c}/{{key}}.json", self.delete_conference_recording)

    def _room(self, request: web.Request) -> Conference:
        conf = self.floor.conferences.get(request.match_info["cf"])
        if conf is None:
            raise api_errors.not_found(request.path)
        return conf

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
        return page_response(
            request, "recordings", items, self._render_call_recording, descending=True
        )

    async def create_call_recording(self, request: web.Request) -> web.StreamResponse:
        call = self.engine.get(request.match_info["ca"])
        if call is None:
            raise api_errors.not_found(request.path)
        form = await form_of(request)
        parsed = parse_create_recording(
            form, await events_of(request, "RecordingStatusCallbackEvent")
        )
        rec = self.floor.recordings.start_call(
            call, parsed, self.engine.now(), "StartCallRecordingAPI"
        )
        return json_body(self._render_call_recording(rec), status=201)

    async def fetch_call_recording(self, request: web.Request) -> web.StreamResponse:
        return json_body(
            self._render_call_recording(self._one(request, self._call_recordings(request)))
        )

    async def update_call_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._call_recordings(request))
        status, behavior = parse_recording_update(await form_of(request))
        self.floor.recordings.update(rec, status, behavior, self.engine.now())
        return json_body(self._render_call_recording(rec))

    async def delete_call_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._call_recordings(request))
        self.floor.recordings.delete(rec)
        return web.Response(status=204)

    def _conference_recordings(self, request: web.Request) -> list[Recording]:
        return self.floor.recordings.for_conference(self._room(request))

    async def list_conference_recordings(self, request: web.Request) -> web.StreamResponse:
        items = self._newest_first(self._conference_recordings(request))
        return page_response(
            request,
            "recordings",
            items,
            lambda r: recording_payload(r, conference_view=True),
            descending=True,
        )

    async def fetch_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        return json_body(recording_payload(rec, conference_view=True))

    async def update_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        status, behavior = parse_recording_update(await form_of(request))
        self.floor.recordings.update(rec, status, behavior, self.engine.now())
        return json_body(recording_payload(rec, conference_view=True))

    async def delete_conference_recording(self, request: web.Request) -> web.StreamResponse:
        rec = self._one(request, self._conference_recordings(request))
        self.floor.recordings.delete(rec)
        return web.Response(status=204)
