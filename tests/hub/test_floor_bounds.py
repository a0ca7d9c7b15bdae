"""What the hub publishes about the floor, and what a console reads back, stays bounded.

A floor Twilio lists (or a hostile value in the bucket) can be far larger than a screen needs:
huge names, thousands of callers, a room of two thousand legs. None of it may grow a NATS value
past its bound, and none of it may become a key: keys are built from validated SIDs only.
"""

from __future__ import annotations

import json

from tests.hub.conftest import FIXTURE_TIMEOUT_S
from tui.core.floor.models import Conference, Member, Participant, Queue, QueueView, RoomView
from tui.hub import floor_layout as fl
from tui.hub.embedded import EmbeddedNats
from tui.hub.floor_interest import MAX_CALLS, MAX_ROOMS, FloorInterests, Interest
from tui.hub.link import HubLink

HUGE = "x" * 100_000


def _sid(prefix: str, n: int) -> str:
    return f"{prefix}{n:032x}"


def test_a_huge_queue_listing_is_published_within_bounds_head_first() -> None:
    queues = [
        QueueView(
            Queue(_sid("QU", q), HUGE, 300, 10, 1000),
            tuple(
                Member(_sid("CA", q * 1000 + i), _sid("QU", q), i + 1, 5, HUGE) for i in range(300)
            ),
        )
        for q in range(600)
    ]
    data = fl.encode_queues(queues)
    assert len(data) <= fl.MAX_VALUE_BYTES
    decoded = fl.decode_queues(data)
    assert decoded is not None
    assert len(decoded) == fl.MAX_QUEUES
    assert sum(len(view.members) for view in decoded) <= fl.MAX_MEMBERS
    assert all(view.members[0].position == 1 for view in decoded)  # every queue keeps its head
    assert all(len(view.queue.friendly_name) == fl.MAX_TEXT for view in decoded)
    assert decoded[0].queue.current_size == 300  # the size stays true when members are cut


def test_a_crowded_room_is_published_within_bounds_and_bad_sids_never_become_keys() -> None:
    room = _sid("CF", 1)
    legs = tuple(
        Participant(_sid("CA", i), room, HUGE, "connected", False, False, False, None)
        for i in range(2_000)
    )
    conference = Conference(room, HUGE, "in-progress")
    data = fl.encode_room(conference, RoomView(conference, legs, None, 1.0))
    assert len(data) <= fl.MAX_VALUE_BYTES
    decoded = fl.decode_room(room, data)
    assert decoded is not None and decoded[1] is not None
    assert len(decoded[1].participants) == fl.MAX_PARTICIPANTS
    assert fl.decode_room(_sid("CF", 2), data) is None  # a value under another room's key
    assert fl.decode_room(room, b"[" * (fl.MAX_VALUE_BYTES + 1)) is None
    for bad in ("CF../../x", "room.>", "CF" + "A" * 32, f"{room}.x", ""):
        assert fl.room_key(bad) is None


def test_the_hub_ignores_interests_that_are_not_sids_and_bounds_the_rest() -> None:
    interests = FloorInterests()
    rooms = [_sid("CF", i) for i in range(100)]
    calls = [_sid("CA", i) for i in range(300)]
    message = {"console": "ana-1", "rooms": [*rooms, "room.>", 5], "calls": calls, "now": True}
    changed, now = interests.take(json.dumps(message).encode())
    assert changed and now
    assert len(interests.rooms) == MAX_ROOMS and len(interests.calls) == MAX_CALLS
    assert all(fl.is_conference_sid(sid) for sid in interests.rooms)
    assert interests.take(b"\xff not json") == (False, False)
    assert interests.take(json.dumps({**message, "console": "a.b>"}).encode()) == (False, False)
    assert Interest.decode(b" " * 20_000) is None
    # "Now" from every console at once starts one pass, not one per console.
    again = Interest("ben-1", rooms=(rooms[0],), now=True).encode()
    assert interests.take(again) == (False, False)


async def test_the_floor_bucket_refuses_a_value_over_the_bound(nats_server: EmbeddedNats) -> None:
    link = HubLink(nats_server.url, name="bounds")
    try:
        assert await link.wait_connected(FIXTURE_TIMEOUT_S)
        kv = await link.bucket(fl.floor_bucket(_sid("AC", 1)), max_value_size=fl.MAX_VALUE_BYTES)
        await kv.put(fl.QUEUES_KEY, b"[]")
        try:
            await kv.put(fl.QUEUES_KEY, b" " * (fl.MAX_VALUE_BYTES + 1))
        except Exception as error:
            assert "maximum" in str(error).lower() or "size" in str(error).lower(), error
        else:
            raise AssertionError("the bucket took a value over its bound")
        assert (await kv.get(fl.QUEUES_KEY)).value == b"[]"
    finally:
        await link.close()
