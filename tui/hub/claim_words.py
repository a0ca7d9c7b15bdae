"""What a refused claim tells the second supervisor: who acted, on what, how long ago.

Split from :mod:`tui.hub.coordination`, which asks the claims; the words for every action, call
or floor, live here. The holder's record was written by another console and is untrusted: its
names go through :func:`~tui.core.text.display_text`, and an action this console does not know
is told as "acting on" / "acted on".
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Final

from tui.core.models import Action
from tui.core.text import display_text

_VERB: Final = {
    Action.HANG_UP: "hanging up {}",
    Action.REDIRECT: "transferring {}",
    Action.INJECT_TWIML: "sending TwiML to {}",
    Action.HOLD: "putting {} on hold",
    Action.RESUME: "resuming {}",
    Action.MUTE: "muting {}",
    Action.UNMUTE: "unmuting {}",
    Action.REMOVE_PARTICIPANT: "removing {} from its room",
    Action.END_CONFERENCE: "ending {}",
    Action.DEQUEUE: "dequeuing {}",
    Action.WARM_TRANSFER: "warm-transferring {}",
    Action.DROP_AGENT: "dropping {} from its room",
    Action.PAUSE_RECORDING: "pausing the recording of {}",
    Action.RESUME_RECORDING: "resuming the recording of {}",
}
"""An action in flight, ``{}`` being the target ("this call")."""
_DONE: Final = {
    Action.HANG_UP: "hung up {}",
    Action.REDIRECT: "transferred {}",
    Action.INJECT_TWIML: "sent TwiML to {}",
    Action.HOLD: "put {} on hold",
    Action.RESUME: "resumed {}",
    Action.MUTE: "muted {}",
    Action.UNMUTE: "unmuted {}",
    Action.REMOVE_PARTICIPANT: "removed {} from its room",
    Action.END_CONFERENCE: "ended {}",
    Action.DEQUEUE: "dequeued {}",
    Action.WARM_TRANSFER: "warm-transferred {}",
    Action.DROP_AGENT: "dropped {} from its room",
    Action.PAUSE_RECORDING: "paused the recording of {}",
    Action.RESUME_RECORDING: "resumed the recording of {}",
}
"""A settled action."""


def target_of(key: str, action: Action) -> str:
    """How the claimed target is named: a claim key is a Call SID, a Conference SID, or a
    queue's head (``QU….Front``)."""
    if key.startswith("CF"):
        return "this room"
    if key.startswith("QU"):
        return "the head of this queue"
    return "this caller" if action is Action.DEQUEUE else "this call"


def refusal(holder: Mapping[str, object], key: str, action: Action) -> str:
    """The sentence for a claim ``holder`` holds on ``key`` (another console's record)."""
    who = display_text(str(holder.get("operator") or "another supervisor"))
    console = holder.get("console")
    where = f" ({display_text(str(console))})" if console else ""
    at = holder.get("at")
    ago = f" {max(0, time.time() - float(at)):.0f} s ago" if isinstance(at, int | float) else ""
    try:
        theirs = Action(str(holder.get("action")))
    except ValueError:
        theirs = action
    target = target_of(key, theirs)
    if holder.get("outcome") is None:
        doing = _VERB.get(theirs, "acting on {}").format(target)
        return f"{who}{where} is already {doing} — nothing was sent"
    done = _DONE.get(theirs, "acted on {}").format(target)
    return f"{who}{where} {done}{ago} — nothing was sent"
