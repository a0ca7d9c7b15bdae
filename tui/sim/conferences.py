"""Conference rooms as the REST API changes them: participants added, updated and announced.

Split from the rules of joining, leaving and ending (:mod:`tui.sim.conference_rooms`, the base of
:class:`ConferenceRooms`): ``POST …/Participants.json`` dials a new leg into a room (listed
``queued``, ``ringing`` while it rings, joining when answered); ``POST …/Participants/{CallSid}``
holds, mutes, coaches or announces; coaching needs the coached call in the room (16028) and not on
hold (16027). ``DELETE`` (kick) is a way of leaving, so it lives with the rules.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from tui.sim import api_errors, conference_events
from tui.sim.api_errors import ApiError
from tui.sim.api_params import CreateCallRequest
from tui.sim.conference_rooms import ENDED_RETENTION, ConferenceRoomRules
from tui.sim.floor_model import Conference, Participant
from tui.sim.floor_params import CreateParticipantRequest, UpdateParticipantRequest

__all__ = ["ENDED_RETENTION", "ConferenceRooms", "conference_gone"]


def conference_gone(sid: str) -> ApiError:
    """16022: the room does not exist or has ended."""
    return ApiError(400, 16022, f"Conference {sid} does not exist or is completed")


class ConferenceRooms(ConferenceRoomRules):
    """The rooms of one account, with the REST API's requests on their participants."""

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
