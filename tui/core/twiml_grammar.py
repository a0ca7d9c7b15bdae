"""Which TwiML voice elements exist and which may sit inside which, as data.

Kept apart from :mod:`tui.core.twiml` (which re-exports ``KNOWN_VERBS`` and ``SSML_TAGS``) so the
table transcribed from Twilio's voice TwiML reference can be read and updated on its own,
without wading through the checks that use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

_VERBS: Final = frozenset(
    {
        "Say", "Play", "Pause", "Gather", "Dial", "Enqueue", "Leave", "Hangup", "Redirect",
        "Reject", "Record", "Sms", "Connect", "Start", "Stop", "Refer", "Pay", "Echo",
    }
)  # fmt: skip

_CONNECT_NOUNS: Final = frozenset(
    {
        "Stream", "Room", "Autopilot", "VirtualAgent", "Conversation", "ConversationRelay",
        "AiSession", "ConversationRelaySession",
    }
)  # fmt: skip

SSML_TAGS: Final = frozenset(
    {
        "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w",
        "amazon:domain", "amazon:effect",
    }
)  # fmt: skip
"""SSML elements Twilio accepts inside ``<Say>`` (and inside each other)."""

_CHILDREN: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "Response": _VERBS,
        "Gather": frozenset({"Say", "Play", "Pause"}),
        "Prompt": frozenset({"Say", "Play", "Pause"}),
        "Pay": frozenset({"Prompt", "Parameter"}),
        "Dial": frozenset(
            {"Number", "Client", "Conference", "Queue", "Sip", "Sim", "Application", "WhatsApp"}
        ),
        "Client": frozenset({"Identity", "Parameter"}),
        "Application": frozenset({"ApplicationSid", "Parameter"}),
        "Sip": frozenset({"Uri", "Headers"}),
        "Headers": frozenset({"Header"}),
        "Enqueue": frozenset({"Task"}),
        "Connect": _CONNECT_NOUNS,
        "ConversationRelay": frozenset({"Language", "Parameter"}),
        "VirtualAgent": frozenset({"Config", "Parameter"}),
        "Start": frozenset({"Stream", "Siprec", "Transcription", "Recording"}),
        "Stop": frozenset({"Stream", "Siprec", "Transcription"}),
        "Stream": frozenset({"Parameter"}),
        "Siprec": frozenset({"Parameter"}),
        "Transcription": frozenset({"Config", "Parameter"}),
        "Reject": frozenset({"Parameter"}),
        "Hangup": frozenset({"Parameter"}),
        "Refer": frozenset({"Sip"}),
    }
)
"""Which TwiML elements may appear directly inside which (from Twilio's voice TwiML reference)."""

KNOWN_VERBS: Final = frozenset(name for names in _CHILDREN.values() for name in names)
"""Every Twilio voice verb and noun (``<Response>`` and SSML excluded)."""

_PARENTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        name: tuple(sorted(p for p, kids in _CHILDREN.items() if name in kids))
        for name in KNOWN_VERBS
    }
)
