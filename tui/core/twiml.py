"""Safe checking of the TwiML a supervisor injects into a live call, and snippet templates.

Injected TwiML replaces what the caller hears *now*; Twilio only reports a broken document after
the fact (error 12100, "an application error has occurred"). So everything Twilio would refuse,
and everything that is dangerous to parse, is refused here first, with one sentence that names
the line and the reason.

Safety: the text is scanned for ``<!DOCTYPE`` / ``<!ENTITY`` (and any other ``<!`` declaration
except comments and CDATA) before any parser sees it, so a billion-laughs or external-entity
document costs one regular-expression pass. It is then parsed by defusedxml's expat SAX reader
with DTDs, entities and external references forbidden; nothing is ever expanded or fetched.
A ``<!DOCTYPE`` inside a comment or CDATA section is refused too: a false positive we accept.

Checks are deliberately about what the call would do (a ``<Say>`` with nothing to say, a
``<Dial>`` with nothing to dial, a number that is not E.164, an unknown or misplaced verb), not a
full schema of every attribute.
"""

from __future__ import annotations

import difflib
import re
from types import MappingProxyType
from typing import Final

from tui.core.errors import TwimlError, ValidationError
from tui.core.sids import is_e164, validate_e164
from tui.core.twiml_grammar import _CHILDREN, _PARENTS, KNOWN_VERBS, SSML_TAGS
from tui.core.twiml_parse import _Element, _parse
from tui.core.urls import validate_url

__all__ = ["KNOWN_VERBS", "MAX_TWIML_CHARS", "SSML_TAGS", "validate_twiml"]

MAX_TWIML_CHARS: Final = 4000
"""Twilio's limit on the ``Twiml`` parameter of a call update."""
_DECLARATION_RE: Final = re.compile(r"<!(?!--|\[CDATA\[)", re.IGNORECASE)
_NON_NEGATIVE_INT_RE: Final = re.compile(r"[0-9]+")

# ---------------------------------------------------------------------------------------------
# Validation


def validate_twiml(text: str) -> str:
    """Return the TwiML to send (surrounding whitespace removed) or raise :class:`TwimlError`.

    ``TwimlError.line`` is the 1-based line of the problem in ``text`` as given (blank lines
    before the TwiML counted). Any string input either passes or raises ``TwimlError``; no other
    exception escapes.
    """
    body = text.lstrip("\ufeff") if isinstance(text, str) else ""
    twiml = body.strip()
    if not twiml:
        raise TwimlError("The TwiML is empty: write a <Response> with at least one verb.", line=1)
    try:
        _check(twiml)
    except TwimlError as err:
        blank_lines = body[: len(body) - len(body.lstrip())].count("\n")
        if blank_lines and err.line is not None:
            raise _shifted(err, blank_lines) from None
        raise
    return twiml


def _check(twiml: str) -> None:
    _refuse_declarations(twiml)
    _refuse_too_long(twiml)
    _refuse_unencodable(twiml)
    _check_tree(_parse(twiml))


def _shifted(err: TwimlError, lines: int) -> TwimlError:
    """The same error with its line counted in the text as typed, blank lines before it included.

    The checks run on the stripped text (an XML declaration must come first); an editor shows
    the text as typed.
    """
    assert err.line is not None
    message = re.sub(
        r"\b([Ll]ine) (\d+)", lambda m: f"{m.group(1)} {int(m.group(2)) + lines}", str(err), count=1
    )
    return TwimlError(message, line=err.line + lines)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _refuse_declarations(twiml: str) -> None:
    """Refuse DTDs and entity declarations before a parser sees them: the cheap, sure defence."""
    match = _DECLARATION_RE.search(twiml)
    if match:
        line = _line_at(twiml, match.start())
        raise TwimlError(
            f"Line {line}: TwiML may not contain a DOCTYPE, DTD or entity declaration "
            "('<!'); it was refused without being expanded.",
            line=line,
        )


def _refuse_too_long(twiml: str) -> None:
    if len(twiml) > MAX_TWIML_CHARS:
        line = _line_at(twiml, MAX_TWIML_CHARS)
        raise TwimlError(
            f"The TwiML is {len(twiml):,} characters long; Twilio accepts at most "
            f"{MAX_TWIML_CHARS:,} (the limit is passed on line {line}).",
            line=line,
        )


def _refuse_unencodable(twiml: str) -> None:
    """Lone surrogates cannot be sent as UTF-8; refuse them rather than crash the encoder."""
    for index, char in enumerate(twiml):
        if "\ud800" <= char <= "\udfff":
            line = _line_at(twiml, index)
            raise TwimlError(
                f"Line {line}: the TwiML contains an invalid character (U+{ord(char):04X}).",
                line=line,
            )


