"""The REST surface through the real twilio SDK: auth, fetch/create/update/delete, error codes."""

from __future__ import annotations

import base64
import re

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sim.conftest import ThreadedSimulator, async_client_for, close_async_client
from tui.sim import EmbeddedSimulator

RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$"
)
SAY = "<Response><Say>Hello from the test suite, goodbye.</Say></Response>"
LONG = '<Response><Pause length="300"/></Response>'
ANSWERED_BY = 8  # seconds: dialled after 1 s, answered within 6 s of ringing


async def raw(
    sim: EmbeddedSimulator, method: str, path: str, *, auth: tuple[str, str] | None = None,
    data: dict[str, str] | None = None,
) -> tuple[int, dict[str, object], dict[str, str]]:  # fmt: skip
    """One plain HTTP request (no SDK) to see exactly what the simulator answers."""
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, sim.base_url + path, headers=headers, data=data) as response,
    ):
        body = await response.json(content_type=None) if response.status != 204 else {}
        return response.status, body, dict(response.headers)


async def create(client: Client, **kwargs: object) -> str:
    params: dict[str, object] = {"to": "+14155550123", "from_": "+18889371204", "twiml": SAY}
    params.update(kwargs)
    call = await client.calls.create_async(**params)
    assert call.sid is not None
    return call.sid


async def expect_error(awaitable: object, status: int, code: int) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as info:
        await awaitable  # type: ignore[misc]
    assert (info.value.status, info.value.code) == (status, code), info.value.msg
    return info.value


# ------------------------------------------------------------------------------------- auth


async def test_missing_and_wrong_credentials_get_401_with_twilio_error_body(
    sim: EmbeddedSimulator,
) -> None:
    path = f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json"
    status, body, headers = await raw(sim, "GET", path)
    assert status == 401
    assert body["code"] == 20003 and body["status"] == 401
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20003"
    assert "message" in body and headers["WWW-Authenticate"].startswith("Basic")
    status, body, _ = await raw(sim, "GET", path, auth=(sim.account_sid, "wrong"))
    assert (status, body["code"]) == (401, 20003)
    other = "AC" + "1" * 32
    status, body, _ = await raw(
        sim,
        "GET",
        f"/2010-04-01/Accounts/{other}/Calls.json",
        auth=(sim.account_sid, sim.auth_token),
    )
    assert (status, body["code"]) == (401, 20003)


async def test_wrong_token_through_the_sdk_raises_20003(sim: EmbeddedSimulator) -> None:
    from tests.sim.conftest import LoopbackAsyncHttpClient

    bad = Client(sim.account_sid, "0" * 32, http_client=LoopbackAsyncHttpClient(sim.base_url))
    try:
        await expect_error(bad.calls("CA" + "0" * 32).fetch_async(), 401, 20003)
    finally:
        await close_async_client(bad)


async def test_api_key_and_secret_are_accepted(sim: EmbeddedSimulator) -> None:
    client = async_client_for(sim, api_key=True)
    try:
        sid = await create(client)
        fetched = await client.calls(sid).fetch_async()
        assert fetched.account_sid == sim.account_sid
    finally:
        await close_async_client(client)


async def test_account_resource_shows_friendly_name_and_status(
    sim: EmbeddedSimulator, client: Client
) -> None:
    account = await client.api.v2010.accounts(sim.account_sid).fetch_async()
    assert account.friendly_name == "Demo Contact Center"
    assert account.status == "active"
    assert account.sid == sim.account_sid
    assert account.subresource_uris is not None
    assert account.subresource_uris["calls"] == f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json"


# ------------------------------------------------------------------------- the Call resource


