"""Recordings of live calls and conferences: start, pause (PCI), resume, stop, complete.

- ``POST …/Calls/{CallSid}/Recordings.json`` starts one (``source`` StartCallRecordingAPI); the
  call must be ``in-progress`` (21220). ``<Dial record="record-from-…">`` starts one on the
  dialling call (DialVerb); ``<Conference record="record-from-start">`` or a participant created
  with ``ConferenceRecord`` records the room from the moment it starts (Conference).
- ``Status=paused`` (``PauseBehavior`` silence, the default, keeps counting the paused time as
  silence; skip leaves it out), ``in-progress`` resumes, ``stopped`` ends it. ``Twilio.CURRENT``
  addresses the call's (or room's) newest recording that is still in progress or paused.
- When the call hangs up (or the room ends) a recording is ``processing``, then ``completed``
  with its duration and price. Only :data:`RETENTION` finished recordings are kept.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

from tui.sim import api_errors
from tui.sim.api_errors import ApiError
from tui.sim.call_record import CallRecord
from tui.sim.floor_json import recording_duration, recording_price
from tui.sim.floor_model import Conference, Recording
from tui.sim.floor_params import CreateRecordingRequest

if TYPE_CHECKING:
    from tui.sim.floor import Floor

CURRENT: Final = "Twilio.CURRENT"
RETENTION: Final = 10_000
PROCESSING_S: Final = 2.0
"""How long a finished recording stays ``processing`` before it is ``completed``."""


def not_active(sid: str) -> ApiError:
    return ApiError(400, 21220, f"Recording {sid} is not in progress or paused")


class Recordings:
    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.by_sid: dict[str, Recording] = {}
        self.of_call: dict[str, list[str]] = {}
        self._finished: deque[str] = deque()

    def get(self, sid: str) -> Recording | None:
        return self.by_sid.get(sid)

    def for_call(self, call_sid: str) -> list[Recording]:
        return [self.by_sid[s] for s in self.of_call.get(call_sid, ()) if s in self.by_sid]

    def for_conference(self, conf: Conference) -> list[Recording]:
        return [self.by_sid[s] for s in conf.recording_sids if s in self.by_sid]

    def resolve(self, recordings: list[Recording], key: str) -> Recording | None:
        if key == CURRENT:
            return next((r for r in reversed(recordings) if r.active), None)
        return next((r for r in recordings if r.sid == key), None)

    # --------------------------------------------------------------------------- starting

    def _new(
        self,
        *,
        call_sid: str | None,
        conference_sid: str | None,
        source: str,
        at: float,
        channels: int = 1,
        track: str = "both",
    ) -> Recording:
        floor = self.floor
        rec = Recording(
            sid=floor.new_sid("RE"),
            account_sid=floor.engine.account_sid,
            call_sid=call_sid,
            conference_sid=conference_sid,
            source=source,
            created_at=at,
            updated_at=at,
            key=floor.next_key(at),
            channels=channels,
            track=track,
            running_since=at,
        )
        self.by_sid[rec.sid] = rec
        return rec

    def start_call(
        self, call: CallRecord, request: CreateRecordingRequest, at: float, source: str
    ) -> Recording:
        if call.status != "in-progress":
            raise api_errors.not_in_progress()
        rec = self._new(
            call_sid=call.sid,
            conference_sid=None,
            source=source,
            at=at,
            channels=request.channels,
            track=request.track,
        )
        rec.status_callback = request.status_callback
        rec.status_callback_method = request.status_callback_method
        rec.status_callback_events = request.status_callback_events
        self.of_call.setdefault(call.sid, []).append(rec.sid)
        self._callback(rec, "in-progress", at)
        return rec

    def start_dial(self, call: CallRecord, record: str, at: float) -> None:
        """``<Dial record="record-from-answer[-dual]">``: the dialling call is recorded."""
        channels = 2 if record.endswith("-dual") else 1
        request = CreateRecordingRequest(channels=channels)
        if call.status == "in-progress":
            self.start_call(call, request, at, "DialVerb")

    def start_conference(self, conf: Conference, call_sid: str, at: float) -> Recording:
        rec = self._new(call_sid=call_sid, conference_sid=conf.sid, source="Conference", at=at)
        conf.recording_sids.append(rec.sid)
        return rec

    # --------------------------------------------------------------------------- changing

    def update(self, rec: Recording, status: str, behavior: str | None, at: float) -> None:
        if not rec.active:
            raise not_active(rec.sid)
        if status == "paused":
            if rec.status == "in-progress":
                rec.pause_behavior = behavior or "silence"
                if rec.pause_behavior == "skip":
                    self._bank(rec, at)
                rec.status = "paused"
        elif status == "in-progress":
            if rec.status == "paused":
                if rec.running_since is None:
                    rec.running_since = at
                rec.status = "in-progress"
        else:
            self._finish(rec, at, "stopped")
            return
        rec.updated_at = at

    @staticmethod
    def _bank(rec: Recording, at: float) -> None:
        rec.recorded_s = recording_duration(rec, at)
        rec.running_since = None

    def _finish(self, rec: Recording, at: float, status: str) -> None:
        self._bank(rec, at)
        rec.status = status
        rec.duration_s = int(rec.recorded_s + 0.5)
        rec.updated_at = at

        def complete(when: float) -> None:
            if rec.sid not in self.by_sid:
                return
            rec.status = "completed"
            rec.price = recording_price(rec.duration_s or 0)
            rec.updated_at = when
            self._callback(rec, "completed", when)

        self.floor.engine.at(at + PROCESSING_S, complete)
        self._finished.append(rec.sid)
        while len(self._finished) > RETENTION:
            self._forget(self._finished.popleft())

    def delete(self, rec: Recording) -> None:
        """Only a finished recording can be deleted."""
        if rec.active:
            raise api_errors.invalid_parameter(
                f"Recording {rec.sid} is still {rec.status}; stop it before deleting it"
            )
        self._forget(rec.sid)

    def _forget(self, sid: str) -> None:
        rec = self.by_sid.pop(sid, None)
        if rec is None or rec.call_sid is None or rec.conference_sid is not None:
            return
        sids = self.of_call.get(rec.call_sid)
        if sids is not None:
            if sid in sids:
                sids.remove(sid)
            if not sids:
                del self.of_call[rec.call_sid]

    def call_ended(self, call_sid: str, at: float) -> None:
        for rec in self.for_call(call_sid):
            if rec.active:
                self._finish(rec, at, "processing")

    def conference_ended(self, conf: Conference, at: float) -> None:
        for rec in self.for_conference(conf):
            if rec.active:
                self._finish(rec, at, "processing")

    def _callback(self, rec: Recording, event: str, at: float) -> None:
        if not rec.status_callback or event not in rec.status_callback_events:
            return
        base = f"https://api.twilio.com/2010-04-01/Accounts/{rec.account_sid}/Recordings"
        params = {
            "AccountSid": rec.account_sid,
            "CallSid": rec.call_sid or "",
            "RecordingSid": rec.sid,
            "RecordingUrl": f"{base}/{rec.sid}",
            "RecordingStatus": event,
            "RecordingChannels": str(rec.channels),
            "RecordingSource": rec.source,
            "RecordingStartTime": "",
        }
        if rec.duration_s is not None:
            params["RecordingDuration"] = str(rec.duration_s)
        self.floor.send("recording-status", rec.status_callback, rec.status_callback_method, params)
