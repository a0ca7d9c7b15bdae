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
"""

from __future__ import annotations

import itertools
import logging
import math
import random
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Final
from urllib.parse import urljoin

from tui.sim import api_errors
from tui.sim.api_params import CreateCallRequest, UpdateCallRequest
from tui.sim.call_record import ALL_STATUSES, DEFAULT_TIME_LIMIT, CallPlan, CallRecord
from tui.sim.call_webhooks import notification
from tui.sim.call_webhooks import webhook_params as call_webhook_params
from tui.sim.clock import Clock
from tui.sim.floor import Floor
from tui.sim.serialize import call_duration, rfc2822
from tui.sim.sids import new_sid
from tui.sim.timers import TimerHeap
from tui.sim.twiml_parser import (
    Dial,
    Enqueue,
    Gather,
    Hangup,
    Idle,
    Pause,
    Play,
    Redirect,
    Reject,
    Say,
    TwimlParseError,
    Verb,
    parse_twiml,
    parse_twiml_cached,
    play_seconds,
    prompt_seconds,
    say_seconds,
)
from tui.sim.webhooks import WebhookClient

log = logging.getLogger(__name__)


ANSWER_DELAY_S: Final = 0.8
"""An inbound call rings this long while Twilio fetches its TwiML, then it is answered."""
DIAL_DELAY_S: Final = 1.0
"""An API-created call waits this long in Twilio's dialling queue before it rings."""
PRICE_DELAY_S: Final = 15.0
"""Twilio fills ``price`` a little after the call ends, not at once."""
APPLICATION_ERROR: Final = "We are sorry, an application error has occurred. Goodbye."
PER_MINUTE_USD: Final = {"inbound": 0.0085, "outbound-api": 0.014, "outbound-dial": 0.014}
DEFAULT_ENDED_RETENTION: Final = 20_000


_key = attrgetter("key")


