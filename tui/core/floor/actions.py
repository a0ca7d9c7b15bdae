"""What a supervisor does on the floor, through the SDK: one request per action, never retried.

The same rules as :mod:`tui.core.actions`:

* input is checked first (SIDs, URLs, addresses): a :class:`~tui.core.errors.ValidationError`
  means nothing was sent and nothing audited;
* in read-only mode every action raises :class:`~tui.core.errors.ActionFailed`, nothing is sent;
* a target with an action in flight is refused without sending (a double key press);
* every result is in the audit log before it is returned, with Twilio's error code;
* a timeout or dropped connection is :attr:`Outcome.UNKNOWN`: the change may have been applied.

Listening in dials the supervisor's own device (``[supervisor] device`` in config.toml) into the
room as a muted participant without a beep; whisper turns that leg into a coach of the agent,
barge unmutes it, stop removes it. :attr:`FloorActions.monitor` says what the supervisor is doing
and where, for the header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from tui.core.actions import AuditRecorder
from tui.core.coordination import ActionClaims
from tui.core.errors import ActionFailed, ValidationError
from tui.core.floor.addresses import validate_address, validate_resource_sid
from tui.core.floor.sending import AuditedSender
from tui.core.floor.settings import SupervisorSettings
from tui.core.models import Action, ActionResult, Outcome
from tui.core.sids import validate_call_sid
from tui.core.twilio_client import TwilioAccess
from tui.core.urls import validate_method, validate_url

_log = logging.getLogger(__name__)

IN_FLIGHT: Final = "an action on this is already in progress"
SUPERVISOR_LABEL: Final = "supervisor"
TRANSFER_LABEL: Final = "transfer"
FRONT: Final = "Front"
"""Twilio's name for the head of a queue, in place of a Call SID."""

MonitorMode = Literal["listening", "whispering", "barged"]


@dataclass(frozen=True, slots=True)
class Monitor:
    """The supervisor's own leg in a room: which room, which leg, and what it is doing."""

    conference_sid: str
    call_sid: str
    mode: MonitorMode
    room_name: str = ""
    coaching: str | None = None
    """The agent's Call SID while whispering."""
    started_at: float = field(default_factory=time.time)
    """Wall time the leg was dialled (a room fetched later without it means the leg left)."""


