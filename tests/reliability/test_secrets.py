"""A known secret, a full session, then a grep of everything the session left behind.

The session runs the real app against a simulator that accepts a distinctive auth token (and an
API key with a distinctive secret), with logging at DEBUG to a file the way ``tui.cli`` sets it
up, the ``twilio`` and ``aiohttp`` loggers included. It takes actions that succeed, that meet
20404 and 21220, and that time out (unknown outcome); it polls with a wrong token (401) and against
a closed port (connection refused); it saves screenshots. Then every log file, the audit log, the
screenshots, every toast, the ``repr()`` of the back-end objects and the text and traceback of
every exception on those paths are searched for the secret, raw and as it travels in a Basic
``Authorization`` header (base64 of ``user:secret``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import socket
import traceback
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import RecordingApp, wait_until
from tests.ui.test_app import LONG_HOLD, show_only
from tui.core.config import Profile, Settings, audit_log_path, load_settings, log_dir
from tui.core.credentials import Credentials
from tui.core.errors import CallboardError
from tui.core.secret import Secret
from tui.core.session import Backend, backend_factory
from tui.core.twilio_client import TwilioAccess
from tui.sim import EmbeddedSimulator, ManualClock

TOKEN = "s3cr3t-" + secrets.token_hex(12)
KEY_SECRET = "k3ysecr3t-" + secrets.token_hex(12)
WRONG_TOKEN = "wr0ng-" + secrets.token_hex(12)
SIZE = (150, 40)


def needles(*logins: tuple[str, str]) -> list[str]:
    """Each secret raw, and base64 of ``user:secret`` as in an ``Authorization: Basic`` header."""
    found = [TOKEN, KEY_SECRET, WRONG_TOKEN]
    for user, password in logins:
        found.append(base64.b64encode(f"{user}:{password}".encode()).decode())
    return found


@pytest.fixture
def debug_log(tmp_env: Path) -> Iterator[Path]:
    """File logging as ``tui.cli._configure_logging`` does it, but at DEBUG for every logger."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / "callboard.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "twilio", "aiohttp", "tui")}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def secret_sim(tmp_env: Path) -> AsyncIterator[EmbeddedSimulator]:
    simulator = EmbeddedSimulator(seed=5, live_calls=8, clock=ManualClock(), auth_token=TOKEN)
    simulator.api_key_secret = KEY_SECRET  # read when the server is built, at start
    async with simulator:
        yield simulator


def _credentials(
    sim: EmbeddedSimulator, *, api_key: bool = False, **changes: object
) -> Credentials:
    credentials = Credentials(
        account_sid=sim.account_sid,
        username=sim.api_key_sid if api_key else sim.account_sid,
        password=Secret(KEY_SECRET if api_key else TOKEN),
        api_url=sim.base_url,
        source="test simulator",
    )
    return replace(credentials, **changes)  # type: ignore[arg-type]


def _settings() -> Settings:
    return replace(load_settings(), poll_interval_s=0.5, request_timeout_s=1.0)


async def _answered(access: TwilioAccess, sim: EmbeddedSimulator, to: str) -> str:
    call = await access.client.calls.create_async(to=to, from_="+14155550100", twiml=LONG_HOLD)
    await sim.advance(10)
    return str(call.sid)


def _read_files(debug_log: Path, shots: Path) -> dict[str, str]:
    """Every file the session wrote: logs, the audit log, the screenshots."""
    files = [p for p in log_dir().rglob("*") if p.is_file()] + list(shots.glob("*.svg"))
    assert debug_log in files and audit_log_path() in files
    assert debug_log.stat().st_size > 0 and len(list(shots.glob("*.svg"))) == 3
    return {str(path): path.read_text(errors="replace") for path in files}


def has_backend(screen: Any) -> bool:
    return screen.backend is not None