def _check_tree(root: _Element) -> None:
    if root.name != "Response":
        raise TwimlError(
            f"Line {root.line}: the root element must be <Response>, not <{root.name}>.",
            line=root.line,
        )
    if root.own_text():
        line = root.text_line or root.line
        raise TwimlError(
            f"Line {line}: there is text outside any verb; put words to speak inside <Say>.",
            line=line,
        )
    if not root.children:
        raise TwimlError(
            f"Line {root.line}: the <Response> has no verbs; Twilio would simply end the call "
            "(write <Hangup/> if that is what you mean).",
            line=root.line,
        )
    for child in root.children:
        _check_element(child, root.name)


def _check_element(element: _Element, parent: str) -> None:
    _check_placement(element, parent)
    _check_content(element)
    _check_attributes(element)
    for child in element.children:
        _check_element(child, element.name)


def _allowed_children(parent: str) -> frozenset[str]:
    if parent == "Say" or parent in SSML_TAGS:
        return SSML_TAGS
    return _CHILDREN.get(parent, frozenset())


def _check_placement(element: _Element, parent: str) -> None:
    if element.name in _allowed_children(parent):
        return
    known = element.name in KNOWN_VERBS or element.name in SSML_TAGS or element.name == "Response"
    if not known:
        hint = difflib.get_close_matches(element.name, sorted(KNOWN_VERBS), n=1)
        if not hint:
            lowered = {name.lower(): name for name in KNOWN_VERBS}
            hint = [lowered[element.name.lower()]] if element.name.lower() in lowered else []
        suggestion = f" (did you mean <{hint[0]}>?)" if hint else ""
        raise TwimlError(
            f"Line {element.line}: unknown TwiML verb <{element.name}>{suggestion}.",
            line=element.line,
        )
    _refuse_placement(element, parent)


def _refuse_placement(element: _Element, parent: str) -> None:
    parents = _PARENTS.get(element.name, ())
    if element.name in SSML_TAGS:
        where = "it belongs inside <Say>"
    elif element.name == "Response":
        where = "it may only be the root element"
    elif parents:
        where = "it belongs inside " + " or ".join(f"<{p}>" for p in parents)
    else:  # pragma: no cover - every known name has a parent
        where = "it is not allowed there"
    raise TwimlError(
        f"Line {element.line}: <{element.name}> cannot be used inside <{parent}>; {where}.",
        line=element.line,
    )


def _check_content(element: _Element) -> None:
    """The checks that decide whether the verb would do anything at all."""
    checker = _CONTENT_CHECKS.get(element.name)
    if checker is not None:
        checker(element)


def _fail(element: _Element, reason: str, *, line: int | None = None) -> TwimlError:
    at = line or element.line
    return TwimlError(f"Line {at}: <{element.name}> {reason}", line=at)


def _check_say(element: _Element) -> None:
    if not element.all_text():
        raise _fail(element, "has no text to speak.")


def _check_play(element: _Element) -> None:
    url = element.own_text()
    if url:
        _check_url(element, url)
    elif not element.attrs.get("digits", "").strip():
        raise _fail(element, "needs an audio URL as its text, or a digits attribute.")


def _check_redirect(element: _Element) -> None:
    url = element.own_text()
    if not url:
        raise _fail(element, "needs the URL to fetch new TwiML from as its text.")
    _check_url(element, url)


def _check_url(element: _Element, url: str) -> None:
    try:
        validate_url(url)
    except ValidationError as err:
        raise _fail(element, f"has an unusable URL: {err}", line=element.text_line) from None


def _check_dial(element: _Element) -> None:
    number = element.own_text()
    if not number and not element.children:
        raise _fail(element, "has nothing to dial: give it a phone number or a <Number>.")
    if number:
        _check_number(element, number)


def _check_number(element: _Element, number: str | None = None) -> None:
    value = element.own_text() if number is None else number
    if not value:
        raise _fail(element, "has no phone number.")
    if not is_e164(value):
        try:
            validate_e164(value)
        except ValidationError as err:
            raise _fail(element, f"has a bad phone number: {err}", line=element.text_line) from None


def _check_enqueue(element: _Element) -> None:
    if not element.own_text() and not element.attrs.get("workflowSid", "").strip():
        raise _fail(element, "needs a queue name as its text (or a workflowSid attribute).")


_CONTENT_CHECKS: Final = MappingProxyType(
    {
        "Say": _check_say,
        "Play": _check_play,
        "Redirect": _check_redirect,
        "Dial": _check_dial,
        "Number": _check_number,
        "Enqueue": _check_enqueue,
    }
)


def _check_attributes(element: _Element) -> None:
    for attribute in ("loop", "length") if element.name == "Pause" else ("loop",):
        value = element.attrs.get(attribute)
        if value is not None and not _NON_NEGATIVE_INT_RE.fullmatch(value.strip()):
            raise _fail(
                element,
                f"has {attribute}={value!r}; it must be a whole number, 0 or more.",
            )


def __getattr__(name: str) -> object:
    """``Snippet``, ``BUILTIN_SNIPPETS`` and ``HOLD_MUSIC_URL`` live in ``tui.core.snippets``."""
    if name in ("Snippet", "BUILTIN_SNIPPETS", "HOLD_MUSIC_URL"):
        from tui.core import snippets

        return getattr(snippets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
