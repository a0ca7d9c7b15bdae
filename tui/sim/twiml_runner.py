"""The TwiML runner: a call executes its verbs one at a time, fetching new TwiML when told to.

Split from :mod:`tui.sim.engine`: :class:`TwimlRunner` holds the interpreter loop (``_step``
starts the verb at the call's program counter and schedules whatever ends it), ``<Gather>`` and
the digits a caller presses, ``<Redirect>`` and action URLs (``_fetch``: the call holds still
until the application answers, then runs the new document, its fallback, or Twilio's
application-error message), and the debugger notifications a bad answer leaves. Dial and Enqueue
legs are started by :mod:`tui.sim.call_legs`; conferences and queues by :mod:`tui.sim.floor`.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urljoin

from tui.sim.call_lifecycle import CallLifecycle
from tui.sim.call_record import CallRecord
from tui.sim.call_webhooks import notification
from tui.sim.sids import new_sid
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
    play_seconds,
    prompt_seconds,
    say_seconds,
)

APPLICATION_ERROR: Final = "We are sorry, an application error has occurred. Goodbye."


class TwimlRunner(CallLifecycle):
    """Runs each call's TwiML, verb by verb, on the engine's clock."""

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

    # ------------------------------------------------------ implemented by the layers above

    def _start_dial(self, call: CallRecord, verb: Dial, at: float) -> None:
        """Dial a number, client or SIP leg (implemented by :class:`tui.sim.call_legs.CallLegs`)."""
        raise NotImplementedError

    def _start_enqueue(self, call: CallRecord, verb: Enqueue, at: float) -> None:
        """Put the call in a queue (implemented by :class:`tui.sim.call_legs.CallLegs`)."""
        raise NotImplementedError