class CallEngine(TimerHeap):
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
        super().__init__(clock)
        self.account_sid = account_sid
        self.webhooks = WebhookClient(auth_token)
        self.ended_retention = ended_retention
        self._rng = random.Random(f"engine-{seed}")
        self._sid_rng = random.Random(f"sids-{seed}")
        self._calls: dict[str, CallRecord] = {}
        self._ordered: list[CallRecord] = []
        self._by_status: dict[str, list[CallRecord]] = {status: [] for status in ALL_STATUSES}
        self._ended: deque[CallRecord] = deque()
        self._seq = itertools.count()
        self.on_call_created: list[Callable[[CallRecord], None]] = []
        self.floor = Floor(self, seed=seed)
        """Conferences, queues and recordings (:mod:`tui.sim.floor`)."""

    # ----------------------------------------------------------------- lifecycle of the engine

    async def stop(self) -> None:
        await super().stop()
        await self.webhooks.close()

    # ------------------------------------------------------------------------- time and timers

    def _after(
        self, call: CallRecord, due: float, action: Callable[[CallRecord, float], None]
    ) -> None:
        """Run ``action(call, due)`` at ``due`` unless the call has moved on or ended."""
        generation = call.generation

        def timer(when: float) -> None:
            if call.generation == generation and call.is_live:
                action(call, when)

        self.at(due, timer)

    # ------------------------------------------------------------------------------- the store

    def get(self, sid: str) -> CallRecord | None:
        return self._calls.get(sid)

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(list(self._calls.values()))

    def ordered(self, status: str | None = None) -> list[CallRecord]:
        """Calls oldest first (listings read it backwards); do not mutate the list."""
        return self._ordered if status is None else self._by_status[status]

    def counts(self) -> dict[str, int]:
        return {status: len(calls) for status, calls in self._by_status.items()}

    @property
    def live_count(self) -> int:
        return sum(len(self._by_status[s]) for s in ("queued", "ringing", "in-progress"))

    def _new_call(
        self,
        *,
        at: float,
        direction: str,
        from_: str,
        to: str,
        status: str,
        parent: CallRecord | None = None,
    ) -> CallRecord:
        call = CallRecord(
            sid=new_sid("CA", self._sid_rng),
            account_sid=self.account_sid,
            seq=next(self._seq),
            created_at=at,
            direction=direction,
            from_=from_,
            to=to,
            status=status,
            updated_at=at,
            parent_call_sid=parent.sid if parent else None,
        )
        call.key = (at, call.seq)
        self._calls[call.sid] = call
        if self._ordered and self._ordered[-1].key > call.key:
            insort(self._ordered, call, key=_key)
            insort(self._by_status[status], call, key=_key)
        else:
            self._ordered.append(call)
            self._by_status[status].append(call)
        for listener in self.on_call_created:
            listener(call)
        return call

    def _touch(self, call: CallRecord, at: float, old_status: str | None = None) -> None:
        """Record that a visible field changed: new ``date_updated``, cached JSON dropped."""
        call.updated_at = max(call.updated_at, at)
        call.json_cache = None
        if old_status is not None and old_status != call.status:
            _remove(self._by_status[old_status], call)
            insort(self._by_status[call.status], call, key=_key)

    def _set_status(self, call: CallRecord, status: str, at: float) -> None:
        old = call.status
        call.status = status
        self._touch(call, at, old)

    def _forget(self, call: CallRecord) -> None:
        self._calls.pop(call.sid, None)
        _remove(self._ordered, call)
        _remove(self._by_status[call.status], call)

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

    # ------------------------------------------------------------------------ running TwiML

    def _run_program(
        self, call: CallRecord, verbs: tuple[Verb, ...], at: float, document_url: str | None
    ) -> None:
        call.program = verbs
        call.pc = 0
        call.document_url = document_url
        call.fetching = False
        self._step(call, at)

    def _next_verb(self, call: CallRecord, at: float) -> None:
        call.pc += 1
        self._step(call, at)

    def _step(self, call: CallRecord, at: float) -> None:
        """Start the verb at ``call.pc``; schedule whatever ends it."""
        if call.pc >= len(call.program):
            self._finish(call, at, "completed")
            return
        verb = call.program[call.pc]
        if call.status == "ringing":
            if isinstance(verb, Reject):
                self._finish(call, at, "busy" if verb.reason == "busy" else "no-answer")
                return
            self._answer(call, at)
        if isinstance(verb, Say):
            self._after(call, at + say_seconds(verb), self._next_verb)
        elif isinstance(verb, Play):
            self._after(call, at + play_seconds(verb), self._next_verb)
        elif isinstance(verb, Pause):
            self._after(call, at + verb.length, self._next_verb)
        elif isinstance(verb, Idle):
            self._after(call, at + verb.seconds, self._next_verb)
        elif isinstance(verb, Gather):
            waited = sum(prompt_seconds(p) for p in verb.prompts) + verb.timeout
            self._after(call, at + waited, self._gather_timed_out)
        elif isinstance(verb, Dial):
            if not self.floor.dial(call, verb, at):
                self._start_dial(call, verb, at)
        elif isinstance(verb, Enqueue):
            self._start_enqueue(call, verb, at)
        elif isinstance(verb, Redirect):
            self._interrupt(call, at)
            self._fetch(call, at, self._resolve(call, verb.url), verb.method)
        elif isinstance(verb, Hangup | Reject):
            self._finish(call, at, "completed")

    def _resolve(self, call: CallRecord, url: str) -> str:
        return urljoin(call.document_url, url) if call.document_url else url

    def _gather_timed_out(self, call: CallRecord, at: float) -> None:
        verb = call.program[call.pc]
        assert isinstance(verb, Gather)
        if verb.action and verb.action_on_empty_result:
            self._fetch(call, at, self._resolve(call, verb.action), verb.method, {"Digits": ""})
        else:
            self._next_verb(call, at)

    def send_digits(self, sid: str, digits: str) -> bool:
        """A caller presses keys: a waiting ``<Gather>`` submits them to its action (or document).

        Returns whether a Gather took them.
        """
        call = self._calls.get(sid)
        if call is None or not call.is_live or call.fetching or call.pc >= len(call.program):
            return False
        verb = call.program[call.pc]
        if not isinstance(verb, Gather):
            return False
        at = self.clock.now()
        target = verb.action or call.document_url
        self._interrupt(call, at)
        if target:
            self._fetch(call, at, self._resolve(call, target), verb.method, {"Digits": digits})
        else:
            call.pc += 1
            self._step(call, at)
        return True

    # ------------------------------------------------------------------- Dial and Enqueue legs

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

    # ---------------------------------------------------------------------- fetching TwiML

    def _fetch(
        self,
        call: CallRecord,
        at: float,
        url: str,
        method: str,
        extra: dict[str, str] | None = None,
        *,
        fallback: bool = True,
    ) -> None:
        """Ask the application for new TwiML; the call holds still until it answers."""
        call.fetching = True
        generation = call.generation
        params = self.webhook_params(call)
        if extra:
            params.update(extra)
        self._spawn(self._fetch_and_run(call, generation, url, method, params, fallback))

    async def _fetch_and_run(
        self,
        call: CallRecord,
        generation: int,
        url: str,
        method: str,
        params: dict[str, str],
        fallback: bool,
    ) -> None:
        result = await self.webhooks.request("twiml", url, method, params, at=self.clock.now())
        if call.generation != generation or not call.is_live:
            return
        self.catch_up()
        if call.generation != generation or not call.is_live:
            return
        at = self.clock.now()
        error_code: int | None = None
        message = ""
        if result.too_large:
            error_code, message = 11750, "TwiML response body too large"
        elif not result.ok:
            error_code = 11200
            message = result.error or f"HTTP retrieval failure: status {result.status}"
        else:
            try:
                document = parse_twiml(result.body)
            except TwimlParseError as exc:
                error_code, message = exc.code, str(exc)
            else:
                for warning in document.warnings:
                    self._notify(call, at, 12200, warning, url, method, level="warning")
                self._run_program(call, document.verbs, at, url)
                return
        self._notify(call, at, error_code, message, url, method, response_body=result.body)
        if fallback and call.fallback_url:
            extra = {"ErrorCode": str(error_code), "ErrorUrl": url}
            params.update(extra)
            self._fetch(call, at, call.fallback_url, call.fallback_method, extra, fallback=False)
            return
        self._run_program(call, (Say(APPLICATION_ERROR), Hangup()), at, None)

    def _notify(
        self,
        call: CallRecord,
        at: float,
        code: int,
        message: str,
        url: str,
        method: str,
        *,
        level: str = "error",
        response_body: str = "",
    ) -> None:
        """Log a Notification for the call (what Twilio's debugger would show)."""
        sid = new_sid("NO", self._sid_rng)
        call.notifications.append(
            notification(
                call, at, sid, code, message, url, method, level=level, response_body=response_body
            )
        )

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


def _remove(calls: list[CallRecord], call: CallRecord) -> None:
    index = bisect_left(calls, call.key, key=_key)
    end = bisect_right(calls, call.key, key=_key)
    for i in range(index, end):
        if calls[i] is call:
            del calls[i]
            return
