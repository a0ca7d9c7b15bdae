"""The contact-centre floor of one simulated account: rooms, queues, bridges and recordings.

The call engine owns calls and time; the floor owns where calls are. The engine calls in at three
points only: a ``<Dial>`` whose noun is a ``<Conference>`` or ``<Queue>`` (:meth:`Floor.dial`), an
``<Enqueue>`` (:meth:`Floor.enqueue`), and whenever a call abandons its current instructions —
hang-up, new TwiML, redirect — (:meth:`Floor.leave`), which is where Twilio's rule "a participant
whose call is modified leaves the room" comes from.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tui.sim.call_record import CallRecord
from tui.sim.conferences import ConferenceRooms
from tui.sim.queues import CallQueues
from tui.sim.recordings import Recordings
from tui.sim.sids import new_sid
from tui.sim.twiml_parser import Dial, Enqueue

if TYPE_CHECKING:
    from tui.sim.engine import CallEngine


class Floor:
    def __init__(self, engine: CallEngine, *, seed: int = 0) -> None:
        self.engine = engine
        self._rng = random.Random(f"floor-{seed}")
        self._seq = itertools.count()
        self.conferences = ConferenceRooms(self)
        self.queues = CallQueues(self)
        self.recordings = Recordings(self)
        self._bridges: dict[str, tuple[str, str, str]] = {}
        """Call SID → (partner call SID, partner's role "dialer" | "member", queue SID)."""

    def new_sid(self, prefix: str) -> str:
        return new_sid(prefix, self._rng)

    def next_key(self, at: float) -> tuple[float, int]:
        return (at, next(self._seq))

    # ------------------------------------------------------------------- engine hooks

    def dial(self, call: CallRecord, verb: Dial, at: float) -> bool:
        """Run a ``<Dial>`` the floor owns; False leaves it to the engine (numbers, clients)."""
        target = verb.targets[0]
        if target.kind == "conference":
            self.conferences.join(call, verb, target, at)
            return True
        if verb.record and verb.record.startswith("record-from"):
            self.recordings.start_dial(call, verb.record, at)
        if target.kind == "queue":
            self.queues.dial(call, verb, target, at)
            return True
        return False

    def enqueue(self, call: CallRecord, verb: Enqueue, at: float) -> None:
        self.queues.enqueue(call, verb, at)

    def leave(self, call: CallRecord, at: float) -> None:
        """``call`` abandons its current verb: out of its room, queue and bridge."""
        sid = call.sid
        verb = call.program[call.pc] if call.pc < len(call.program) else None
        self.conferences.leave(sid, at)
        if self.queues.remove(sid, at) is not None and isinstance(verb, Enqueue) and verb.action:
            self._queue_result_later(call, verb, at)
        bridged = self._bridges.pop(sid, None)
        if bridged is not None:
            partner_sid, role, queue_sid = bridged
            self._bridges.pop(partner_sid, None)
            partner = self.engine.get(partner_sid)
            if partner is not None and partner.is_live:
                if role == "dialer":
                    extra = {"DialCallSid": sid, "QueueSid": queue_sid}
                    self.continue_after_dial(partner, at, extra)
                else:
                    self.after_enqueue(partner, at, "bridged", queue_sid)
        if sid in self.recordings.of_call:
            recordings = self.recordings

            def check(when: float) -> None:
                if not call.is_live:
                    recordings.call_ended(sid, when)

            self.engine.at(at, check)

    # ------------------------------------------------------------------- going on

    def continue_after_dial(
        self, call: CallRecord, at: float, extra: Mapping[str, str] | None = None
    ) -> None:
        """The call's ``<Dial>`` is over: request its ``action`` or run the next verb."""
        engine = self.engine
        call.generation += 1
        verb = call.program[call.pc] if call.pc < len(call.program) else None
        engine._touch(call, at)
        if isinstance(verb, Dial) and verb.action:
            params = {"DialCallStatus": "completed", **(extra or {})}
            engine._fetch(call, at, engine._resolve(call, verb.action), verb.method, params)
        else:
            engine._next_verb(call, at)

    def after_enqueue(self, call: CallRecord, at: float, result: str, queue_sid: str) -> None:
        """The call's ``<Enqueue>`` is over with ``result``: its ``action`` or the next verb."""
        engine = self.engine
        call.generation += 1
        call.queue_name = None
        verb = call.program[call.pc] if call.pc < len(call.program) else None
        engine._touch(call, at)
        if isinstance(verb, Enqueue) and verb.action:
            params = {"QueueResult": result, "QueueSid": queue_sid}
            if call.enqueued_at is not None:
                params["QueueTime"] = str(max(0, int(at - call.enqueued_at)))
            engine._fetch(call, at, engine._resolve(call, verb.action), verb.method, params)
        else:
            engine._next_verb(call, at)

    def bridge(self, dialer: CallRecord, member: CallRecord, queue_sid: str) -> None:
        member.generation += 1  # no planned agent for a caller someone has taken
        self._bridges[dialer.sid] = (member.sid, "member", queue_sid)
        self._bridges[member.sid] = (dialer.sid, "dialer", queue_sid)

    def bridged_to(self, call_sid: str) -> str | None:
        bridged = self._bridges.get(call_sid)
        return bridged[0] if bridged else None

    def _queue_result_later(self, call: CallRecord, verb: Enqueue, at: float) -> None:
        """Twilio requests the ``action`` of an abandoned ``<Enqueue>`` but runs none of it."""
        assert verb.action is not None
        url = self.engine._resolve(call, verb.action)
        queue_sid = self.queues.sid_for(verb.queue)

        def notify(when: float) -> None:
            result = "redirected" if call.is_live else "hangup"
            params = {"QueueResult": result, "QueueSid": queue_sid}
            self.request_url("action", call, url, verb.method, params)

        self.engine.at(at, notify)

    # ------------------------------------------------------------------- requests out

    def request_url(
        self,
        kind: str,
        call: CallRecord,
        url: str,
        method: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        """Request ``url`` for ``call`` with the usual voice parameters; the answer is not run."""
        params = self.engine.webhook_params(call)
        if extra:
            params.update(extra)
        self.send(kind, self.engine._resolve(call, url), method, params)

    def send(self, kind: str, url: str, method: str, params: Mapping[str, str]) -> None:
        webhooks = self.engine.webhooks
        at = self.engine.now()

        async def go() -> None:
            await webhooks.request(kind, url, method, params, at=at)

        self.engine._spawn(go())
