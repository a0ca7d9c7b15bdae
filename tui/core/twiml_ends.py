"""Will this TwiML end the call? Said before it is sent, so such a send is confirmed like a hang-up.

Injected TwiML replaces what the call was doing, and a call whose TwiML runs out ends, in Twilio
as in the simulator: an announcement with nothing after it hangs up the caller it told to hold.
A document ends the call when, reading its verbs in order, Twilio reaches

* an explicit ``<Hangup/>`` or ``<Reject/>``; or
* the end of the document without having handed the call somewhere: no ``<Dial>`` or
  ``<Connect>`` (the call stays with whoever answers), ``<Enqueue>`` (it waits in a queue),
  ``<Redirect>`` (it goes on with other TwiML), a ``<Gather>`` that loops (followed by a
  ``<Redirect>`` back, which the rule above already covers), or a ``<Say>``/``<Play>`` with
  ``loop="0"`` (which repeats until the call ends, so the document never runs out).

Verbs after a ``<Redirect>`` never run. The answer is plain data (:class:`CallEnding`) the
editor and the confirm screen show as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

_HANDS_OFF: Final = {
    "Dial": "<Dial> connects the caller to someone",
    "Connect": "<Connect> keeps the call connected",
    "Enqueue": "<Enqueue> puts the caller in a queue",
    "Redirect": "<Redirect> goes on with other TwiML",
}
_ENDS_HERE: Final = {"Hangup": "<Hangup/>", "Reject": "<Reject/>"}


@dataclass(frozen=True, slots=True)
class CallEnding:
    """Whether the TwiML ends the call, and a sentence saying why (for the editor and confirm)."""

    ends: bool
    reason: str


def call_ending(twiml: str) -> CallEnding:
    """Read ``twiml`` (already validated, or at least well-formed) and say whether it ends the call.

    TwiML that cannot be parsed is reported as not ending the call: validation refuses it anyway.
    """
    try:
        root = SafeET.fromstring(twiml, forbid_dtd=True, forbid_entities=True)
    except Exception:
        return CallEnding(False, "The TwiML could not be read.")
    if not isinstance(root, Element):
        return CallEnding(False, "The TwiML could not be read.")
    verbs = list(root)
    for verb in verbs:
        name = verb.tag
        if name in _ENDS_HERE:
            return CallEnding(
                True,
                f"This TwiML ends the call: Twilio hangs up when it reaches {_ENDS_HERE[name]}.",
            )
        if name in _HANDS_OFF:
            return CallEnding(False, f"The call goes on: {_HANDS_OFF[name]}.")
        if name in ("Say", "Play") and (verb.get("loop") or "").strip() == "0":
            return CallEnding(
                False, f'The call goes on: <{name} loop="0"> repeats until the call ends.'
            )
    last = f"<{verbs[-1].tag}>" if verbs else "the last verb"
    return CallEnding(
        True,
        f"This TwiML ends the call: nothing in it returns the caller anywhere (no <Dial>, "
        f"<Enqueue> or <Redirect>), so Twilio hangs up when {last} finishes.",
    )


def ends_call(twiml: str) -> bool:
    """True when sending ``twiml`` will end the call (see :func:`call_ending`)."""
    return call_ending(twiml).ends
