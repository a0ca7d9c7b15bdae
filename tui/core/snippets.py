"""TwiML snippets a supervisor injects with a few keystrokes: the built-in ones and the type.

Each built-in does what its name says, and only "Hang up" ends the call
(:func:`tui.core.twiml_ends.call_ending` says so for every snippet, built-in or from the
config file): the announcement is followed by hold music that loops until someone takes the
call, because TwiML that runs out ends the call, hanging up the caller it had just told to hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final
from xml.sax.saxutils import escape

from tui.core.errors import ValidationError
from tui.core.sids import validate_e164
from tui.core.twiml import validate_twiml

HOLD_MUSIC_URL: Final = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"

_PLACEHOLDER_RE: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _is_phone_placeholder(name: str) -> bool:
    lowered = name.lower()
    return "number" in lowered or "phone" in lowered


def _escape(value: str) -> str:
    """Escape for element text *and* attribute values, so a placeholder is safe anywhere."""
    return escape(value, {'"': "&quot;", "'": "&apos;"})


@dataclass(frozen=True)
class Snippet:
    """A TwiML template a supervisor can inject with a few keystrokes.

    Placeholders are ``{name}`` (a Python identifier in braces); other braces are literal.
    ``defaults`` supplies values the supervisor may leave blank (the hold-music URL). Values are
    XML-escaped when rendered, so no value can add or break markup.
    """

    key: str
    title: str
    template: str
    defaults: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names in the order they first appear, each once."""
        return tuple(dict.fromkeys(_PLACEHOLDER_RE.findall(self.template)))

    def render(self, values: Mapping[str, str]) -> str:
        """Fill the placeholders and return validated TwiML.

        Raises :class:`ValidationError` for a missing value or a phone number (a placeholder whose
        name contains ``number`` or ``phone``) that is not E.164, and :class:`TwimlError` when
        the result is not TwiML that may be sent.
        """
        filled = {name: self._value_for(name, values) for name in self.placeholders}
        rendered = _PLACEHOLDER_RE.sub(lambda m: _escape(filled[m.group(1)]), self.template)
        return validate_twiml(rendered)

    def example_values(self) -> dict[str, str]:
        """Plausible values for every placeholder, to check a template before anyone uses it."""
        values = {}
        for name in self.placeholders:
            lowered = name.lower()
            if name in self.defaults:
                values[name] = self.defaults[name]
            elif _is_phone_placeholder(name):
                values[name] = "+15005550006"
            elif "url" in lowered:
                values[name] = "https://example.com/twiml"
            else:
                values[name] = "example"
        return values

    def _value_for(self, name: str, values: Mapping[str, str]) -> str:
        value = values.get(name)
        if value is None or (not str(value).strip() and name in self.defaults):
            value = self.defaults.get(name)
        if value is None:
            raise ValidationError(f"The snippet '{self.title}' needs a value for '{name}'.")
        value = str(value)
        if _is_phone_placeholder(name):
            try:
                return validate_e164(value)
            except ValidationError as err:
                raise ValidationError(f"'{name}': {err}") from None
        return value


BUILTIN_SNIPPETS: Final[tuple[Snippet, ...]] = (
    Snippet(
        key="announce",
        title="Announcement",
        template=('<Response>\n  <Say>{message}</Say>\n  <Play loop="0">{url}</Play>\n</Response>'),
        defaults={
            "message": "Please hold. A supervisor will be with you shortly.",
            "url": HOLD_MUSIC_URL,
        },
    ),
    Snippet(
        key="hold-music",
        title="Hold music",
        template='<Response>\n  <Play loop="0">{url}</Play>\n</Response>',
        defaults={"url": HOLD_MUSIC_URL},
    ),
    Snippet(
        key="dial-agent",
        title="Transfer to an agent",
        template=(
            "<Response>\n  <Dial>\n    <Number>{agent_number}</Number>\n  </Dial>\n</Response>"
        ),
    ),
    Snippet(
        key="enqueue",
        title="Send to a queue",
        template="<Response>\n  <Enqueue>{queue}</Enqueue>\n</Response>",
    ),
    Snippet(key="hang-up", title="Hang up", template="<Response>\n  <Hangup/>\n</Response>"),
)
"""The snippets every console has; user snippets from the config file are added after these."""
