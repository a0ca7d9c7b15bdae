"""The call engine: every simulated call's lifecycle, driven by a clock and a timer heap.

Calls move ``queued → ringing → in-progress → completed`` (or end ``busy``, ``no-answer``,
``failed``, ``canceled``) and run TwiML one verb at a time. Each pending state change is one entry
in a heap ordered by due time, so the cost of time passing is proportional to what happens, never
to how many calls exist. Timers carry the call's ``generation``: replacing a call's instructions
(``update(twiml=…)``, a redirect, a hang-up) bumps it, and the old timers quietly do nothing.

With a :class:`~tui.sim.clock.RealClock` the engine catches up whenever it is asked (each API
request and a light background ticker); with a :class:`~tui.sim.clock.ManualClock` only
:meth:`CallEngine.advance` moves time, stepping from event to event and waiting for every webhook
it triggers, so tests are exact and never sleep.

:class:`CallEngine` is built in layers, one job a module, each the base of the next:
:mod:`~tui.sim.timers` (the heap and webhook tasks), :mod:`~tui.sim.call_store` (the calls,
indexed for listings), :mod:`~tui.sim.call_lifecycle` (answer, time limit, interrupt, finish,
status callbacks), :mod:`~tui.sim.twiml_runner` (verbs, Gather, fetching TwiML),
:mod:`~tui.sim.call_legs` (Dial and queue legs). This module adds what the API and the
simulator's own traffic call: creating inbound and outbound calls, their progress until answered,
and the REST update and delete.
"""

from __future__ import annotations

import logging
import random
from typing import Final

from tui.sim import api_errors
from tui.sim.api_params import CreateCallRequest, UpdateCallRequest
from tui.sim.call_legs import CallLegs
from tui.sim.call_lifecycle import PER_MINUTE_USD, PRICE_DELAY_S
from tui.sim.call_record import DEFAULT_TIME_LIMIT, CallPlan, CallRecord
from tui.sim.clock import Clock
from tui.sim.floor import Floor
from tui.sim.twiml_parser import Say, parse_twiml_cached
from tui.sim.twiml_runner import APPLICATION_ERROR
from tui.sim.webhooks import WebhookClient

log = logging.getLogger(__name__)


ANSWER_DELAY_S: Final = 0.8
"""An inbound call rings this long while Twilio fetches its TwiML, then it is answered."""
DIAL_DELAY_S: Final = 1.0
"""An API-created call waits this long in Twilio's dialling queue before it rings."""
DEFAULT_ENDED_RETENTION: Final = 20_000

__all__ = [
    "ANSWER_DELAY_S",
    "APPLICATION_ERROR",
    "DEFAULT_ENDED_RETENTION",
    "DIAL_DELAY_S",
    "PER_MINUTE_USD",
    "PRICE_DELAY_S",
    "CallEngine",
]


