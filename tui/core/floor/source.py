"""The floor source: where every call is, for what a pass can afford to ask.

Twilio answers "who is in this room?" one room at a time, so asking it for every room every pass
would cost a request per room per pass (1,000 rooms, 1,000 requests). A pass here costs instead:

* ``1`` request for the queues (queues are few: all of them, every pass), plus ``1`` per queue
  that has callers waiting, for its members in order;
* ``ceil(rooms / 1000)`` requests for the list of rooms in progress;
* at most ``request_budget`` requests for rooms' participants and recordings, spent on the rooms
  open in a view first, then the rooms (and the calls' recordings) of calls on screen, then rooms
  never looked into, then the least recently refreshed ones (:mod:`tui.core.floor.plan`).

So a pass costs ``2 + queues with callers + budget`` requests at most (one more per 1,000 rooms
beyond the first thousand) whether the account has 100
rooms or 1,000 (``tests/benchmarks/bench_floor.py`` counts them). Where a call is placed in a room
Callboard has not looked into for a while, the placement is as old as that room's last fetch;
the budget sets how quickly every room is seen.

A pass that fails keeps the last known floor and says why (``FloorSnapshot.error``); it backs off
like the call poller does (:class:`tui.core.backoff.PollSchedule`) and never stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from tui.core.backoff import PollSchedule
from tui.core.floor.models import (
    Conference,
    FloorSnapshot,
    FloorStats,
    Member,
    Queue,
    QueueView,
    Recording,
    RoomView,
    conference_from_json,
    member_from_json,
    participant_from_json,
    queue_from_json,
    recording_from_json,
)
from tui.core.floor.placements import build_placements
from tui.core.floor.plan import PlanInputs, RoomFetch, plan_pass
from tui.core.twilio_client import TwilioAccess, TwilioAccessError, TwilioHttpError

_log = logging.getLogger(__name__)

MAX_PAGES: Final = 20
"""A listing longer than this many pages is cut (20,000 rooms; 2,000 members of a queue)."""
_CONCURRENCY: Final = 4


class RequestCounter:
    """Requests sent in the current pass (the benchmark reads it; the budget is checked on it)."""

    def __init__(self) -> None:
        self.count = 0


class FloorSource:
    """Lists queues and rooms each pass; looks into the rooms the supervisor looks at.

    ``on_snapshot`` is called in the running loop with each pass's :class:`FloorSnapshot`
    (exceptions from it are logged and ignored). :meth:`watch` tells it what is on screen.
    """

    def __init__(
        self,
        access: TwilioAccess,
        *,
        on_snapshot: Callable[[FloorSnapshot], None] | None = None,
        request_budget: int = 20,
        interval_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._access = access
        self.on_snapshot = on_snapshot
        """Called with each pass's snapshot; the app sets it once the screen exists."""
        self.request_budget = max(1, request_budget)
        self._clock = clock
        self._wall = wall
        self._schedule = PollSchedule(interval_s, 60.0)
        self._semaphore = asyncio.Semaphore(_CONCURRENCY)
        self._wake = asyncio.Event()
        self._visible_calls: frozenset[str] = frozenset()
        self._open_rooms: frozenset[str] = frozenset()
        self._hidden_calls: frozenset[str] = frozenset()
        self._rooms: dict[str, RoomView] = {}
        self._fetched_at: dict[str, float] = {}
        self._room_of_call: dict[str, str] = {}
        self._call_recording: dict[str, Recording] = {}
        """Live recordings of calls' own (not their room's), as last checked."""
        self._call_checked_at: dict[str, float] = {}
        self._snapshot = FloorSnapshot()
        self.passes = 0

    # ------------------------------------------------------------------ public

    @property
    def snapshot(self) -> FloorSnapshot:
        return self._snapshot

    def watch(
        self,
        visible_calls: Iterable[str] = (),
        open_rooms: Iterable[str] = (),
        *,
        hidden_calls: Iterable[str] = (),
    ) -> None:
        """Say which calls are on screen and which rooms a view shows (replaces the last call).

        ``hidden_calls`` are legs left out of agent labels (the supervisor's own leg).
        """
        self._visible_calls = frozenset(visible_calls)
        self._open_rooms = frozenset(open_rooms)
        self._hidden_calls = frozenset(hidden_calls)

    def room_of(self, call_sid: str) -> str | None:
        """The room a call was last seen in, if any."""
        return self._room_of_call.get(call_sid)

    def poll_now(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Pass after pass until cancelled; never raises anything but ``CancelledError``."""
        while True:
            self._wake.clear()
            delay = await self.poll_once()
            if delay > 0 and not self._wake.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def poll_once(self) -> float:
        """One pass; reports it and returns the delay before the next."""
        self.passes += 1
        started = self._clock()
        counter = RequestCounter()
        try:
            snapshot = await self._pass(counter)
        except asyncio.CancelledError:
            raise
        except TwilioAccessError as error:
            return self._failed(error)
        except Exception as error:
            _log.exception("floor pass failed unexpectedly")
            return self._failed(error)
        self._publish(snapshot)
        return self._schedule.succeeded(max(0.0, self._clock() - started), 0)

    # ------------------------------------------------------------------ one pass

    def _url(self, path: str) -> str:
        access = self._access
        return f"{access.base_url}/2010-04-01/Accounts/{access.account_sid}/{path}"

    async def _list(
        self, path: str, key: str, counter: RequestCounter, params: Mapping[str, str]
    ) -> list[Mapping[str, object]]:
        """Every record of a listing (following ``next_page_uri``), at most :data:`MAX_PAGES`."""
        url: str = self._url(path)
        query: Mapping[str, str] | None = params
        records: list[Mapping[str, object]] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            async with self._semaphore:
                counter.count += 1
                payload, _size, _headers = await self._access.get_json(url, query)
            if not isinstance(payload, dict):
                break
            page = payload.get(key)
            if isinstance(page, list):
                records.extend(item for item in page if isinstance(item, dict))
            next_uri = payload.get("next_page_uri")
            if not isinstance(next_uri, str) or not next_uri or next_uri in seen:
                break
            seen.add(next_uri)
            url, query = self._access.absolute(next_uri), None
        return records

    async def _pass(self, counter: RequestCounter) -> FloorSnapshot:
        queues_task = asyncio.create_task(self._queues(counter))
        try:
            conferences = await self._conferences(counter)
        except BaseException:
            queues_task.cancel()
            raise
        queues = await queues_task
        live = {conference.sid: conference for conference in conferences}
        for sid in [sid for sid in self._rooms if sid not in live]:
            self._forget_room(sid)
        plan = self._plan(conferences)
        errors: list[str] = []
        fetches = (self._fetch_room(live[f.sid], f, counter, errors) for f in plan)
        await asyncio.gather(*fetches)
        rooms = {
            sid: self._with_call_recordings(view)
            for sid, view in self._rooms.items()
            if sid in live
        }
        placements = build_placements(queues, rooms.values(), hidden=self._hidden_calls)
        return FloorSnapshot(
            queues=tuple(queues),
            rooms=rooms,
            placements=placements,
            conferences=tuple(conferences),
            stats=FloorStats(
                requests=counter.count,
                rooms=len(conferences),
                rooms_fetched=len(plan),
                queues=len(queues),
                budget=self.request_budget,
            ),
            at=self._wall(),
            error=errors[0] if errors else None,
        )

    async def _queues(self, counter: RequestCounter) -> list[QueueView]:
        records = await self._list("Queues.json", "queues", counter, {"PageSize": "100"})
        queues = [queue_from_json(record) for record in records]
        queues = [queue for queue in queues if queue.sid]
        members = await asyncio.gather(*(self._members(queue, counter) for queue in queues))
        pairs = zip(queues, members, strict=True)
        return [QueueView(queue, tuple(found)) for queue, found in pairs]

    async def _members(self, queue: Queue, counter: RequestCounter) -> list[Member]:
        if queue.current_size <= 0:
            return []
        records = await self._list(
            f"Queues/{queue.sid}/Members.json", "queue_members", counter, {"PageSize": "100"}
        )
        members = [member_from_json(record, queue.sid) for record in records]
        return sorted((m for m in members if m.call_sid), key=lambda m: m.position)

    async def _conferences(self, counter: RequestCounter) -> list[Conference]:
        records = await self._list(
            "Conferences.json",
            "conferences",
            counter,
            {"Status": "in-progress", "PageSize": "1000"},
        )
        return [c for c in (conference_from_json(r) for r in records) if c.sid]

    def _plan(self, conferences: list[Conference]) -> list[RoomFetch]:
        inputs = PlanInputs(
            conferences=conferences,
            open_rooms=self._open_rooms,
            visible_calls=self._visible_calls,
            room_of_call=self._room_of_call,
            legs_of_room={
                sid: [p.call_sid for p in view.participants] for sid, view in self._rooms.items()
            },
            fetched_at=self._fetched_at,
            call_checked_at=self._call_checked_at,
        )
        return plan_pass(inputs, self.request_budget)

    async def _fetch_room(
        self, conference: Conference, fetch: RoomFetch, counter: RequestCounter, errors: list[str]
    ) -> None:
        sid = conference.sid
        try:
            records = await self._list(
                f"Conferences/{sid}/Participants.json", "participants", counter, {"PageSize": "100"}
            )
            participants = tuple(
                p for p in (participant_from_json(r, sid) for r in records) if p.call_sid
            )
            previous = self._rooms.get(sid)
            recording = previous.recording if previous is not None else None
            if fetch.room_recording:
                recording = await self._live_recording(
                    f"Conferences/{sid}/Recordings.json", counter
                )
            present = {p.call_sid for p in participants}
            for call_sid in fetch.call_recordings:
                if call_sid not in present:
                    continue
                found = await self._live_recording(f"Calls/{call_sid}/Recordings.json", counter)
                self._call_checked_at[call_sid] = self._clock()
                if found is None:
                    self._call_recording.pop(call_sid, None)
                else:
                    self._call_recording[call_sid] = found
        except TwilioHttpError as error:
            if error.status == 404 or error.code in (20404, 16022):
                self._forget_room(sid)
                return
            errors.append(str(error))
            return
        except TwilioAccessError as error:
            errors.append(str(error))
            return
        self._store_room(RoomView(conference, participants, recording, self._wall()))

    async def _live_recording(self, path: str, counter: RequestCounter) -> Recording | None:
        url = self._url(path)
        async with self._semaphore:
            counter.count += 1
            payload, _size, _headers = await self._access.get_json(url, {"PageSize": "20"})
        if not isinstance(payload, dict) or not isinstance(payload.get("recordings"), list):
            return None
        for record in payload["recordings"]:
            if isinstance(record, dict):
                recording = recording_from_json(record)
                if recording.live:
                    return recording
        return None

    def _store_room(self, view: RoomView) -> None:
        sid = view.conference.sid
        previous = self._rooms.get(sid)
        present = {participant.call_sid for participant in view.participants}
        if previous is not None:
            for participant in previous.participants:
                call_sid = participant.call_sid
                if call_sid not in present and self._room_of_call.get(call_sid) == sid:
                    del self._room_of_call[call_sid]
                    self._forget_call(call_sid)
        for call_sid in present:
            self._room_of_call[call_sid] = sid
        self._rooms[sid] = view
        self._fetched_at[sid] = self._clock()

    def _forget_call(self, call_sid: str) -> None:
        self._call_recording.pop(call_sid, None)
        self._call_checked_at.pop(call_sid, None)

    def _with_call_recordings(self, view: RoomView) -> RoomView:
        found = {
            p.call_sid: self._call_recording[p.call_sid]
            for p in view.participants
            if p.call_sid in self._call_recording
        }
        if not found:
            return view
        return RoomView(view.conference, view.participants, view.recording, view.fetched_at, found)

    def _forget_room(self, sid: str) -> None:
        view = self._rooms.pop(sid, None)
        self._fetched_at.pop(sid, None)
        if view is not None:
            for participant in view.participants:
                if self._room_of_call.get(participant.call_sid) == sid:
                    del self._room_of_call[participant.call_sid]
                    self._forget_call(participant.call_sid)

    # ------------------------------------------------------------------ reporting

    def _publish(self, snapshot: FloorSnapshot) -> None:
        self._snapshot = snapshot
        if self.on_snapshot is not None:
            try:
                self.on_snapshot(snapshot)
            except Exception:
                _log.exception("floor snapshot listener failed")

    def _failed(self, error: Exception) -> float:
        reason = str(error) if isinstance(error, TwilioAccessError) else "the floor pass failed"
        last = self._snapshot
        self._publish(
            FloorSnapshot(
                queues=last.queues,
                rooms=last.rooms,
                placements=last.placements,
                conferences=last.conferences,
                stats=last.stats,
                at=last.at,
                error=reason,
            )
        )
        if isinstance(error, TwilioHttpError) and error.rate_limited:
            return self._schedule.rate_limited(error.retry_after_s)
        return self._schedule.failed()


__all__ = ["FloorSource"]
