"""Dial and Enqueue legs: the child call a ``<Dial>`` or a queue's agent places, and its end.

Split from :mod:`tui.sim.engine`: :class:`CallLegs` starts the ``outbound-dial`` child of a call
(ringing, answered, talking for a seeded time, or not answering within the Dial's timeout) and,
when that leg hangs up, moves the parent on: to the Dial's or Enqueue's ``action`` URL with
Twilio's ``DialCallStatus`` / ``QueueResult`` parameters, back into the queue if the agent never
picked up, or to the next verb.
"""

from __future__ import annotations

import math
import random

from tui.sim.call_record import CallRecord
from tui.sim.serialize import call_duration
from tui.sim.twiml_parser import Dial, Enqueue
from tui.sim.twiml_runner import TwimlRunner


class CallLegs(TwimlRunner):
    """The child legs of ``<Dial>`` and of a queue's agent, and what their parent does next."""

    _rng: random.Random
    """The engine's seeded randomness (ring and talk times, agents); set by ``CallEngine``."""

    def _talk_seconds(self, call: CallRecord) -> float:
        if call.plan is not None:
            return call.plan.talk_s
        return min(3600.0, max(20.0, self._rng.lognormvariate(math.log(180.0), 0.6)))

    def _start_child(
        self, parent: CallRecord, at: float, *, to: str, from_: str, ring: float, talk: float,
        ring_timeout: float,
    ) -> CallRecord:  # fmt: skip
        child = self._new_call(
            at=at, direction="outbound-dial", from_=from_, to=to, status="queued", parent=parent
        )
        child.queue_time_ms = 0
        parent.child_sid = child.sid

        def ringing(leg: CallRecord, when: float) -> None:
            leg.start_time = when
            self._set_status(leg, "ringing", when)
            if ring >= ring_timeout:
                self._after(leg, at + ring_timeout, lambda c, t: self._finish(c, t, "no-answer"))
            else:
                self._after(leg, at + ring, answered)

        def answered(leg: CallRecord, when: float) -> None:
            leg.answered_at = when
            self._set_status(leg, "in-progress", when)
            self._after(leg, when + talk, lambda c, t: self._finish(c, t, "completed"))

        self._after(child, at + min(0.2, ring), ringing)
        return child

    def _start_dial(self, call: CallRecord, verb: Dial, at: float) -> None:
        target = verb.targets[0]
        to = target.value
        if target.kind == "client" and not to.startswith("client:"):
            to = f"client:{to}"
        elif target.kind == "sip" and not to.startswith("sip:"):
            to = f"sip:{to}"
        elif target.kind in ("queue", "conference", "application"):
            to = target.value
        ring = call.plan.agent_ring_s if call.plan else self._rng.uniform(2.0, 6.0)
        talk = self._talk_seconds(call)
        if verb.time_limit:
            talk = min(talk, float(verb.time_limit))
        caller_id = verb.caller_id or (call.from_ if call.direction == "inbound" else call.to)
        self._start_child(
            call, at, to=to, from_=caller_id, ring=ring, talk=talk, ring_timeout=verb.timeout
        )

    def _start_enqueue(self, call: CallRecord, verb: Enqueue, at: float) -> None:
        self.floor.enqueue(call, verb, at)

    def _agent_answers(self, call: CallRecord, at: float) -> None:
        agent = call.plan.agent if call.plan else f"client:agent_{self._rng.randint(1, 60):03d}"
        ring = call.plan.agent_ring_s if call.plan else self._rng.uniform(1.0, 4.0)
        self._start_child(
            call, at, to=agent, from_=call.from_, ring=ring, talk=self._talk_seconds(call),
            ring_timeout=60.0,
        )  # fmt: skip

    def _child_ended(self, parent: CallRecord, child: CallRecord, at: float) -> None:
        """A Dial or queue leg hung up: the parent goes on with its next verb (or action URL)."""
        parent.child_sid = None
        verb = parent.program[parent.pc] if parent.pc < len(parent.program) else None
        if isinstance(verb, Dial):
            dial_status = child.status
            if verb.action:
                params = {
                    "DialCallStatus": dial_status,
                    "DialCallSid": child.sid,
                    "DialCallDuration": call_duration(child) or "0",
                }
                self._fetch(parent, at, self._resolve(parent, verb.action), verb.method, params)
                return
        elif isinstance(verb, Enqueue):
            parent.queue_name = None
            if child.status != "completed":  # the agent never picked up: back in the queue
                self._start_enqueue(parent, verb, at)
                return
            if verb.action:
                queue_sid = self.floor.queues.sid_for(verb.queue)
                params = {"QueueResult": "bridged", "QueueSid": queue_sid}
                self._fetch(parent, at, self._resolve(parent, verb.action), verb.method, params)
                return
        self._next_verb(parent, at)
