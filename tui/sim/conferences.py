"""Conference rooms: who is in which room, and Twilio's rules for joining, leaving and ending.

- ``<Dial><Conference>`` joins (or opens) the live room of that name, with the noun's ``muted``,
  ``beep``, ``startConferenceOnEnter``, ``endConferenceOnExit``, ``waitUrl``, ``coach`` and
  ``record`` attributes. A room is ``init`` until a participant with ``startConferenceOnEnter``
  joins, then ``in-progress``.
- ``POST …/Participants.json`` dials a new leg; it is listed (``queued``, ``ringing``) while it
  rings and joins when answered.
- A participant leaves when its call hangs up, gets new TwiML (redirect, injection) or is kicked.
  Completed participants vanish from the list. The room ends when one with
  ``endConferenceOnExit`` leaves or the last one does; everyone still in it goes on with the verb
  after their ``<Dial>`` (or its ``action``).
- Coaching needs the coached call in the room (16028) and not on hold (16027).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final
from xml.sax.saxutils import escape

from tui.sim import api_errors, conference_events
from tui.sim.api_errors import ApiError
from tui.sim.api_params import CreateCallRequest
from tui.sim.call_record import CallRecord
from tui.sim.floor_model import Conference, Participant
from tui.sim.floor_params import CreateParticipantRequest, UpdateParticipantRequest
from tui.sim.twiml_parser import Dial, DialTarget

if TYPE_CHECKING:
    from tui.sim.floor import Floor

ENDED_RETENTION: Final = 5_000
"""Completed rooms kept for fetches and ``Status=completed`` listings; older ones are forgotten."""


def conference_gone(sid: str) -> ApiError:
    """16022: the room does not exist or has ended."""
    return ApiError(400, 16022, f"Conference {sid} does not exist or is completed")


def _flag(target: DialTarget, name: str, default: bool) -> bool:
    value = target.attr(name)
    return default if value is None else value.strip().lower() == "true"


class ConferenceRooms:
    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.by_sid: dict[str, Conference] = {}
        self.ordered: list[Conference] = []
        """Every room kept, oldest first."""
        self.live_by_name: dict[str, Conference] = {}
        self.room_of: dict[str, str] = {}
        """Call SID → SID of the room the call is in (or is being dialled into)."""
        self._ended: deque[Conference] = deque()

    # --------------------------------------------------------------------------- rooms

    def open(self, name: str, at: float) -> Conference:
        floor = self.floor
        conf = Conference(
            sid=floor.new_sid("CF"),
            account_sid=floor.engine.account_sid,
            friendly_name=name,
            created_at=at,
            updated_at=at,
            key=floor.next_key(at),
        )
        self.by_sid[conf.sid] = conf
        self.ordered.append(conf)
        self.live_by_name[name] = conf
        return conf

    def live(self) -> list[Conference]:
        return [conf for conf in self.live_by_name.values()]

    def get(self, sid: str) -> Conference | None:
        return self.by_sid.get(sid)

    def _start(self, conf: Conference, at: float, call_sid: str) -> None:
        conf.status = "in-progress"
        conf.updated_at = at
        conference_events.send(self.floor, conf, "start", at)
        if conf.record:
            self.floor.recordings.start_conference(conf, call_sid, at)

    def end(self, conf: Conference, at: float, reason: str, ending_call: str | None) -> None:
        """The room is over: everyone still in it goes on with what follows their ``<Dial>``."""
        if not conf.live:
            return
        conf.status = "completed"
        conf.reason_conference_ended = reason
        conf.call_sid_ending_conference = ending_call
        conf.updated_at = at
        if self.live_by_name.get(conf.friendly_name) is conf:
            del self.live_by_name[conf.friendly_name]
        self.floor.recordings.conference_ended(conf, at)
        leftovers = list(conf.participants.values())
        conf.participants.clear()
        for participant in leftovers:
            self.room_of.pop(participant.call_sid, None)
        self._ended_events(conf, [p for p in leftovers if p.joined], at)
        engine = self.floor.engine
        for participant in leftovers:
            call = engine.get(participant.call_sid)
            if call is None or not call.is_live:
                continue
            if participant.joined:
                self.floor.continue_after_dial(call, at)
            else:
                engine._finish(call, at, "canceled")
        self._ended.append(conf)
        while len(self._ended) > ENDED_RETENTION:
            old = self._ended.popleft()
            self.by_sid.pop(old.sid, None)
            self.ordered.remove(old)

    # ------------------------------------------------------------------------ joining

    def join(self, call: CallRecord, verb: Dial, target: DialTarget, at: float) -> None:
        """``<Dial><Conference>``: into the room, or on with the next verb if that fails."""
        floor = self.floor
        pending_sid = self.room_of.get(call.sid)
        pending = self.by_sid.get(pending_sid) if pending_sid else None
        if pending is not None and call.sid in pending.participants:
            conf = pending
            participant = conf.participants[call.sid]
            if not conf.live:
                self.room_of.pop(call.sid, None)
                floor.engine._finish(call, at, "completed")
                return
        else:
            name = target.value
            existing = self.live_by_name.get(name)
            if existing is None:
                existing = self.open(name, at)
                limit = target.attr("maxParticipants") or ""
                if limit.isdigit():
                    existing.max_participants = min(250, max(2, int(limit)))
            conf = existing
            coach = target.attr("coach") or None
            if coach is not None:
                coached = conf.participants.get(coach)
                if coached is None or not coached.joined or coached.hold:
                    url = call.document_url or ""
                    message = "Dial->Conference: Invalid Whisper SID"
                    floor.engine._notify(call, at, 13240, message, url, call.method)
                    self._drop_if_empty(conf, at)
                    floor.continue_after_dial(call, at)
                    return
            if len(conf.participants) >= conf.max_participants:
                floor.continue_after_dial(call, at)
                return
            participant = Participant(
                call_sid=call.sid,
                conference_sid=conf.sid,
                account_sid=conf.account_sid,
                created_at=at,
                updated_at=at,
                key=floor.next_key(at),
                muted=_flag(target, "muted", False),
                beep=target.attr("beep") or "true",
                start_conference_on_enter=_flag(target, "startConferenceOnEnter", True),
                end_conference_on_exit=_flag(target, "endConferenceOnExit", False),
                coaching=coach is not None,
                call_sid_to_coach=coach,
                wait_url=target.attr("waitUrl") or None,
                wait_method=(target.attr("waitMethod") or "POST").upper(),
            )
            conf.participants[call.sid] = participant
            if (target.attr("record") or "") == "record-from-start":
                conf.record = True
            conference_events.subscribe(
                conf,
                target.attr("statusCallback"),
                target.attr("statusCallbackMethod"),
                conference_events.parse_events(target.attr("statusCallbackEvent")),
            )
        self.room_of[call.sid] = conf.sid
        participant.joined = True
        participant.dial = verb
        participant.updated_at = at
        conf.updated_at = at
        conference_events.send(floor, conf, "join", at, participant)
        if conf.status == "init":
            if participant.start_conference_on_enter:
                self._start(conf, at, call.sid)
            elif participant.wait_url:
                floor.request_url("wait", call, participant.wait_url, participant.wait_method)

    def _drop_if_empty(self, conf: Conference, at: float) -> None:
        if conf.live and not conf.participants and conf.status == "init":
            self.end(conf, at, "last-participant-left", None)

    # ------------------------------------------------------------------------ leaving

    def leave(self, call_sid: str, at: float, *, kicked: bool = False) -> bool:
        """The call is out of its room (hung up, new TwiML, kicked); True if it was in one."""
        conf_sid = self.room_of.pop(call_sid, None)
        if conf_sid is None:
            return False
        conf = self.by_sid.get(conf_sid)
        if conf is None:
            return False
        participant = conf.participants.pop(call_sid, None)
        if participant is None or not conf.live:
            return participant is not None
        conf.updated_at = at
        if not participant.joined:
            return True
        for other in conf.participants.values():
            if other.call_sid_to_coach == call_sid:
                other.updated_at = at
        self._left_event(conf, participant, at, kicked)
        how = "kicked" if kicked else "left"
        if participant.end_conference_on_exit:
            self.end(conf, at, f"participant-with-end-conference-on-exit-{how}", call_sid)
        elif not any(p.joined for p in conf.participants.values()):
            self.end(conf, at, f"last-participant-{how}", call_sid)
        return True

    def _ended_events(self, conf: Conference, stayed: list[Participant], at: float) -> None:
        """``participant-leave`` for those still in the room, then ``conference-end``; queued
        behind the leave of whoever ended it, so the sequence numbers come in Twilio's order."""
        if conf.status_callback is None:
            return

        def later(when: float) -> None:
            why = {"ReasonParticipantLeft": "conference_ended"}
            for participant in stayed:
                conference_events.send(self.floor, conf, "leave", when, participant, extra=why)
            conference_events.send(self.floor, conf, "end", when)

        self.floor.engine.at(at, later)

    def _left_event(
        self, conf: Conference, participant: Participant, at: float, kicked: bool
    ) -> None:
        """``participant-leave`` with why: kicked, hung up, or its call was given new TwiML."""
        if conf.status_callback is None or "leave" not in conf.status_callback_events:
            return
        call = self.floor.engine.get(participant.call_sid)

        def later(when: float) -> None:
            if kicked:
                reason = "participant_kicked"
            elif call is not None and call.is_live:
                reason = "participant_updated_via_api"
            else:
                reason = "participant_hung_up"
            extra = {"ReasonParticipantLeft": reason}
            if call is not None:
                extra["ParticipantCallStatus"] = call.status
            conference_events.send(self.floor, conf, "leave", when, participant, extra=extra)

        self.floor.engine.at(at, later)

    def kick(self, conf: Conference, participant: Participant, at: float) -> None:
        """``DELETE …/Participants/{CallSid}.json``: out of the room; the call goes on."""
        engine = self.floor.engine
        call = engine.get(participant.call_sid)
        joined = participant.joined
        self.leave(participant.call_sid, at, kicked=True)
        if call is None or not call.is_live:
            return
        if joined:
            self.floor.continue_after_dial(call, at)
        else:
            engine._finish(call, at, "canceled")

    # ------------------------------------------------------------------------ REST

    def participant(self, conf: Conference, key: str) -> Participant | None:
        """By call SID, or by label (the spec allows either in the path)."""
        found = conf.participants.get(key)
        if found is not None:
            return found
        return next((p for p in conf.participants.values() if p.label == key), None)

    @staticmethod
    def _check_coachee(conf: Conference, coachee: str) -> None:
        target = conf.participants.get(coachee)
        if target is None or not target.joined:
            raise ApiError(
                400, 16028, "The participant to be whispered is not present in the conference"
            )
        if target.hold:
            raise ApiError(400, 16027, "The participant to be whispered is on hold")

    def add(self, conf: Conference, request: CreateParticipantRequest, at: float) -> Participant:
        """``POST …/Participants.json``: dial ``To`` and bring the leg into ``conf``."""
        if not conf.live:
            raise conference_gone(conf.sid)
        if request.coaching and request.call_sid_to_coach:
            self._check_coachee(conf, request.call_sid_to_coach)
        if request.label and any(p.label == request.label for p in conf.participants.values()):
            raise api_errors.invalid_parameter(f"Label {request.label!r} is already in use")
        twiml = (
            f"<Response><Dial><Conference>{escape(conf.friendly_name)}</Conference></Dial>"
            "</Response>"
        )
        call = self.floor.engine.create_call(
            CreateCallRequest(
                to=request.to,
                from_=request.from_,
                twiml=twiml,
                status_callback=request.status_callback,
                status_callback_method=request.status_callback_method,
                status_callback_events=request.status_callback_events,
                timeout=request.timeout,
                time_limit=request.time_limit,
            )
        )
        participant = Participant(
            call_sid=call.sid,
            conference_sid=conf.sid,
            account_sid=conf.account_sid,
            created_at=at,
            updated_at=at,
            key=self.floor.next_key(at),
            label=request.label,
            muted=request.muted,
            beep=request.beep,
            start_conference_on_enter=request.start_conference_on_enter,
            end_conference_on_exit=request.end_conference_on_exit,
            coaching=request.coaching,
            call_sid_to_coach=request.call_sid_to_coach if request.coaching else None,
            early_media=request.early_media,
            wait_url=request.wait_url,
            wait_method=request.wait_method,
        )
        conf.participants[call.sid] = participant
        self.room_of[call.sid] = conf.sid
        conference_events.subscribe(
            conf,
            request.conference_status_callback,
            request.conference_status_callback_method,
            request.conference_status_callback_events,
        )
        if request.conference_record:
            conf.record = True
            if conf.status == "in-progress" and not any(
                self.floor.recordings.get(sid) is not None for sid in conf.recording_sids
            ):
                self.floor.recordings.start_conference(conf, call.sid, at)
        conf.updated_at = at
        return participant

    def update(
        self,
        conf: Conference,
        participant: Participant,
        request: UpdateParticipantRequest,
        at: float,
    ) -> None:
        """``POST …/Participants/{CallSid}.json``: hold, mute, coach, end-on-exit, announce."""
        floor = self.floor
        coaching = participant.coaching if request.coaching is None else request.coaching
        coachee = participant.call_sid_to_coach
        if request.call_sid_to_coach is not None:
            if request.coaching is None and not participant.coaching:
                raise api_errors.invalid_parameter(
                    "CallSidToCoach needs Coaching=true for a participant that is not coaching"
                )
            coachee = request.call_sid_to_coach
        if coaching:
            if coachee is None:
                raise api_errors.invalid_parameter(
                    "CallSidToCoach is required when Coaching is true"
                )
            self._check_coachee(conf, coachee)
        call = floor.engine.get(participant.call_sid)
        was = (participant.muted, participant.hold, participant.coaching,
               participant.call_sid_to_coach)  # fmt: skip
        if request.muted is not None:
            participant.muted = request.muted
        if request.hold is not None:
            participant.hold = request.hold
            if request.hold:
                participant.hold_url = request.hold_url
                participant.hold_method = request.hold_method
                if request.hold_url and call is not None:
                    floor.request_url("hold", call, request.hold_url, request.hold_method)
        if request.end_conference_on_exit is not None:
            participant.end_conference_on_exit = request.end_conference_on_exit
        participant.coaching = coaching
        participant.call_sid_to_coach = coachee if coaching else None
        if request.wait_url:
            participant.wait_url, participant.wait_method = request.wait_url, request.wait_method
        if request.announce_url and call is not None:
            floor.request_url("announce", call, request.announce_url, request.announce_method)
        participant.updated_at = at
        conf.updated_at = at
        if participant.joined:
            if participant.muted != was[0]:
                conference_events.send(floor, conf, "mute", at, participant, on=participant.muted)
            if participant.hold != was[1]:
                conference_events.send(floor, conf, "hold", at, participant, on=participant.hold)
            if (participant.coaching, participant.call_sid_to_coach) != was[2:]:
                conference_events.send(floor, conf, "modify", at, participant)

    def announce(self, conf: Conference, url: str, method: str) -> None:
        """``AnnounceUrl`` on the room: fetched once, for the room (with its first participant)."""
        first = next((p for p in conf.participants.values() if p.joined), None)
        call = self.floor.engine.get(first.call_sid) if first else None
        if call is not None:
            self.floor.request_url("announce", call, url, method, {"ConferenceSid": conf.sid})
