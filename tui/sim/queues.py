"""Call queues: ``<Enqueue>`` puts a caller in a named queue, ``<Dial><Queue>`` or a REST
dequeue takes one out.

- ``<Enqueue>`` creates the queue on first use (``max_size`` 1000); a full queue sends the call on
  with ``QueueResult=queue-full``. ``waitUrl`` is requested as the caller joins.
- ``<Dial><Queue>`` bridges the dialler to the head of the queue (or waits for a caller); when
  either side hangs up the other goes on: the dialler after its ``<Dial>``, the caller with the
  ``<Enqueue action>`` (``QueueResult=bridged``) or the next verb.
- ``POST …/Members/{CallSid|Front}.json Url=…``: the member leaves the queue and its call runs the
  TwiML at ``Url``; the ``action`` URL is requested with ``QueueResult=redirected`` and its answer
  is not run (the same happens, with ``hangup``, when the caller hangs up in the queue).
- ``wait_time`` and ``average_wait_time`` count real seconds, at request time.
- Synthetic callers (with a :class:`~tui.sim.call_record.CallPlan`) are answered by their planned
  agent after their planned wait, as before; callers without a plan wait until dequeued.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from tui.sim import api_errors
from tui.sim.call_record import CallRecord
from tui.sim.floor_model import DEFAULT_QUEUE_SIZE, Member, Queue
from tui.sim.twiml_parser import Dial, DialTarget, Enqueue

if TYPE_CHECKING:
    from tui.sim.floor import Floor


class CallQueues:
    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.by_sid: dict[str, Queue] = {}
        self.by_name: dict[str, Queue] = {}
        self.ordered: list[Queue] = []
        self.queue_of: dict[str, str] = {}
        """Member call SID → queue SID."""
        self._dialers: dict[str, deque[tuple[str, DialTarget]]] = {}
        self._waiting_dialer: dict[str, str] = {}

    # --------------------------------------------------------------------------- queues

    def create(self, name: str, max_size: int | None, at: float) -> Queue:
        if name in self.by_name:
            raise api_errors.invalid_parameter(f"A queue named {name!r} already exists")
        floor = self.floor
        queue = Queue(
            sid=floor.new_sid("QU"),
            account_sid=floor.engine.account_sid,
            friendly_name=name,
            created_at=at,
            updated_at=at,
            key=floor.next_key(at),
            max_size=max_size or DEFAULT_QUEUE_SIZE,
        )
        self.by_sid[queue.sid] = queue
        self.by_name[name] = queue
        self.ordered.append(queue)
        return queue

    def ensure(self, name: str, at: float) -> Queue:
        return self.by_name.get(name) or self.create(name, None, at)

    def sid_for(self, name: str) -> str:
        queue = self.by_name.get(name)
        return queue.sid if queue else ""

    def update(self, queue: Queue, name: str | None, max_size: int | None, at: float) -> None:
        if name is not None and name != queue.friendly_name:
            if name in self.by_name:
                raise api_errors.invalid_parameter(f"A queue named {name!r} already exists")
            del self.by_name[queue.friendly_name]
            queue.friendly_name = name
            self.by_name[name] = queue
        if max_size is not None:
            queue.max_size = max_size
        queue.updated_at = at

    def delete(self, queue: Queue) -> None:
        if queue.members:
            raise api_errors.invalid_parameter(
                f"Queue {queue.sid} still has {len(queue.members)} members; it cannot be deleted"
            )
        del self.by_sid[queue.sid]
        self.by_name.pop(queue.friendly_name, None)
        self.ordered.remove(queue)

    @staticmethod
    def position(queue: Queue, call_sid: str) -> int:
        for index, sid in enumerate(queue.members):
            if sid == call_sid:
                return index + 1
        return 0

    # ------------------------------------------------------------------------ TwiML

    def enqueue(self, call: CallRecord, verb: Enqueue, at: float) -> None:
        floor = self.floor
        engine = floor.engine
        queue = self.ensure(verb.queue, at)
        call.queue_name = verb.queue
        call.enqueued_at = at
        if len(queue.members) >= queue.max_size:
            floor.after_enqueue(call, at, "queue-full", queue.sid)
            return
        member = Member(call.sid, queue.sid, at, floor.next_key(at))
        queue.members[call.sid] = member
        queue.updated_at = at
        self.queue_of[call.sid] = queue.sid
        if verb.wait_url:
            params = {
                "QueueSid": queue.sid,
                "QueuePosition": str(len(queue.members)),
                "QueueTime": "0",
                "AvgQueueTime": "0",
                "CurrentQueueSize": str(len(queue.members)),
                "MaxQueueSize": str(queue.max_size),
            }
            floor.request_url("wait", call, verb.wait_url, verb.wait_method, params)
        waiting = self._dialers.get(queue.sid)
        while waiting:
            dialer_sid, target = waiting.popleft()
            self._waiting_dialer.pop(dialer_sid, None)
            dialer = engine.get(dialer_sid)
            if dialer is not None and dialer.is_live:
                self._bridge(dialer, target, queue, call, at)
                return
        if call.plan is not None:
            engine._after(call, at + call.plan.queue_wait_s, self._planned_agent)

    def _planned_agent(self, call: CallRecord, at: float) -> None:
        self.remove(call.sid, at)
        self.floor.engine._agent_answers(call, at)

    def dial(self, call: CallRecord, verb: Dial, target: DialTarget, at: float) -> None:
        """``<Dial><Queue>``: bridge ``call`` to the head of the queue, or wait for one."""
        queue = self.ensure(target.value, at)
        engine = self.floor.engine
        for member_sid in list(queue.members):
            member_call = engine.get(member_sid)
            if member_call is not None and member_call.is_live:
                self._bridge(call, target, queue, member_call, at)
                return
        self._dialers.setdefault(queue.sid, deque()).append((call.sid, target))
        self._waiting_dialer[call.sid] = queue.sid

    def _bridge(
        self, dialer: CallRecord, target: DialTarget, queue: Queue, member: CallRecord, at: float
    ) -> None:
        self.remove(member.sid, at)
        url = target.attr("url")
        if url:
            self.floor.request_url("dequeue", member, url, target.attr("method") or "POST")
        self.floor.bridge(dialer, member, queue.sid)

    def remove(self, call_sid: str, at: float) -> Member | None:
        """Take the call out of its queue (no callbacks)."""
        queue_sid = self.queue_of.pop(call_sid, None)
        waiting = self._waiting_dialer.pop(call_sid, None)
        if waiting is not None:
            dialers = self._dialers.get(waiting)
            if dialers:
                self._dialers[waiting] = deque(d for d in dialers if d[0] != call_sid)
        if queue_sid is None:
            return None
        queue = self.by_sid.get(queue_sid)
        if queue is None:
            return None
        queue.updated_at = at
        return queue.members.pop(call_sid, None)

    # ------------------------------------------------------------------------ REST

    def member(self, queue: Queue, key: str) -> Member | None:
        if key == "Front":
            return next(iter(queue.members.values()), None)
        return queue.members.get(key)

    def dequeue(self, queue: Queue, member: Member, url: str, method: str, at: float) -> None:
        """``POST …/Members/{CallSid}.json``: the call leaves the queue and runs ``url``."""
        engine = self.floor.engine
        call = engine.get(member.call_sid)
        if call is None or not call.is_live:
            self.remove(member.call_sid, at)
            return
        engine._interrupt(call, at)
        call.url, call.method = url, method
        engine._fetch(call, at, url, method)
        engine._touch(call, at)