class FloorActions(AuditedSender):
    """Sends floor actions through the shared SDK client and audits every outcome."""

    def __init__(
        self,
        access: TwilioAccess,
        audit: AuditRecorder | None,
        *,
        operator: str,
        supervisor: SupervisorSettings,
        read_only: bool = False,
        claims: ActionClaims | None = None,
    ) -> None:
        """``claims`` (a hub's) are asked before every action on a shared target."""
        super().__init__(access, audit, operator=operator, read_only=read_only, claims=claims)
        self.supervisor = supervisor
        self.monitor: Monitor | None = None

    # ------------------------------------------------------------------ participants

    async def hold(self, conference_sid: str, call_sid: str, *, on: bool) -> ActionResult:
        """Hold (with ``[supervisor] hold_music_url`` when set) or resume a participant."""
        room, leg = self._leg(conference_sid, call_sid)
        params: dict[str, str] = {"conference_sid": room, "hold": str(on).lower()}
        extra: dict[str, Any] = {}
        if on and self.supervisor.hold_music_url:
            extra = {"hold_url": self.supervisor.hold_music_url, "hold_method": "GET"}
            params["hold_url"] = self.supervisor.hold_music_url

        def send() -> Awaitable[Any]:
            participant = self._client.conferences(room).participants(leg)
            return participant.update_async(hold=on, **extra)

        return await self._run(leg, Action.HOLD if on else Action.RESUME, send, params)

    async def mute(self, conference_sid: str, call_sid: str, *, on: bool) -> ActionResult:
        room, leg = self._leg(conference_sid, call_sid)

        def send() -> Awaitable[Any]:
            return self._client.conferences(room).participants(leg).update_async(muted=on)

        params = {"conference_sid": room, "muted": str(on).lower()}
        return await self._run(leg, Action.MUTE if on else Action.UNMUTE, send, params)

    async def remove(self, conference_sid: str, call_sid: str) -> ActionResult:
        """Take a participant out of the room (Twilio ends that leg)."""
        room, leg = self._leg(conference_sid, call_sid)

        def send() -> Awaitable[Any]:
            return self._client.conferences(room).participants(leg).delete_async()

        return await self._run(leg, Action.REMOVE_PARTICIPANT, send, {"conference_sid": room})

    async def end_conference(self, conference_sid: str) -> ActionResult:
        """End the room for everyone in it (``Status=completed``)."""
        room = self._ready(conference_sid, "CF", "Conference")

        def send() -> Awaitable[Any]:
            return self._client.conferences(room).update_async(status="completed")

        return await self._run(room, Action.END_CONFERENCE, send, {"status": "completed"})

    # ------------------------------------------------------------------ queues

    async def dequeue(
        self, queue_sid: str, call_sid: str | None, url: str, method: str = "POST"
    ) -> ActionResult:
        """Send a waiting caller (``None``: the head of the queue) to the TwiML at ``url``."""
        queue = self._ready(queue_sid, "QU", "Queue")
        member = FRONT if call_sid is None else validate_call_sid(call_sid)
        checked = validate_url(url).url
        verb = validate_method(method)

        def send() -> Awaitable[Any]:
            return self._client.queues(queue).members(member).update_async(url=checked, method=verb)

        params = {"queue_sid": queue, "member": member, "url": checked, "method": verb}
        key = f"{queue}/{member}"
        # Other consoles know a caller by its Call SID; "the head" is one target per queue.
        claim = f"{queue}.{FRONT}" if call_sid is None else member
        return await self._run(key, Action.DEQUEUE, send, params, sid=member, claim=claim)

    # ------------------------------------------------------------------ monitoring

    async def listen(self, conference_sid: str, *, room_name: str = "") -> ActionResult:
        """Dial the supervisor's device into the room: muted, no beep, not ending the room."""
        return await self._dial_supervisor(conference_sid, room_name, Action.LISTEN)

    async def whisper(
        self, conference_sid: str, agent_call_sid: str, *, room_name: str = ""
    ) -> ActionResult:
        """Coach the agent: only they hear the supervisor (dials in first if not listening)."""
        agent = validate_call_sid(agent_call_sid)
        monitor = self._monitor_in(conference_sid)
        if monitor is None:
            return await self._dial_supervisor(
                conference_sid, room_name, Action.WHISPER, coach=agent
            )
        room, leg = monitor.conference_sid, monitor.call_sid

        def send() -> Awaitable[Any]:
            participant = self._client.conferences(room).participants(leg)
            return participant.update_async(coaching=True, call_sid_to_coach=agent, muted=False)

        params = {"conference_sid": room, "coaching": "true", "call_sid_to_coach": agent}
        result = await self._run(leg, Action.WHISPER, send, params)
        if result.outcome is Outcome.APPLIED:
            self.monitor = replace(monitor, mode="whispering", coaching=agent)
        return result

    async def barge(self, conference_sid: str, *, room_name: str = "") -> ActionResult:
        """Speak to everyone in the room (dials in unmuted if not listening yet)."""
        monitor = self._monitor_in(conference_sid)
        if monitor is None:
            return await self._dial_supervisor(conference_sid, room_name, Action.BARGE)
        room, leg = monitor.conference_sid, monitor.call_sid

        def send() -> Awaitable[Any]:
            participant = self._client.conferences(room).participants(leg)
            return participant.update_async(coaching=False, muted=False)

        params = {"conference_sid": room, "coaching": "false", "muted": "false"}
        result = await self._run(leg, Action.BARGE, send, params)
        if result.outcome is Outcome.APPLIED:
            self.monitor = replace(monitor, mode="barged", coaching=None)
        return result

    async def stop_listening(self) -> ActionResult:
        """Take the supervisor's leg out of the room."""
        self._refuse_if_read_only()
        monitor = self.monitor
        if monitor is None:
            raise ActionFailed("You are not listening to any room.")
        room, leg = monitor.conference_sid, monitor.call_sid

        def send() -> Awaitable[Any]:
            return self._client.conferences(room).participants(leg).delete_async()

        result = await self._run(leg, Action.STOP_LISTENING, send, {"conference_sid": room})
        gone = result.outcome is Outcome.APPLIED or result.code in (20404, 16022)
        if gone and self.monitor == monitor:
            self.monitor = None
        return result

    def forget_monitor(self) -> None:
        """The room ended or the leg hung up (seen by the floor source): nothing to stop."""
        self.monitor = None

    # ------------------------------------------------------------------ warm transfer

    async def warm_transfer(self, conference_sid: str, to: str) -> ActionResult:
        """Dial a third party into the room; the agent stays until :meth:`drop_agent`."""
        room = self._ready(conference_sid, "CF", "Conference")
        target = validate_address(to, what="the transfer target")
        caller_id = self._caller_id()

        def send() -> Awaitable[Any]:
            return self._client.conferences(room).participants.create_async(
                from_=caller_id,
                to=target,
                label=f"{TRANSFER_LABEL}:{target}"[:128],
                early_media=True,
                end_conference_on_exit=False,
                beep="false",
            )

        params = {"conference_sid": room, "to": target, "from": caller_id}
        return await self._run(room, Action.WARM_TRANSFER, send, params)

    async def drop_agent(self, conference_sid: str, agent_call_sid: str) -> ActionResult:
        """Take the agent out once the third party is in; the room stays up for the caller.

        An agent who joined with ``endConferenceOnExit`` would end the room on leaving, so that
        flag is cleared in the same request sequence first (one update, then one delete; neither
        is repeated if it fails).
        """
        room, leg = self._leg(conference_sid, agent_call_sid)

        async def send() -> Any:
            participant = self._client.conferences(room).participants(leg)
            await participant.update_async(end_conference_on_exit=False)
            return await participant.delete_async()

        return await self._run(leg, Action.DROP_AGENT, send, {"conference_sid": room})

    # ------------------------------------------------------------------ recordings

    async def set_recording(
        self, call_sid: str | None, conference_sid: str | None, *, paused: bool
    ) -> ActionResult:
        """Pause (PCI: ``PauseBehavior=skip``) or resume whichever recording runs: the call's,
        else the room's. The running recording is looked up first; nothing is guessed."""
        self._refuse_if_read_only()
        call = validate_call_sid(call_sid) if call_sid else None
        room = self._ready(conference_sid, "CF", "Conference") if conference_sid else None
        if call is None and room is None:
            raise ValidationError("Select a call or a room whose recording to change.")
        action = Action.PAUSE_RECORDING if paused else Action.RESUME_RECORDING
        wanted = "in-progress" if paused else "paused"
        key = call or room or ""
        target = await self._find_recording(call, room, wanted)
        if target is None:
            state = "running" if paused else "paused"
            raise ActionFailed(f"No recording is {state} on this call or its room.")
        kind, owner, recording_sid = target
        status = "paused" if paused else "in-progress"
        extra: dict[str, Any] = {"pause_behavior": "skip"} if paused else {}

        def send() -> Awaitable[Any]:
            if kind == "call":
                handle = self._client.calls(owner).recordings(recording_sid)
            else:
                handle = self._client.conferences(owner).recordings(recording_sid)
            return handle.update_async(status=status, **extra)

        params = {f"{kind}_sid": owner, "recording_sid": recording_sid, "status": status}
        if paused:
            params["pause_behavior"] = "skip"
        return await self._run(key, action, send, params)

    async def _find_recording(
        self, call: str | None, room: str | None, wanted: str
    ) -> tuple[str, str, str] | None:
        base = f"{self._access.base_url}/2010-04-01/Accounts/{self._access.account_sid}"
        places = [("call", call, f"Calls/{call}"), ("conference", room, f"Conferences/{room}")]
        for kind, owner, path in places:
            if owner is None:
                continue
            try:
                payload, _, _ = await self._access.get_json(
                    f"{base}/{path}/Recordings.json", {"PageSize": "20"}
                )
            except Exception as error:
                raise ActionFailed(f"Could not look up the recording: {error}") from None
            records = payload.get("recordings") if isinstance(payload, dict) else None
            for record in records if isinstance(records, list) else []:
                if isinstance(record, dict) and record.get("status") == wanted:
                    sid = record.get("sid")
                    if isinstance(sid, str) and sid.startswith("RE"):
                        return kind, owner, sid
        return None

    # ------------------------------------------------------------------ machinery

    def _ready(self, sid: str, prefix: str, what: str) -> str:
        self._refuse_if_read_only()
        return validate_resource_sid(sid, prefix, what)

    def _leg(self, conference_sid: str, call_sid: str) -> tuple[str, str]:
        return self._ready(conference_sid, "CF", "Conference"), validate_call_sid(call_sid)

    def _caller_id(self) -> str:
        missing = self.supervisor.missing()
        if missing is not None or self.supervisor.caller_id is None:
            raise ActionFailed(missing or "Set caller_id in [supervisor].")
        return self.supervisor.caller_id

    def _supervisor_label(self) -> str:
        """Labels are unique in a room: one per operator (one leg each at a time)."""
        return f"{SUPERVISOR_LABEL}:{self.operator}"[:128]

    def _monitor_in(self, conference_sid: str) -> Monitor | None:
        monitor = self.monitor
        return monitor if monitor is not None and monitor.conference_sid == conference_sid else None

    async def _dial_supervisor(
        self, conference_sid: str, room_name: str, action: Action, *, coach: str | None = None
    ) -> ActionResult:
        room = self._ready(conference_sid, "CF", "Conference")
        if self.monitor is not None:
            raise ActionFailed(
                "You are already on a room: stop listening first (one supervisor leg at a time)."
            )
        caller_id = self._caller_id()
        device = self.supervisor.device or ""
        muted = action is Action.LISTEN
        options: dict[str, Any] = {"muted": muted, "beep": "false", "end_conference_on_exit": False}
        if coach is not None:
            options.update(coaching=True, call_sid_to_coach=coach)

        def send() -> Awaitable[Any]:
            participants = self._client.conferences(room).participants
            return participants.create_async(
                from_=caller_id, to=device, label=self._supervisor_label(), **options
            )

        params = {"conference_sid": room, "to": device, "from": caller_id, "muted": str(muted)}
        if coach is not None:
            params["call_sid_to_coach"] = coach
        result, instance = await self._run_keep(room, action, send, params)
        leg = getattr(instance, "call_sid", None)
        if result.outcome is Outcome.APPLIED and isinstance(leg, str) and leg:
            mode: MonitorMode = (
                "whispering" if coach else "listening" if action is Action.LISTEN else "barged"
            )
            self.monitor = Monitor(room, leg, mode, room_name=room_name, coaching=coach)
        return result
