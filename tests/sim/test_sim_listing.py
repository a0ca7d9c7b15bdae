"""Listing calls: newest first, every filter, the paging envelope, and paging while calls churn."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from twilio.rest import Client

from tests.sim.conftest import async_client_for, close_async_client
from tui.sim import EmbeddedSimulator, ManualClock

LONG = '<Response><Pause length="600"/></Response>'
DIAL = '<Response><Dial timeout="20">+14155550999</Dial></Response>'


def inbound(sim: EmbeddedSimulator, from_: str, to: str = "+18889371204", twiml: str = LONG) -> str:
    return sim.engine.create_inbound(from_=from_, to=to, twiml=twiml).sid


async def test_paging_2500_calls_while_traffic_runs_returns_each_exactly_once() -> None:
    """Real clock, arrivals and hang-ups at a high rate while the SDK streams page after page."""
    async with EmbeddedSimulator(seed=5, live_calls=2500, traffic=True, rate=400.0) as sim:
        client = async_client_for(sim)
        try:
            existing = {call.sid for call in sim.engine}
            # Traffic runs from the start: on a busy machine some calls arrive before this line.
            assert len(existing) >= 2500, "the 2,500 calls asked for are there"
            created_before = sim.traffic.created
            victims = sorted(existing)
            random.Random(3).shuffle(victims)
            seen: list[str] = []
            async for call in await client.calls.stream_async(page_size=100):
                assert call.sid is not None
                seen.append(call.sid)
                if len(seen) % 100 == 0:
                    for _ in range(20):  # callers hang up, listed or not yet listed
                        sim.engine.hang_up(victims.pop())
                    await asyncio.sleep(0.02)  # let arrivals happen between pages
            assert len(seen) == len(set(seen)), "a call was listed twice"
            assert existing <= set(seen), "a call that existed when paging began was skipped"
            assert sim.traffic.created - created_before > 50, "no calls arrived meanwhile"
            assert sim.engine.counts()["completed"] > 0, "no calls ended meanwhile"

            live: list[str] = []
            async for call in await client.calls.stream_async(status="in-progress", page_size=250):
                assert call.sid is not None
                live.append(call.sid)
                if len(live) % 250 == 0:
                    for _ in range(20):
                        sim.engine.hang_up(victims.pop())
                    await asyncio.sleep(0.02)
            assert len(live) == len(set(live)), "a live call was listed twice"
        finally:
            await close_async_client(client)


async def test_token_anchors_the_listing_when_calls_are_created_and_end_between_pages(
    sim: EmbeddedSimulator, client: Client
) -> None:
    first_batch = [inbound(sim, f"+1415555{i:04d}") for i in range(30)]
    await sim.advance(5)
    page = await client.calls.page_async(status="in-progress", page_size=10)
    listed = [c.sid for c in page]
    # Between pages: new calls arrive, and two not-yet-listed calls end then a listed one ends.
    for i in range(20):
        inbound(sim, f"+1212555{i:04d}")
    await sim.advance(5)
    sim.engine.hang_up(first_batch[0])  # oldest, on a later page
    sim.engine.hang_up(listed[0])
    while (page := await page.next_page_async()) is not None:
        listed.extend(c.sid for c in page)
    assert len(listed) == len(set(listed))
    assert set(listed) == set(first_batch) - {first_batch[0]}
    assert listed == sorted(listed, key=lambda sid: sim.engine.get(sid).key, reverse=True)  # type: ignore[union-attr]


async def test_envelope_and_previous_page(sim: EmbeddedSimulator, client: Client) -> None:
    sids = [inbound(sim, f"+1303555{i:04d}") for i in range(7)]
    await sim.advance(1)
    first = await client.calls.page_async(page_size=3)
    payload = first._payload
    assert [c.sid for c in first] == sids[::-1][:3]
    assert payload["page"] == 0 and payload["page_size"] == 3
    assert (payload["start"], payload["end"]) == (0, 2)
    assert payload["previous_page_uri"] is None
    base = f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json"
    assert payload["uri"] == f"{base}?PageSize=3&Page=0"
    assert payload["first_page_uri"] == f"{base}?PageSize=3&Page=0"
    assert "PageToken=PA" in payload["next_page_uri"] and "Page=1" in payload["next_page_uri"]
    second = await first.next_page_async()
    assert second is not None
    assert [c.sid for c in second] == sids[::-1][3:6]
    assert (second._payload["page"], second._payload["start"], second._payload["end"]) == (1, 3, 5)
    back = await second.previous_page_async()
    assert back is not None and [c.sid for c in back] == sids[::-1][:3]
    third = await second.next_page_async()
    assert third is not None and [c.sid for c in third] == [sids[0]]
    assert third._payload["next_page_uri"] is None


async def test_filters_status_to_from_and_parent(sim: EmbeddedSimulator, client: Client) -> None:
    a = inbound(sim, "+14155550001", to="+18889371204")
    b = inbound(sim, "+14155550002", to="+442071838750")
    dialer = inbound(sim, "+14155550003", twiml=DIAL)
    ringing = inbound(sim, "+14155550004")
    await sim.advance(1.0)
    child = sim.engine.get(dialer).child_sid  # type: ignore[union-attr]
    assert child is not None
    assert [c.sid for c in await client.calls.list_async(to="+442071838750")] == [b]
    assert [c.sid for c in await client.calls.list_async(from_="+14155550001")] == [a]
    kids = await client.calls.list_async(parent_call_sid=dialer)
    assert [c.sid for c in kids] == [child]
    assert kids[0].direction == "outbound-dial" and kids[0].parent_call_sid == dialer
    assert kids[0].status == "ringing"
    await sim.advance(10)
    assert (await client.calls(child).fetch_async()).status == "in-progress"
    in_progress = {c.sid for c in await client.calls.list_async(status="in-progress")}
    assert {a, b, dialer, ringing, child} == in_progress
    await client.calls(a).update_async(status="completed")
    completed = await client.calls.list_async(status="completed")
    assert [c.sid for c in completed] == [a]
    assert a not in {c.sid for c in await client.calls.list_async(status="in-progress")}
    assert await client.calls.list_async(status="busy") == []


async def test_start_and_end_time_filters(sim: EmbeddedSimulator, client: Client) -> None:
    clock = sim.clock
    assert isinstance(clock, ManualClock)
    hours = '<Response><Pause length="7200"/></Response>'
    early = inbound(sim, "+14155550011", twiml=hours)
    await sim.advance(3600)
    middle_time = datetime.fromtimestamp(clock.now(), UTC)
    late = inbound(sim, "+14155550012", twiml=hours)
    await sim.advance(10)
    await client.calls(early).update_async(status="completed")
    end_of_early = datetime.fromtimestamp(clock.now(), UTC)

    after = await client.calls.list_async(start_time_after=middle_time - timedelta(seconds=1))
    assert [c.sid for c in after] == [late]
    before = await client.calls.list_async(start_time_before=middle_time - timedelta(seconds=1))
    assert [c.sid for c in before] == [early]
    same_day = await client.calls.list_async(start_time=middle_time)
    assert {c.sid for c in same_day} <= {early, late}
    ended = await client.calls.list_async(end_time_after=end_of_early - timedelta(seconds=5))
    assert [c.sid for c in ended] == [early]
    assert await client.calls.list_async(end_time_before=middle_time) == []
    day = middle_time.strftime("%Y-%m-%d")
    by_date = await client.calls.list_async(end_time=day)
    assert [c.sid for c in by_date] == [early] or end_of_early.strftime("%Y-%m-%d") != day


async def test_page_size_bounds_and_default(sim: EmbeddedSimulator, client: Client) -> None:
    for i in range(60):
        inbound(sim, f"+1617555{i:04d}")
    page = await client.calls.page_async()
    assert page._payload["page_size"] == 50 and len(list(page)) == 50
    big = await client.calls.page_async(page_size=1000)
    assert len(list(big)) == 60 and big._payload["next_page_uri"] is None
