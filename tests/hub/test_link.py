"""The link to NATS heals itself, and a NATS URL's credentials never reach a log or the screen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from tests.conftest import live_sids
from tests.hub.conftest import Console, RunningHub, eventually, in_step
from tui.cli import main
from tui.core.models import PollFailed
from tui.hub.embedded import free_port
from tui.hub.link import HubLink, shown_url
from tui.hub.watcher import HubCallSource
from tui.sim import EmbeddedSimulator

PASSWORD = "s3cret-nats-pass"


async def test_a_client_closed_under_the_link_is_replaced(
    sim: EmbeddedSimulator, hub: RunningHub, open_console: Callable[[], Console]
) -> None:
    """nats-py gives a connection up for good in some cases (an authorization error, say):
    console and hub then make a fresh one instead of waiting forever on a closed client."""
    console = open_console()
    await eventually(lambda: in_step(console, sim), "the first view")
    assert hub.service is not None
    for link in (console.link, hub.service.link):
        client = link.client
        assert client is not None
        await client.close()
    ended = sorted(live_sids(sim))[0]
    sim.engine.hang_up(ended)
    await eventually(
        lambda: console.link.client is not None and console.link.client is not client,
        "a fresh client on the console's link",
    )
    await eventually(
        lambda: in_step(console, sim) and ended not in console.source.calls,
        "the console back in step on fresh clients",
    )


def test_shown_url_hides_credentials_of_every_server() -> None:
    url = f"nats://ops:{PASSWORD}@a.example:4222, tls://token{PASSWORD}@b.example:4443"
    shown = shown_url(url)
    assert PASSWORD not in shown
    assert shown == "nats://***@a.example:4222,tls://***@b.example:4443"
    assert shown_url("nats://127.0.0.1:4222") == "nats://127.0.0.1:4222"


async def test_an_unreachable_hub_with_credentials_in_its_url_never_shows_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tui.hub")
    url = f"nats://ops:{PASSWORD}@127.0.0.1:{free_port()}"
    link = HubLink(url, name="test console")
    events: list[object] = []
    source = HubCallSource(link, "AC" + "0" * 32, on_event=events.append)
    try:
        assert not await link.wait_connected(3.0)
        task = asyncio.create_task(source.run())
        await eventually(lambda: bool(events), "a stale report")
        task.cancel()
    finally:
        await link.close()
    failed = [event for event in events if isinstance(event, PollFailed)]
    assert failed and "Cannot reach the hub at nats://***@127.0.0.1" in failed[0].reason
    assert all(PASSWORD not in event.reason for event in failed)
    assert PASSWORD not in caplog.text


def test_a_bad_hub_url_is_refused_without_echoing_its_password(
    tmp_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hub", "--nats", f"http://ops:{PASSWORD}@example.com"]) == 2
    err = capsys.readouterr().err
    assert "nats://" in err and PASSWORD not in err
