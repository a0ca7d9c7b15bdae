"""A simulated call's state machine: answered, time-limited, interrupted, finished, priced.

Split from :mod:`tui.sim.engine`: :class:`CallLifecycle` holds the transitions every call goes
through whatever its TwiML says (``in-progress`` on answer, the ``TimeLimit`` deadline, leaving
its room, queue or Dial leg when its instructions change, the final status and the price that
follows it) and the status callbacks they send. What a call does while it is up is the TwiML
runner's job (:mod:`tui.sim.twiml_runner`); what a Dial or queue leg's parent does when the leg
ends is :mod:`tui.sim.call_legs`' (``_child_ended``).
"""

from __future__ import annotations

import math
from typing import Final

from tui.sim.call_record import CallRecord
from tui.sim.call_store import CallStore
from tui.sim.call_webhooks import webhook_params as call_webhook_params
from tui.sim.floor import Floor
from tui.sim.serialize import call_duration, rfc2822
from tui.sim.webhooks import WebhookClient

PRICE_DELAY_S: Final = 15.0
"""Twilio fills ``price`` a little after the call ends, not at once."""
PER_MINUTE_USD: Final = {"inbound": 0.0085, "outbound-api": 0.014, "outbound-dial": 0.014}


class CallLifecycle(CallStore):
    """The transitions of a call's life and the status callbacks they send."""

    webhooks: WebhookClient
    """Where status callbacks and TwiML fetches go out; set by ``CallEngine``."""
    floor: Floor
    """Conferences, queues and recordings a call leaves when interrupted; set by ``CallEngine``."""

    # ---------------------------------------------------------------------------- answering

    def _answer(self, call: CallRecord, at: float) -> None:
        call.answered_at = at
        if call.start_time is None:
            call.start_time = at
        self._set_status(call, "in-progress", at)
        self._status_callback(call, "answered", at)
        self._arm_time_limit(call, at)

    def _arm_time_limit(self, call: CallRecord, at: float) -> None:
        if call.answered_at is None:
            return
        call.deadline_token += 1
        token = call.deadline_token
        deadline = max(at, call.answered_at + call.time_limit)

        def expire(when: float) -> None:
            if call.deadline_token == token and call.is_live:
                self._finish(call, when, "completed")

        self.at(deadline, expire)

    # ---------------------------------------------------------------------------- endings

    def _interrupt(self, call: CallRecord, at: float) -> None:
        """Abandon the current verb: stale timers die, a Dial/agent leg is dropped, the call
        leaves its conference, queue or bridge."""
        self.floor.leave(call, at)
        call.generation += 1
        call.fetching = False
        call.queue_name = None
        child_sid, call.child_sid = call.child_sid, None
        child = self._calls.get(child_sid) if child_sid else None
        if child is not None and child.is_live:
            self._finish(child, at, "completed" if child.status == "in-progress" else "canceled")

    def _finish(self, call: CallRecord, at: float, status: str) -> None:
        if not call.is_live:
            return
        self._interrupt(call, at)
        call.deadline_token += 1
        call.end_time = at
        call.program = ()
        self._set_status(call, status, at)
        self._status_callback(call, "completed", at)
        self._after_end(call, at)
        parent = self._calls.get(call.parent_call_sid) if call.parent_call_sid else None
        if parent is not None and parent.child_sid == call.sid and parent.is_live:
            self._child_ended(parent, call, at)

    def _after_end(self, call: CallRecord, at: float) -> None:
        def fill_price(when: float) -> None:
            if call.sid not in self._calls:
                return
            duration = call_duration(call)
            if duration is None or call.answered_at is None:
                return  # Twilio leaves price null for a call that was never answered
            else:
                minutes = max(1, math.ceil(int(duration) / 60))
                call.price = f"-{minutes * PER_MINUTE_USD.get(call.direction, 0.014):.5f}"
            self._touch(call, when)

        self.at(at + PRICE_DELAY_S, fill_price)
        self._ended.append(call)
        while len(self._ended) > self.ended_retention:
            oldest = self._ended.popleft()
            if not oldest.is_live:
                self._forget(oldest)

    def hang_up(self, sid: str) -> None:
        """End a live call at once (a caller or agent hanging up)."""
        call = self._calls.get(sid)
        if call is not None and call.is_live:
            at = self.clock.now()
            self._finish(call, at, "completed" if call.status == "in-progress" else "canceled")

    # ----------------------------------------------------------------------- status callbacks

    def webhook_params(self, call: CallRecord) -> dict[str, str]:
        """The parameters Twilio sends with every voice webhook for ``call``."""
        return call_webhook_params(call)

    def _status_callback(self, call: CallRecord, event: str, at: float) -> None:
        if not call.status_callback or event not in call.status_callback_events:
            return
        params = self.webhook_params(call)
        params.update(
            {
                "CallbackSource": "call-progress-events",
                "SequenceNumber": str(call.callback_sequence),
                "Timestamp": rfc2822(at) or "",
            }
        )
        call.callback_sequence += 1
        if event == "completed":
            duration = call_duration(call) or "0"
            params["CallDuration"] = duration
            params["Duration"] = str(math.ceil(int(duration) / 60))
        url, method = call.status_callback, call.status_callback_method
        self._spawn(self._send_callback(url, method, params, at))

    async def _send_callback(
        self, url: str, method: str, params: dict[str, str], at: float
    ) -> None:
        await self.webhooks.request("status-callback", url, method, params, at=at)

    # ------------------------------------------------------ implemented by the layers above

    def _child_ended(self, parent: CallRecord, child: CallRecord, at: float) -> None:
        """A Dial or queue leg hung up (implemented by :class:`tui.sim.call_legs.CallLegs`)."""
        raise NotImplementedError