class CallEngine(CallLegs):
    """Owns every call, the timer heap and the outgoing webhooks of one simulated account."""

    def __init__(
        self,
        *,
        clock: Clock,
        account_sid: str,
        auth_token: str,
        seed: int = 0,
        ended_retention: int = DEFAULT_ENDED_RETENTION,
    ) -> None:
        super().__init__(clock, account_sid=account_sid, seed=seed, ended_retention=ended_retention)
        self.webhooks = WebhookClient(auth_token)
        self._rng = random.Random(f"engine-{seed}")
        self.floor = Floor(self, seed=seed)
        """Conferences, queues and recordings (:mod:`tui.sim.floor`)."""

    # ----------------------------------------------------------------- lifecycle of the engine

    async def stop(self) -> None:
        await super().stop()
        await self.webhooks.close()

    # ------------------------------------------------------------------------- creating calls

    def create_call(
        self, request: CreateCallRequest, *, plan: CallPlan | None = None
    ) -> CallRecord:
        """``POST …/Calls.json``: an outbound-api call, ``queued`` until Twilio dials it."""
        at = self.clock.now()
        call = self._new_call(
            at=at, direction="outbound-api", from_=request.from_, to=request.to, status="queued"
        )
        call.url = request.url
        call.method = request.method
        call.initial_twiml = request.twiml
        call.application_sid = request.application_sid
        call.fallback_url = request.fallback_url
        call.fallback_method = request.fallback_method
        call.status_callback = request.status_callback
        call.status_callback_method = request.status_callback_method
        call.status_callback_events = request.status_callback_events
        call.ring_timeout = request.timeout
        call.time_limit = request.time_limit or DEFAULT_TIME_LIMIT
        call.machine_detection = request.machine_detection
        call.plan = plan
        call.queue_time_ms = None
        self._status_callback(call, "initiated", at)
        self._after(call, at + DIAL_DELAY_S, self._dial_out)
        return call

    def create_outbound(
        self,
        *,
        from_: str,
        to: str,
        twiml: str,
        at: float | None = None,
        plan: CallPlan | None = None,
        machine_detection: str | None = None,
    ) -> CallRecord:
        """An outbound-api call placed by the simulator itself (synthetic campaigns, admin)."""
        document = parse_twiml_cached(twiml)
        request = CreateCallRequest(
            to=to, from_=from_, twiml=twiml, document=document, machine_detection=machine_detection
        )
        if at is None:
            return self.create_call(request, plan=plan)
        call = self._new_call(at=at, direction="outbound-api", from_=from_, to=to, status="queued")
        call.initial_twiml = twiml
        call.plan = plan
        call.machine_detection = machine_detection
        call.synthetic = True
        call.queue_time_ms = None
        self._after(call, at + DIAL_DELAY_S, self._dial_out)
        return call

    def create_inbound(
        self,
        *,
        from_: str,
        to: str,
        twiml: str | None = None,
        url: str | None = None,
        method: str = "POST",
        at: float | None = None,
        caller_name: str | None = None,
        forwarded_from: str | None = None,
        phone_number_sid: str | None = None,
        plan: CallPlan | None = None,
        status_callback: str | None = None,
        status_callback_events: frozenset[str] = frozenset({"completed"}),
    ) -> CallRecord:
        """A call arriving at one of the account's numbers: ``ringing`` while its TwiML is fetched,
        answered when the first verb other than ``<Reject>`` runs."""
        when = self.clock.now() if at is None else at
        call = self._new_call(at=when, direction="inbound", from_=from_, to=to, status="ringing")
        call.start_time = when
        call.caller_name = caller_name
        call.forwarded_from = forwarded_from
        call.phone_number_sid = phone_number_sid
        call.plan = plan
        call.url = url
        call.method = method
        call.initial_twiml = twiml
        call.synthetic = plan is not None
        call.status_callback = status_callback
        call.status_callback_events = status_callback_events
        self._status_callback(call, "initiated", when)
        self._status_callback(call, "ringing", when)
        if twiml is not None:
            document = parse_twiml_cached(twiml)
            self._after(
                call,
                when + ANSWER_DELAY_S,
                lambda c, t: self._run_program(c, document.verbs, t, None),
            )
        elif url is not None:
            self._after(call, when + ANSWER_DELAY_S, lambda c, t: self._fetch(c, t, url, method))
        else:
            self._after(call, when + ANSWER_DELAY_S, lambda c, t: self._run_program(c, (), t, None))
        return call

    # ------------------------------------------------------------------------ outbound progress

    def _dial_out(self, call: CallRecord, at: float) -> None:
        call.start_time = at
        call.queue_time_ms = round((at - call.created_at) * 1000)
        self._set_status(call, "ringing", at)
        self._status_callback(call, "ringing", at)
        plan = call.plan
        ring = plan.ring_s if plan else self._rng.uniform(2.5, 6.0)
        outcome = plan.outcome if plan else "answered"
        if outcome == "failed":
            self._after(call, at + 0.5, lambda c, t: self._finish(c, t, "failed"))
        elif outcome == "busy":
            self._after(call, at + min(ring, 3.0), lambda c, t: self._finish(c, t, "busy"))
        elif outcome == "no-answer" or ring >= call.ring_timeout:
            self._after(call, at + call.ring_timeout, lambda c, t: self._finish(c, t, "no-answer"))
        else:
            self._after(call, at + ring, self._answer_outbound)

    def _answer_outbound(self, call: CallRecord, at: float) -> None:
        self._answer(call, at)
        if call.machine_detection:
            call.answered_by = (call.plan.answered_by if call.plan else None) or (
                "human" if self._rng.random() < 0.8 else "machine_start"
            )
        if call.initial_twiml is not None:
            document = parse_twiml_cached(call.initial_twiml)
            self._run_program(call, document.verbs, at, None)
        elif call.url is not None:
            self._fetch(call, at, call.url, call.method)
        else:
            greeting = Say("Hello. This is a call from the Callboard simulator. Goodbye.")
            self._run_program(call, (greeting,), at, None)

    # ------------------------------------------------------------------ the REST operations

    def update_call(self, sid: str, request: UpdateCallRequest, path: str) -> CallRecord:
        """``POST …/Calls/{Sid}.json``: apply an update as Twilio does, or raise its error."""
        self.catch_up()
        call = self._calls.get(sid)
        if call is None:
            raise api_errors.not_found(path)
        if not call.is_live:
            raise api_errors.not_in_progress()
        at = self.clock.now()
        if request.status == "canceled" and call.status == "in-progress":
            return call  # Twilio: canceled does not affect an answered call, and answers 200
        if (request.url or request.twiml) and call.status == "queued":
            raise api_errors.not_in_progress()
        # Twiml/Url on a ringing call is accepted: an outbound call runs it when answered.
        later = call.status == "ringing" and call.direction != "inbound"
        if request.status_callback:
            call.status_callback = request.status_callback
        if request.status_callback_method:
            call.status_callback_method = request.status_callback_method
        if request.fallback_url:
            call.fallback_url = request.fallback_url
        if request.fallback_method:
            call.fallback_method = request.fallback_method
        if request.time_limit:
            call.time_limit = request.time_limit
            self._arm_time_limit(call, at)
        if request.status is not None:
            ended = "completed" if call.status == "in-progress" else "canceled"
            self._finish(call, at, ended)
        elif later:
            call.initial_twiml = request.twiml if request.document is not None else None
            if request.url is not None:
                call.url, call.method = request.url, request.method
        elif request.document is not None:
            self._interrupt(call, at)
            self._run_program(call, request.document.verbs, at, None)
        elif request.url is not None:
            self._interrupt(call, at)
            call.url, call.method = request.url, request.method
            self._fetch(call, at, request.url, request.method)
        self._touch(call, at)
        return call

    def delete_call(self, sid: str, path: str) -> None:
        """``DELETE …/Calls/{Sid}.json``: only a call that has ended can be deleted."""
        self.catch_up()
        call = self._calls.get(sid)
        if call is None:
            raise api_errors.not_found(path)
        if call.is_live:
            raise api_errors.invalid_state(
                "Cannot delete a call that is queued, ringing or in progress."
            )
        self._forget(call)
