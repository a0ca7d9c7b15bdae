"""TwiML documents turned into plain verb objects the runner can time.

Parsing goes through :mod:`defusedxml`, so entity bombs, external entities and DTD tricks are
refused instead of expanded: hostile TwiML fails with :class:`TwimlParseError` (Twilio's 12100)
and never costs the simulator more than the parse of the bytes it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_DOCUMENT_BYTES: Final = 64 * 1024
"""Twilio refuses TwiML responses larger than 64 kB (error 11750)."""

MAX_LOOPS: Final = 1000
"""``loop="0"`` means "until the call ends"; Twilio caps it at 1000 repetitions."""


class TwimlParseError(ValueError):
    """The document is not TwiML Twilio would run: ``code`` is 12100 (parse) or 11750 (size)."""

    def __init__(self, message: str, code: int = 12100) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    loop: int = 1


@dataclass(frozen=True, slots=True)
class Play:
    url: str
    loop: int = 1
    digits: str | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    length: float = 1.0


@dataclass(frozen=True, slots=True)
class Gather:
    prompts: tuple[Say | Play | Pause, ...] = ()
    timeout: float = 5.0
    action: str | None = None
    method: str = "POST"
    num_digits: int | None = None
    action_on_empty_result: bool = False


@dataclass(frozen=True, slots=True)
class DialTarget:
    """One noun inside ``<Dial>``: ``kind`` is number, client, sip, queue or conference."""

    kind: str
    value: str
    attrs: tuple[tuple[str, str], ...] = ()
    """The noun's attributes (``<Conference muted="true">``, ``<Queue url="…">``), as written."""

    def attr(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return default


@dataclass(frozen=True, slots=True)
class Dial:
    targets: tuple[DialTarget, ...]
    caller_id: str | None = None
    timeout: int = 30
    action: str | None = None
    method: str = "POST"
    time_limit: int | None = None
    record: str | None = None


@dataclass(frozen=True, slots=True)
class Enqueue:
    queue: str
    action: str | None = None
    method: str = "POST"
    wait_url: str | None = None
    wait_method: str = "POST"


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str
    method: str = "POST"


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


@dataclass(frozen=True, slots=True)
class Reject:
    reason: str = "rejected"


@dataclass(frozen=True, slots=True)
class Idle:
    """A verb the simulator does not model in detail (Record, Connect, Pay…): it just takes time."""

    name: str
    seconds: float = 1.0


Verb = Say | Play | Pause | Gather | Dial | Enqueue | Redirect | Hangup | Reject | Idle


@dataclass(frozen=True, slots=True)
class TwimlDocument:
    verbs: tuple[Verb, ...]
    warnings: tuple[str, ...] = field(default=())


_IDLE_VERBS: Final = {
    "Record": 5.0,
    "Connect": 60.0,
    "Pay": 30.0,
    "Refer": 1.0,
    "Start": 0.0,
    "Stop": 0.0,
    "Sms": 0.0,
    "Message": 0.0,
    "Echo": 10.0,
    "Leave": 0.0,
}


def parse_twiml(text: str | bytes) -> TwimlDocument:
    """Parse a TwiML ``<Response>``; raise :class:`TwimlParseError` when Twilio would refuse it."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise TwimlParseError("TwiML response body too large", code=11750)
    if not raw.strip():
        raise TwimlParseError("Document parse failure: empty document")
    try:
        root = fromstring(raw, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise TwimlParseError(f"Document parse failure: {exc}") from None
    if _local(root.tag) != "Response":
        raise TwimlParseError("Document parse failure: the root element must be <Response>")
    warnings: list[str] = []
    verbs: list[Verb] = []
    for child in root:
        verb = _verb(child, warnings)
        if verb is not None:
            verbs.append(verb)
    return TwimlDocument(tuple(verbs), tuple(warnings))


@lru_cache(maxsize=512)
def parse_twiml_cached(text: str) -> TwimlDocument:
    """:func:`parse_twiml` for documents the simulator itself reuses (synthetic IVRs, inline Twiml).

    Safe to share: the result is immutable.
    """
    return parse_twiml(text)


def _local(tag: object) -> str:
    name = str(tag)
    return name.rsplit("}", 1)[-1]


def _int(value: str | None, default: int, *, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip()) if value is not None else default
    except ValueError:
        return default
    return max(minimum, number)


def _float(value: str | None, default: float) -> float:
    try:
        number = float(str(value).strip()) if value is not None else default
    except ValueError:
        return default
    return max(0.0, number)


def _loop(value: str | None) -> int:
    loops = _int(value, 1)
    return MAX_LOOPS if loops == 0 else min(loops, MAX_LOOPS)


def _method(value: str | None) -> str:
    method = (value or "POST").strip().upper()
    return method if method in ("GET", "POST") else "POST"


def _text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def _verb(element: Element, warnings: list[str]) -> Verb | None:
    name = _local(element.tag)
    attrs = element.attrib
    if name == "Say":
        return Say(_text(element), _loop(attrs.get("loop")))
    if name == "Play":
        return Play(_text(element), _loop(attrs.get("loop")), attrs.get("digits"))
    if name == "Pause":
        return Pause(float(_int(attrs.get("length"), 1)))
    if name == "Gather":
        prompts: list[Say | Play | Pause] = []
        for child in element:
            nested = _verb(child, warnings)
            if isinstance(nested, Say | Play | Pause):
                prompts.append(nested)
            elif nested is not None:
                warnings.append(f"<{_local(child.tag)}> cannot be nested in <Gather>")
        return Gather(
            tuple(prompts),
            timeout=_float(attrs.get("timeout"), 5.0),
            action=attrs.get("action"),
            method=_method(attrs.get("method")),
            num_digits=_int(attrs.get("numDigits"), 0) or None,
            action_on_empty_result=attrs.get("actionOnEmptyResult", "false").lower() == "true",
        )
    if name == "Dial":
        targets: list[DialTarget] = []
        for child in element:
            kind = _local(child.tag).lower()
            if kind in ("number", "client", "sip", "queue", "conference", "application"):
                targets.append(DialTarget(kind, _text(child), tuple(child.attrib.items())))
        if not targets and _text(element):
            targets.append(DialTarget("number", _text(element)))
        if not targets:
            warnings.append("<Dial> has nothing to dial")
            return None
        limit = attrs.get("timeLimit")
        return Dial(
            tuple(targets),
            caller_id=attrs.get("callerId"),
            timeout=_int(attrs.get("timeout"), 30, minimum=1),
            action=attrs.get("action"),
            method=_method(attrs.get("method")),
            time_limit=_int(limit, 14400, minimum=1) if limit is not None else None,
            record=attrs.get("record"),
        )
    if name == "Enqueue":
        return Enqueue(
            _text(element) or attrs.get("workflowSid", "default"),
            action=attrs.get("action"),
            method=_method(attrs.get("method")),
            wait_url=attrs.get("waitUrl"),
            wait_method=_method(attrs.get("waitUrlMethod")),
        )
    if name == "Redirect":
        url = _text(element)
        if not url:
            warnings.append("<Redirect> without a URL")
            return None
        return Redirect(url, _method(attrs.get("method")))
    if name == "Hangup":
        return Hangup()
    if name == "Reject":
        reason = attrs.get("reason", "rejected")
        return Reject("busy" if reason == "busy" else "rejected")
    if name in _IDLE_VERBS:
        seconds = _IDLE_VERBS[name]
        if name == "Record":
            seconds = float(min(_int(attrs.get("maxLength"), 3600), _int(attrs.get("timeout"), 5)))
        return Idle(name, seconds)
    warnings.append(f"Unknown verb <{name}> ignored")
    return None


def say_seconds(verb: Say) -> float:
    """How long Twilio's text-to-speech takes: about 150 words a minute, plus a breath."""
    words = max(1, len(verb.text.split()))
    return (0.4 * words + 0.5) * verb.loop


PLAY_CLIP_SECONDS: Final = 6.0
"""The simulator cannot fetch audio, so every clip lasts this long (per loop)."""


def play_seconds(verb: Play) -> float:
    if verb.digits:
        return 0.5 * len(verb.digits)
    return PLAY_CLIP_SECONDS * verb.loop


def prompt_seconds(verb: Say | Play | Pause) -> float:
    if isinstance(verb, Say):
        return say_seconds(verb)
    if isinstance(verb, Play):
        return play_seconds(verb)
    return verb.length
