"""Credentials go to the configured API origin only: paging links elsewhere are never followed."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.core.listing_server import call_record, listing_server, page
from tui.core.links import Origin, configured_origin, origin_of, resolve_link
from tui.core.models import PollEvent, PollFailed, PollSucceeded
from tui.core.poller import LiveCallPoller
from tui.core.twilio_client import TwilioAccess, TwilioLinkRefused


def test_origin_compares_scheme_host_and_port() -> None:
    api = Origin("https", "api.twilio.com", 443)
    assert origin_of("https://api.twilio.com/2010-04-01/x") == api
    assert origin_of("https://API.twilio.com:443/x") == api
    assert origin_of("http://api.twilio.com/x") != api
    assert origin_of("https://api.twilio.com:8443/x") != api
    assert origin_of("https://api.twilio.com.evil.example/x") != api
    assert origin_of("https://api.twilio.com@evil.example/x") is None  # user-info trick
    assert origin_of("https://api.twilio.com\\@evil.example/x") is None
    assert origin_of("/2010-04-01/x") is None
    assert origin_of("ftp://api.twilio.com/x") is None
    assert str(configured_origin(None, "ie1", "dublin")) == "https://api.dublin.ie1.twilio.com"
    assert str(configured_origin(None, None, "sydney")) == "https://api.sydney.us1.twilio.com"
    assert configured_origin("http://127.0.0.1:8080/", None, None) == Origin(
        "http", "127.0.0.1", 8080
    )


def test_relative_links_stay_on_the_base() -> None:
    base = "https://api.twilio.com"
    assert resolve_link(base, "/2010-04-01/a.json?Page=1") == base + "/2010-04-01/a.json?Page=1"
    assert resolve_link(base, "a.json") == base + "/a.json"
    # A scheme-relative link is a path on the API host, not a jump to another host.
    assert str(origin_of(resolve_link(base, "//evil.example/x"))) == base


@pytest.mark.parametrize(
    "shape",
    ["other-port", "userinfo", "other-host-name", "https-upgrade"],
)
async def test_a_foreign_next_page_link_fails_the_pass_and_sends_nothing(shape: str) -> None:
    async with listing_server(lambda _r: page([call_record(1)])) as elsewhere:
        foreign_port = elsewhere.base_url.rsplit(":", 1)[1]

        def serve(request: web.Request) -> dict[str, object]:
            host_port = f"127.0.0.1:{request.url.port}"
            links = {
                "other-port": f"{elsewhere.base_url}/2010-04-01/Calls.json?Page=1",
                "userinfo": f"http://{host_port}@127.0.0.1:{foreign_port}/Calls.json?Page=1",
                "other-host-name": f"http://localhost:{request.url.port}/Calls.json?Page=1",
                "https-upgrade": f"https://{host_port}/Calls.json?Page=1",
            }
            return page([call_record(2)], next_page_uri=links[shape])

        async with listing_server(serve) as api:
            events: list[PollEvent] = []
            async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
                poller = LiveCallPoller(access, on_event=events.append)
                await poller.poll_once()
            assert isinstance(events[-1], PollFailed)
            reason = events[-1].reason
            assert "did not follow Twilio's next-page link" in reason
            assert "nothing was sent" in reason
            assert "Page=1" not in reason and "@" not in reason
            assert elsewhere.requests == []  # the foreign origin never heard from us
            assert all(not seen.query.get("Page") for seen in api.requests)
            assert poller.calls == {}  # the failed pass changed nothing


async def test_links_on_the_api_origin_are_followed_absolute_or_relative() -> None:
    def serve(request: web.Request) -> dict[str, object]:
        pages = {
            None: page([call_record(1)], f"{request.url.origin()}{request.path}?Page=1"),
            "1": page([call_record(2)], f"{request.path}?Page=2"),
            "2": page([call_record(3)], "Calls.json?Page=3"),
            "3": page([call_record(4)]),
        }
        if request.query.get("Status") not in (None, "in-progress"):
            return page([])
        return pages[request.query.get("Page")]

    async with listing_server(serve) as api:
        events: list[PollEvent] = []
        async with TwilioAccess(api.credentials(), timeout_s=5.0) as access:
            poller = LiveCallPoller(access, on_event=events.append)
            await poller.poll_once()
        assert isinstance(events[-1], PollSucceeded), events[-1]
        assert events[-1].stats.total_live == 4
        assert [seen.query.get("Page") for seen in api.requests if seen.query.get("Page")] == [
            "1",
            "2",
            "3",
        ]


async def test_the_sdk_never_fetches_a_url_off_the_origin() -> None:
    async with (
        listing_server(lambda _r: page([])) as elsewhere,
        listing_server(lambda _r: page([])) as api,
        TwilioAccess(api.credentials(), timeout_s=5.0) as access,
    ):
        with pytest.raises(TwilioLinkRefused, match="nothing was sent"):
            await access.client.request_async("GET", f"{elsewhere.base_url}/x.json")
        with pytest.raises(TwilioLinkRefused):
            await access.get_json(f"{elsewhere.base_url}/2010-04-01/Accounts.json")
        await access.get_json(f"{api.base_url}/2010-04-01/Accounts.json")
        assert elsewhere.requests == [] and len(api.requests) == 1
