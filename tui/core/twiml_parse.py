"""Parsing TwiML safely into a small tree with line numbers (defusedxml's expat SAX reader).

Split from :mod:`tui.core.twiml`: this is the one place a parser touches injected text, with
DTDs, entities and external references forbidden, and expat's terse messages turned into
sentences a supervisor can act on. The checks of what the call would do stay in ``twiml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from tui.core.errors import TwimlError

_EXPAT_REASONS: Final = {
    "mismatched tag": "a closing tag does not match the opening tag",
    "no element found": "the document ends before every tag is closed",
    "junk after document element": "there is something after </Response>",
    "not well-formed (invalid token)": (
        "there is an invalid character, or a '<' or '&' that should be written &lt; or &amp;"
    ),
    "unclosed token": "a tag is not closed",
    "undefined entity": "there is an undefined entity; write a plain '&' as &amp;",
    "syntax error": "the text is not XML",
    "duplicate attribute": "an attribute appears twice in one tag",
    "unbound prefix": "an element or attribute uses an undeclared namespace prefix",
    "XML or text declaration not at start of entity": (
        "the <?xml ...?> declaration must be the very first thing"
    ),
}


@dataclass(slots=True)
class _Element:
    """One parsed element, with the line its start tag is on."""

    name: str
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    text_line: int | None = None

    def own_text(self) -> str:
        return "".join(self.text).strip()

    def all_text(self) -> str:
        """Text of this element and its descendants (``<Say>`` may wrap words in SSML)."""
        return "".join([*self.text, *(child.all_text() for child in self.children)]).strip()


class _TreeBuilder(ContentHandler):
    """Builds a small tree of :class:`_Element` with line numbers from the SAX locator."""

    def __init__(self) -> None:
        super().__init__()
        self.root: _Element | None = None
        self._stack: list[_Element] = []
        self._locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self._locator = locator

    def _line(self) -> int:
        line = self._locator.getLineNumber() if self._locator is not None else None
        return line if isinstance(line, int) and line > 0 else 1

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        element = _Element(name=name, attrs=dict(attrs.items()), line=self._line())
        if self._stack:
            self._stack[-1].children.append(element)
        else:
            self.root = element
        self._stack.append(element)

    def endElement(self, name: str) -> None:
        self._stack.pop()

    def characters(self, content: str) -> None:
        if self._stack:
            current = self._stack[-1]
            current.text.append(content)
            if current.text_line is None and content.strip():
                current.text_line = self._line()


def _parse(twiml: str) -> _Element:
    """Parse with defusedxml (DTD, entities, external references forbidden) into a tree."""
    builder = _TreeBuilder()
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(builder)
    # feed() never calls setDocumentLocator (only parse() does); the reader is its own locator.
    builder.setDocumentLocator(parser)
    try:
        parser.feed(twiml)
        parser.close()
    except SAXParseException as err:
        raise _syntax_error(err) from None
    except DefusedXmlException:
        line = builder._line()
        raise TwimlError(
            f"Line {line}: TwiML may not contain a DTD or entities; it was refused without "
            "being expanded.",
            line=line,
        ) from None
    except (SAXException, ValueError, UnicodeError) as err:
        raise TwimlError(f"The TwiML could not be read as XML ({type(err).__name__}).") from None
    if builder.root is None:  # pragma: no cover - expat reports "no element found" first
        raise TwimlError("The TwiML has no elements: write a <Response>.", line=1)
    return builder.root


def _syntax_error(err: SAXParseException) -> TwimlError:
    line = err.getLineNumber() or 1
    column = (err.getColumnNumber() or 0) + 1
    raw = err.getMessage()
    reason = _EXPAT_REASONS.get(raw, raw)
    return TwimlError(
        f"Line {line}, column {column}: the TwiML is not well-formed XML: {reason}.", line=line
    )