def shows(widget: Any, text: str) -> bool:
    return text in str(widget.render())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_secret_appears_nowhere(
    secret_sim: EmbeddedSimulator, debug_log: Path, tmp_env: Path
) -> None:
    sim = secret_sim
    seen: list[str] = []  # every text the session produced that is not a file
    errors: list[BaseException] = []
    shots = tmp_env / "shots"
    settings = _settings()

    for api_key in (False, True):
        credentials = _credentials(sim, api_key=api_key)
        async with TwilioAccess(credentials) as access:
            ok, gone, ended, slow = [
                await _answered(access, sim, f"+1415555014{i}{int(api_key)}") for i in range(4)
            ]
            app = RecordingApp(backend_factory(credentials, settings), settings, mode_label="T")
            async with app.run_test(size=SIZE) as pilot:
                screen = app.main_screen
                await wait_until(pilot, partial(has_backend, screen), "the back end")

                async def act(keys: tuple[str, ...], *toasts: str) -> None:
                    """Press ``keys``; wait for a toast saying one of ``toasts``."""
                    count = len(app.toasts)  # noqa: B023
                    await pilot.press(*keys)
                    await pilot.pause(0.3)
                    if keys[0] == "t":
                        await pilot.press("ctrl+s")
                    await wait_until(
                        pilot,
                        lambda: (
                            len(app.toasts) > count  # noqa: B023
                            and any(toast in app.toast_text() for toast in toasts)  # noqa: B023
                        ),
                        " or ".join(toasts),
                        8,
                    )
                    await pilot.press("escape")

                # A call that is gone may be refused by Twilio, or (when a poll saw it go first)
                # not sent at all: the cursor's call ended, or it ended while the dialog was open.
                gone_notes = ("Call ended", "Not sent")

                await show_only(pilot, app, ok)
                await act(("h", "y"), "Hang-up applied")
                await show_only(pilot, app, gone)
                record = sim.engine.get(gone)
                assert record is not None
                sim.engine._forget(record)  # Twilio no longer knows the call: 20404
                await act(("h", "y"), "no longer exists", *gone_notes)
                await show_only(pilot, app, ended)
                await access.client.calls(ended).update_async(status="completed")
                await act(("t",), "21220", *gone_notes)
                await show_only(pilot, app, slow)
                sim.faults.set("latency=1500ms")  # longer than the 1 s request timeout
                await act(("h", "y"), "unknown outcome")
                sim.faults.clear()
                shots.mkdir(exist_ok=True)
                app.save_screenshot(filename=f"session-{int(api_key)}.svg", path=str(shots))
                seen.append(app.export_screenshot())
                seen.append(app.toast_text())
                backend = screen.backend
                assert isinstance(backend, Backend)
                seen += [repr(backend), repr(backend.access), repr(backend.credentials)]
                seen += [repr(backend.poller), repr(backend.actions), repr(backend.audit)]
                seen += [str(backend.credentials), repr(backend.credentials.password)]
            seen.append(repr(app.settings))

    # Polls that fail: a wrong token (401) and nobody listening (connection refused).
    for credentials, expected in (
        (_credentials(sim, password=Secret(WRONG_TOKEN)), "refused the credentials"),
        (_credentials(sim, api_url=f"http://127.0.0.1:{_closed_port()}"), "connection refused"),
    ):
        async with TwilioAccess(credentials, timeout_s=1.0) as access:
            for attempt in (access.fetch_account_name(), access.client.calls.list_async(limit=1)):
                try:
                    await attempt
                except Exception as error:
                    errors.append(error)
        app = RecordingApp(backend_factory(credentials, settings), settings, mode_label="T")
        async with app.run_test(size=SIZE) as pilot:
            header = app.main_screen.query_one("#status")
            await wait_until(
                pilot,
                partial(shows, header, expected),
                f"the header to say {expected}",
            )
            await pilot.pause(0.6)
            seen.append(app.export_screenshot())
            seen.append(app.toast_text())
            app.save_screenshot(filename="failing.svg", path=str(shots))
    assert any(isinstance(e, CallboardError) for e in errors)

    # Objects that hold the secret.
    profile = Profile(name="day", account_sid=sim.account_sid, auth_token=Secret(TOKEN))
    keyed = Profile(
        name="key",
        account_sid=sim.account_sid,
        api_key=sim.api_key_sid,
        api_secret=Secret(KEY_SECRET),
    )
    seen += [repr(profile), repr(keyed), repr(replace(settings, profiles={"day": profile}))]
    for caught in errors:
        seen += [str(caught), repr(caught), "".join(traceback.format_exception(caught))]
        if caught.__cause__ is not None or caught.__context__ is not None:
            seen.append(repr(caught.__cause__) + repr(caught.__context__))

    haystacks = _read_files(debug_log, shots)
    haystacks.update({f"text #{i}": text for i, text in enumerate(seen)})
    for needle in needles(
        (sim.account_sid, TOKEN), (sim.api_key_sid, KEY_SECRET), (sim.account_sid, WRONG_TOKEN)
    ):
        leaks = [where for where, text in haystacks.items() if needle in text]
        assert leaks == [], f"the secret {needle[:8]}… appears in {leaks}"
    # And the session did what it claims: every path ran.
    toasts = "\n".join(seen)
    for word in ("applied", "unknown outcome"):
        assert word in toasts
    for either in (("no longer exists", "Call ended", "Not sent"), ("21220", "Not sent")):
        assert any(word in toasts for word in either), either
    logged = haystacks[str(debug_log)]
    assert "401" in logged or "refused the credentials" in logged


def test_the_standalone_simulator_binds_loopback_and_checks_credentials() -> None:
    """The default host is 127.0.0.1; the server refuses a wrong token and a missing one."""
    from tui.sim.standalone import build_parser

    assert build_parser().parse_args([]).host == "127.0.0.1"

    async def check() -> list[int]:
        import aiohttp

        async with EmbeddedSimulator(seed=3, auth_token=TOKEN) as simulator:
            assert simulator.base_url.startswith("http://127.0.0.1:")
            url = f"{simulator.base_url}/2010-04-01/Accounts/{simulator.account_sid}/Calls.json"
            statuses = []
            async with aiohttp.ClientSession() as session:
                for header in (
                    None,
                    aiohttp.encode_basic_auth(simulator.account_sid, WRONG_TOKEN),
                    aiohttp.encode_basic_auth(simulator.account_sid, TOKEN),
                ):
                    headers = {"Authorization": header} if header else {}
                    async with session.get(url, headers=headers) as response:
                        statuses.append(response.status)
            return statuses

    assert asyncio.run(check()) == [401, 401, 200]