async def test_created_call_has_every_callinstance_field_in_twilio_formats(
    sim: EmbeddedSimulator, client: Client
) -> None:
    status, body, _ = await raw(
        sim, "POST", f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json",
        auth=(sim.account_sid, sim.auth_token),
        data={"To": "+14155550123", "From": "+442071838750", "Twiml": SAY},
    )  # fmt: skip
    assert status == 201
    expected = {
        "sid", "date_created", "date_updated", "parent_call_sid", "account_sid", "to",
        "to_formatted", "from", "from_formatted", "phone_number_sid", "status", "start_time",
        "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version",
        "forwarded_from", "group_sid", "caller_name", "queue_time", "stir_verstat", "trunk_sid",
        "uri", "subresource_uris",
    }  # fmt: skip
    assert set(body) == expected
    sid = str(body["sid"])
    assert re.fullmatch(r"CA[0-9a-f]{32}", sid)
    assert body["status"] == "queued" and body["direction"] == "outbound-api"
    # Twilio's create answer: dates not yet set, queue_time "0"; a fetch has the dates.
    assert body["date_created"] is None and body["date_updated"] is None
    assert body["queue_time"] == "0" and body["caller_name"] == "" and body["price"] is None
    assert body["start_time"] is None and body["end_time"] is None and body["duration"] is None
    assert body["to_formatted"] == "(415) 555-0123" and body["from_formatted"] == "+442071838750"
    assert body["api_version"] == "2010-04-01" and body["price_unit"] == "USD"
    assert body["uri"] == f"/2010-04-01/Accounts/{sim.account_sid}/Calls/{sid}.json"
    subresources = body["subresource_uris"]
    assert isinstance(subresources, dict)
    assert subresources["notifications"].endswith(f"/Calls/{sid}/Notifications.json")
    assert {"recordings", "events", "streams", "transcriptions", "payments"} <= set(subresources)
    assert body["answered_by"] is None  # no machine detection asked

    call = await client.calls(sid).fetch_async()
    assert call.sid == sid and call.date_created is not None
    _, fetched, _ = await raw(
        sim, "GET", f"/2010-04-01/Accounts/{sim.account_sid}/Calls/{sid}.json",
        auth=(sim.account_sid, sim.auth_token),
    )  # fmt: skip
    assert RFC2822.match(str(fetched["date_created"]))
    assert RFC2822.match(str(fetched["date_updated"]))


async def test_create_then_lifecycle_to_completed_with_duration_and_price(
    sim: EmbeddedSimulator, client: Client
) -> None:
    sid = await create(client)
    seen = [(await client.calls(sid).fetch_async()).status]
    for _ in range(30):
        await sim.advance(1)
        status = (await client.calls(sid).fetch_async()).status
        if status != seen[-1]:
            seen.append(status)
        if status == "completed":
            break
    assert seen == ["queued", "ringing", "in-progress", "completed"]
    call = await client.calls(sid).fetch_async()
    assert call.start_time is not None and call.end_time is not None
    assert call.duration is not None and int(call.duration) >= 3
    assert int(call.duration) == pytest.approx(
        (call.end_time - call.start_time).total_seconds(), abs=1
    )
    assert call.queue_time == "1000"
    assert call.price is None  # Twilio fills the price a little later
    await sim.advance(30)
    priced = await client.calls(sid).fetch_async()
    assert priced.price is not None and float(priced.price) < 0


async def test_unknown_sid_is_20404_for_fetch_update_and_delete(client: Client) -> None:
    missing = "CA" + "0" * 32
    await expect_error(client.calls(missing).fetch_async(), 404, 20404)
    await expect_error(client.calls(missing).update_async(status="completed"), 404, 20404)
    await expect_error(client.calls(missing).delete_async(), 404, 20404)


async def test_hang_up_a_live_call_and_updates_of_ended_calls_fail_with_21220(
    sim: EmbeddedSimulator, client: Client
) -> None:
    sid = await create(client, twiml=LONG)
    await sim.advance(ANSWERED_BY)
    assert (await client.calls(sid).fetch_async()).status == "in-progress"
    ended = await client.calls(sid).update_async(status="completed")
    assert ended.status == "completed" and ended.end_time is not None
    await expect_error(client.calls(sid).update_async(twiml=SAY), 400, 21220)
    await expect_error(client.calls(sid).update_async(url="https://example.com/x"), 400, 21220)
    await expect_error(client.calls(sid).update_async(status="completed"), 400, 21220)


async def test_cancel_a_queued_call_but_not_an_answered_one(
    sim: EmbeddedSimulator, client: Client
) -> None:
    queued = await create(client)
    canceled = await client.calls(queued).update_async(status="canceled")
    # Twilio: duration "0" and price null for a call that was never answered.
    assert canceled.status == "canceled" and canceled.duration == "0"
    await sim.advance(600)
    assert (await client.calls(queued).fetch_async()).price is None
    answered = await create(client, twiml=LONG)
    await sim.advance(ANSWERED_BY)
    # Twilio documents that canceled does not affect a call in progress, and answers 200.
    unchanged = await client.calls(answered).update_async(status="canceled")
    assert unchanged.status == "in-progress"
    await sim.advance(1)
    assert (await client.calls(answered).fetch_async()).status == "in-progress"


async def test_redirecting_a_queued_call_is_21220(client: Client) -> None:
    sid = await create(client)
    await expect_error(client.calls(sid).update_async(twiml=SAY), 400, 21220)


async def test_twiml_for_a_ringing_call_is_accepted_and_runs_when_answered(
    sim: EmbeddedSimulator, client: Client
) -> None:
    sid = await create(client, twiml=LONG)
    for _ in range(20):
        if (await client.calls(sid).fetch_async()).status == "ringing":
            break
        await sim.advance(0.2)
    accepted = await client.calls(sid).update_async(twiml=SAY)
    assert accepted.status == "ringing"
    await sim.advance(ANSWERED_BY + 30)  # answered, then the short <Say> instead of LONG
    assert (await client.calls(sid).fetch_async()).status == "completed"


