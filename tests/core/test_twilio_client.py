"""TwilioAccess: the base-URL override, timeouts, errors in plain words, and no leaked secrets."""

from __future__ import annotations

import email.utils
import json
import logging
import socket
import time

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.conftest import credentials_for
from tui.core.credentials import Credentials
from tui.core.secret import Secret
from tui.core.twilio_client import (
    TwilioAccess,
    TwilioHttpError,
    TwilioUnreachable,
    _CallboardHttpClient,
    http_error,
    parse_retry_after,
)
from tui.sim import EmbeddedSimulator

ACCOUNT = "AC" + "0" * 32
TOKEN = "s3cr3t-token-do-not-print-0123456789"


@pytest.fixture
def refused_url() -> str:
    """A loopback URL nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ----------------------------------------------------------------- against the simulator


async def test_account_name_and_listing_through_the_sdk(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    assert await access.fetch_account_name() == sim.friendly_name
    payload, size, headers = await access.get_json(
        f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json", {"PageSize": "5"}
    )
    assert isinstance(payload, dict) and len(payload["calls"]) == 5
    assert size > 1000 and headers["Content-Type"].startswith("application/json")
    # Every request went to the simulator with the SDK's headers and basic auth.
    assert [r.path for r in sim.request_log][-2:] == [
        f"/2010-04-01/Accounts/{sim.account_sid}.json",
        f"/2010-04-01/Accounts/{sim.account_sid}/Calls.json",
    ]


async def test_sdk_calls_use_the_same_client(sim: EmbeddedSimulator, access: TwilioAccess) -> None:
    sid = next(call.sid for call in sim.engine if call.is_live)
    instance = await access.client.calls(sid).fetch_async()
    assert instance.sid == sid


async def test_errors_carry_status_code_and_retry_after(
    sim: EmbeddedSimulator, access: TwilioAccess
) -> None:
    with pytest.raises(TwilioHttpError) as missing:
        await access.get_json(f"/2010-04-01/Accounts/{sim.account_sid}/Calls/CA{'0' * 32}.json")
    assert (missing.value.status, missing.value.code) == (404, 20404)

    sim.faults.set("rate_limit=1.0,retry_after=4")
    with pytest.raises(TwilioHttpError) as limited:
        await access.get_json(f"/2010-04-01/Accounts/{sim.account_sid}.json")
    assert limited.value.rate_limited and limited.value.retry_after_s == 4.0


async def test_every_request_has_a_timeout(sim: EmbeddedSimulator) -> None:
    sim.faults.set("latency=2s")
    async with TwilioAccess(credentials_for(sim), timeout_s=0.2) as access:
        started = time.monotonic()
        with pytest.raises(TwilioUnreachable) as caught:
            await access.fetch_account_name()
        assert time.monotonic() - started < 1.0
    assert caught.value.timed_out
    assert str(caught.value) == "Twilio did not answer within 0.2 s."


async def test_the_token_never_reaches_messages_logs_or_reprs(
    sim: EmbeddedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-0123456789abcdef0123"
    async with TwilioAccess(credentials_for(sim, token=wrong)) as access:
        assert wrong not in repr(access) and wrong not in repr(access.client)
        with pytest.raises(TwilioHttpError) as refused:
            await access.fetch_account_name()
    assert refused.value.auth_refused and "refused the credentials" in str(refused.value)
    async with TwilioAccess(credentials_for(sim)) as good:
        await good.fetch_account_name()
        with pytest.raises(TwilioRestException) as missing:
            await good.client.calls("CA" + "1" * 32).fetch_async()  # SDK path, 404
    for text in (str(refused.value), repr(refused.value), str(missing.value), caplog.text):
        assert wrong not in text and sim.auth_token not in text


# ----------------------------------------------------------------- pure helpers


def _creds(api_url: str | None = None) -> Credentials:
    return Credentials(
        account_sid=ACCOUNT, username=ACCOUNT, password=Secret(TOKEN), api_url=api_url
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.twilio.com/2010-04-01/A.json", "http://127.0.0.1:9/2010-04-01/A.json"),
        ("https://api.dublin.ie1.twilio.com/2010-04-01/x", "http://127.0.0.1:9/2010-04-01/x"),
        ("https://api.ie1.twilio.com/2010-04-01/x", "http://127.0.0.1:9/2010-04-01/x"),
        ("https://api.twilio.com", "http://127.0.0.1:9"),
        ("https://video.twilio.com/v1/Rooms", "https://video.twilio.com/v1/Rooms"),
        ("https://api.twilio.com.evil.example/x", "https://api.twilio.com.evil.example/x"),
    ],
)
def test_api_hosts_are_rewritten_to_api_url(url: str, expected: str) -> None:
    client = _CallboardHttpClient(timeout_s=1.0, api_url="http://127.0.0.1:9/")
    assert client.rewrite(url) == expected


def test_without_api_url_nothing_is_rewritten() -> None:
    client = _CallboardHttpClient(timeout_s=1.0, api_url=None)
    assert client.rewrite("https://api.twilio.com/x") == "https://api.twilio.com/x"


async def test_regional_credentials_reach_the_override(
    sim: EmbeddedSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK builds the regional host from region + edge; only then is it sent to api_url."""
    built: list[str] = []
    rewrite = _CallboardHttpClient.rewrite

    def recorded(self: _CallboardHttpClient, url: str) -> str:
        built.append(url)
        return rewrite(self, url)

    monkeypatch.setattr(_CallboardHttpClient, "rewrite", recorded)
    regional = Credentials(
        account_sid=sim.account_sid,
        username=sim.account_sid,
        password=Secret(sim.auth_token),
        region="ie1",
        edge="dublin",
        api_url=sim.base_url,
    )
    async with TwilioAccess(regional) as access:
        assert await access.fetch_account_name() == sim.friendly_name
    assert built, "no request went through the HTTP client"
    assert all(url.startswith("https://api.dublin.ie1.twilio.com/") for url in built), built


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), (" 1.5 ", 1.5), ("-3", 0.0), ("soon", None), (None, None), ("", None)],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = parse_retry_after(when)
    assert seconds is not None and 25 <= seconds <= 31


def test_http_error_sentences() -> None:
    body = json.dumps({"code": 20429, "message": "Too Many Requests", "status": 429})
    limited = http_error(429, body, {"Retry-After": "3"})
    assert limited.rate_limited and limited.retry_after_s == 3.0 and limited.code == 20429
    assert "rate limiting" in str(limited) and "3 s" in str(limited)

    refused = http_error(401, json.dumps({"code": 20003, "message": "Authenticate"}), {})
    assert refused.auth_refused and "refused the credentials" in str(refused)

    broken = http_error(503, "<html>\n\x1b[31mdown</html>", {})
    assert broken.code is None and str(broken) == "Twilio answered HTTP 503."


async def test_repr_and_refused_connection_never_show_the_token(refused_url: str) -> None:
    access = TwilioAccess(_creds(refused_url), timeout_s=0.5)
    assert TOKEN not in repr(access)
    async with access:
        assert TOKEN not in repr(access)
        with pytest.raises(TwilioUnreachable) as caught:
            await access.get_json("/2010-04-01/Accounts.json")
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert str(caught.value) == "Could not connect to Twilio (connection refused)."
    with pytest.raises(RuntimeError):
        _ = access.client  # closed
