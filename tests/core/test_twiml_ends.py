"""Which TwiML ends the call, said before it is sent; built-in snippets do what their names say."""

from __future__ import annotations

import pytest

from tests.conftest import call_status, credentials_for, make_simulator
from tui.core.actions import ActionService
from tui.core.call_parsing import call_from_json
from tui.core.snippets import BUILTIN_SNIPPETS
from tui.core.twilio_client import TwilioAccess
from tui.core.twiml_ends import call_ending, ends_call

ENDS = [
    ("<Response><Say>Goodbye.</Say></Response>", "no <Dial>, <Enqueue> or <Redirect>"),
    ("<Response><Say>Please hold.</Say><Pause length=\"30\"/></Response>", "<Pause> finishes"),
    ("<Response><Hangup/></Response>", "reaches <Hangup/>"),
    ("<Response><Say>Bye</Say><Hangup/><Redirect>https://x.example/a</Redirect></Response>",
     "<Hangup/>"),
    ("<Response><Reject/></Response>", "<Reject/>"),
    ("<Response><Play loop=\"3\">https://x.example/m.mp3</Play></Response>", "<Play> finishes"),
    ("<Response><Gather action=\"https://x.example/g\"><Say>Press 1</Say></Gather></Response>",
     "<Gather> finishes"),
]  # fmt: skip
GOES_ON = [
    "<Response><Say>Transferring.</Say><Dial><Number>+14155550100</Number></Dial></Response>",
    "<Response><Enqueue>support</Enqueue></Response>",
    "<Response><Say>One moment</Say><Redirect>https://x.example/ivr</Redirect><Hangup/></Response>",
    '<Response><Say>Please hold.</Say><Play loop="0">https://x.example/m.mp3</Play></Response>',
    '<Response><Gather action="https://x.example/g"><Say>Press 1</Say></Gather>'
    "<Redirect>https://x.example/menu</Redirect></Response>",
    '<Response><Connect><Stream url="wss://x.example/s"/></Connect></Response>',
]


@pytest.mark.parametrize(("twiml", "why"), ENDS)
def test_twiml_that_ends_the_call_says_so_and_why(twiml: str, why: str) -> None:
    ending = call_ending(twiml)
    assert ending.ends and ends_call(twiml)
    assert ending.reason.startswith("This TwiML ends the call") and why in ending.reason


@pytest.mark.parametrize("twiml", GOES_ON)
def test_twiml_that_hands_the_call_on_does_not_end_it(twiml: str) -> None:
    ending = call_ending(twiml)
    assert not ending.ends and ending.reason.startswith("The call goes on")


def test_builtin_snippets_do_what_their_names_say() -> None:
    endings = {s.key: ends_call(s.render(s.example_values())) for s in BUILTIN_SNIPPETS}
    assert endings == {
        "announce": False,  # announces, then holds the caller with music
        "hold-music": False,
        "dial-agent": False,
        "enqueue": False,
        "hang-up": True,
    }


async def test_the_announcement_keeps_the_caller_on_the_line_in_the_simulator(
    tmp_env: object,
) -> None:
    """Against the simulator (which ends calls whose TwiML runs out, as Twilio does)."""
    announce = next(s for s in BUILTIN_SNIPPETS if s.key == "announce")
    async with (
        make_simulator() as sim,
        TwilioAccess(credentials_for(sim)) as access,
    ):
        record = next(c for c in sim.engine if c.status == "in-progress")
        payload, _, _ = await access.get_json(
            f"/2010-04-01/Accounts/{sim.account_sid}/Calls/{record.sid}.json"
        )
        assert isinstance(payload, dict)
        service = ActionService(access, None, operator="t")
        [result] = await service.inject_twiml(
            [call_from_json(payload)], announce.render(announce.example_values())
        )
        assert result.outcome.value == "applied", result.message
        await sim.advance(120)  # the words are long said; the music plays on
        assert await call_status(access, record.sid) == "in-progress"
        silent = "<Response><Say>Please hold.</Say></Response>"
        [ended] = await service.inject_twiml([call_from_json(payload)], silent)
        await sim.advance(30)
        assert ended.outcome.value == "applied"
        assert await call_status(access, record.sid) == "completed"