async def test_delete_only_an_ended_call(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await create(client)
    await expect_error(client.calls(sid).delete_async(), 400, 21220)
    await client.calls(sid).update_async(status="canceled")
    assert await client.calls(sid).delete_async() is True
    await expect_error(client.calls(sid).fetch_async(), 404, 20404)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"to": ""}, 21201),
        ({"from_": ""}, 21213),
        ({"to": "12345"}, 21211),
        ({"url": "not a url", "twiml": None}, 21205),
        ({"url": "ftp://example.com/x", "twiml": None}, 21205),
        ({"twiml": None}, 21205),
        ({"timeout": -5}, 21208),
        ({"method": "PUT", "url": "https://example.com/x", "twiml": None}, 21209),
        ({"twiml": "<Response><Say>" + "x" * 4000 + "</Say></Response>"}, 32018),
        ({"twiml": "<Response><Say>unclosed</Response>"}, 12100),
        ({"status_callback": "nope"}, 21205),
        ({"status_callback_event": ["initiated", "exploded"], "status_callback": "https://e.com/"},
         21626),
    ],
)  # fmt: skip
async def test_bad_or_missing_create_parameters_get_400_with_the_right_code(
    client: Client, params: dict[str, object], code: int
) -> None:
    call_params: dict[str, object] = {"to": "+14155550123", "from_": "+18889371204", "twiml": SAY}
    call_params.update(params)
    call_params = {k: v for k, v in call_params.items() if v is not None}
    await expect_error(client.calls.create_async(**call_params), 400, code)


async def test_bad_update_parameters_get_400(sim: EmbeddedSimulator, client: Client) -> None:
    sid = await create(client, twiml=LONG)
    await sim.advance(ANSWERED_BY)
    await expect_error(client.calls(sid).update_async(url="javascript:alert(1)"), 400, 21205)
    await expect_error(client.calls(sid).update_async(fallback_url="x"), 400, 21205)
    await expect_error(client.calls(sid).update_async(status="ringing"), 400, 20001)
    await expect_error(client.calls(sid).update_async(twiml="<Nope"), 400, 12100)
    await expect_error(client.calls(sid).update_async(time_limit=0), 400, 20001)
    assert (await client.calls(sid).fetch_async()).status == "in-progress"


async def test_unknown_paths_are_20404_and_list_parameters_are_checked(
    sim: EmbeddedSimulator,
) -> None:
    auth = (sim.account_sid, sim.auth_token)
    base = f"/2010-04-01/Accounts/{sim.account_sid}"
    status, body, _ = await raw(sim, "GET", f"{base}/Messages.json", auth=auth)
    assert (status, body["code"]) == (404, 20404)
    for query in ("PageSize=0", "PageSize=1001", "PageSize=ten", "Status=thinking",
                  "StartTime>=yesterday", "PageToken=bogus", "ParentCallSid=CA12"):  # fmt: skip
        status, body, _ = await raw(sim, "GET", f"{base}/Calls.json?{query}", auth=auth)
        assert status == 400, query
        assert isinstance(body["code"], int) and body["status"] == 400


async def test_responses_carry_twilio_request_headers(sim: EmbeddedSimulator) -> None:
    _, _, headers = await raw(
        sim, "GET", f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json",
        auth=(sim.account_sid, sim.auth_token),
    )  # fmt: skip
    assert headers["Twilio-Request-Id"].startswith("RQ")
    assert float(headers["Twilio-Request-Duration"]) >= 0
    assert int(headers["Twilio-Concurrent-Requests"]) >= 1
    record = sim.request_log[-1]
    assert (record.method, record.status) == ("GET", 200)
    assert record.path.endswith("/Calls.json")


def test_sync_client_round_trip(threaded_sim: ThreadedSimulator, sync_client: Client) -> None:
    """The blocking SDK client: create, fetch, list, update (TwiML) and hang up, then delete."""
    call = sync_client.calls.create(to="+14155550123", from_="+18889371204", twiml=LONG)
    assert call.sid is not None and call.status == "queued"
    threaded_sim.run(lambda: threaded_sim.sim.advance(ANSWERED_BY))
    assert sync_client.calls(call.sid).fetch().status == "in-progress"
    listed = sync_client.calls.list(status="in-progress")
    assert [c.sid for c in listed] == [call.sid]
    updated = sync_client.calls(call.sid).update(twiml="<Response><Pause length='30'/></Response>")
    assert updated.status == "in-progress"
    assert sync_client.calls(call.sid).update(status="completed").status == "completed"
    with pytest.raises(TwilioRestException) as info:
        sync_client.calls(call.sid).update(status="completed")
    assert info.value.code == 21220
    assert sync_client.calls(call.sid).delete() is True
