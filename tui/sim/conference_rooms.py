"""Conference rooms: who is in which room, and Twilio's rules for joining, leaving and ending.

- ``<Dial><Conference>`` joins (or opens) the live room of that name, with the noun's ``muted``,
  ``beep``, ``startConferenceOnEnter``, ``endConferenceOnExit``, ``waitUrl``, ``coach`` and
  ``record`` attributes. A room is ``init`` until a participant with ``startConferenceOnEnter``
  joins, then ``in-progress``.
- A participant leaves when its call hangs up, gets new TwiML (redirect, injection) or is kicked.
  Completed participants vanish from the list. The room ends when one with
  ``endConferenceOnExit`` leaves or the last one does; everyone still in it goes on with the verb
  after their ``<Dial>`` (or its ``action``).
- ``coach`` needs the coached call in the room and not on hold (13240 otherwise).

This module holds the rooms and those rules, as TwiML and hang-ups drive them;
:mod:`tui.sim.conferences` adds what the REST API does to participants (add, hold, mute, coach,
announce) on top of them.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

from tui.sim import conference_events
from tui.sim.call_record import CallRecord
from tui.sim.floor_model import Conference, Participant
from tui.sim.twiml_parser import Dial, DialTarget

if TYPE_CHECKING:
    from tui.sim.floor import Floor

ENDED_RETENTION: Final = 5_000
"""Completed rooms kept for fetches and ``Status=completed`` listings; older ones are forgotten."""


def _flag(target: DialTarget, name: str, default: bool) -> bool:
    value = target.attr(name)
    return default if value is None else value.strip().lower() == "true"


class ConferenceRoomRules:
    """The live and ended rooms of one account and who is in each, moved by Twilio's rules."""

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
