"""The soak's supervisor: hang up or inject TwiML as a person would, and read the outcomes.

Split from ``soak.py``: picks an answered call not acted on before, opens the dialog (pressing
again after a "Call ended" note, as a supervisor would), confirms, and notes the confirmation in
the ledger; a hang-up is sometimes pressed twice in a row to check the second is refused while
the first is in flight. The outcome toasts are what the ledgers are checked against.
"""

from __future__ import annotations

import time
from typing import Any

from tests.reliability.soak_ledger import Ledger, SoakApp
from tests.ui.conftest import RecordingApp, wait_until
from tui.core.actions import IN_FLIGHT_MESSAGE
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.main import MainScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen


async def _act(
    pilot: Any, app: SoakApp, ledger: Ledger, acted: set[str], turn: int, *, double: bool
) -> None:
    """Hang up (twice in a row when ``double``) or inject TwiML into a call not acted on before."""
    table = app.main_screen.table
    for _ in range(20):
        call = table.cursor_call
        if call is not None and call.sid not in acted and call.status == "in-progress":
            break
        await pilot.press("down")
    else:
        return
    acted.add(call.sid)
    ledger.actions_at.append((time.monotonic(), "twiml" if turn % 2 == 1 else "hang-up"))
    if turn % 2 == 1 and not double:
        await _open(pilot, app, "t", TwimlEditorScreen, "editor")
        await pilot.pause(0.05)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "editor closes", 5)
        ledger.confirmed.append(("inject_twiml", call.sid))
        return
    for _ in range(2 if double else 1):
        await _open(pilot, app, "h", ConfirmHangupScreen, "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), "confirm closes", 5)
        ledger.confirmed.append(("hang_up", call.sid))
    ledger.double_presses += 1 if double else 0


async def _open(pilot: Any, app: RecordingApp, key: str, screen: type, what: str) -> None:
    """Press ``key`` and wait for its dialog.

    If the call that was under the cursor ended since the last key, the console answers the
    first press with a "Call ended" note instead of acting on the call the cursor moved to (by
    design: a refusal never points the next key at another call); a supervisor presses again.
    """
    notes = sum(1 for title, _, _ in app.toasts if title == "Call ended")
    await pilot.press(key)
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, screen)
            or sum(1 for title, _, _ in app.toasts if title == "Call ended") > notes
        ),
        what,
        5,
    )
    if not isinstance(app.screen, screen):
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, screen), what, 5)


def _refused_in_flight(app: RecordingApp) -> bool:
    """Whether a second press was already refused as in flight (a loaded machine may open the
    dialog again only after the first answer came back; then the next action tries again)."""
    return any(IN_FLIGHT_MESSAGE in message for _, message, _ in app.toasts)


def _result_toasts(app: RecordingApp) -> list[tuple[str, str]]:
    return [
        (title, message)
        for title, message, _ in app.toasts
        if title.startswith(("Hang-up ", "TwiML injection ")) or title == "Not sent"
    ]
