"""Redirect URLs: refused with a reason, never echoing a password."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.errors import UrlError, ValidationError
from tui.core.urls import HTTP_METHODS, PLAIN_HTTP_WARNING, validate_method, validate_url

BAD_URLS = [
    ("", "required"),
    ("   ", "required"),
    ("/twiml/hold", "relative"),
    ("example.com/twiml", "relative"),
    ("localhost:8080/twiml", "relative"),
    ("ftp://example.com/x", "scheme 'ftp'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("https:example.com", "https://"),
    ("https://", "no host"),
    ("https:///path", "no host"),
    ("https://exa mple.com/", "space at character 12"),
    ("https://example.com/a\tb", "a tab at character 22"),
    ("https://example.com/\x07", "control character (U+0007)"),
    ("https://exa\u200bmple.com", "control character (U+200B)"),
    ("https://example.com:0/", "port"),
    ("https://example.com:99999/", "port"),
    ("https://example.com:http/", "port"),
    ("https://example.com:/", "port"),
    ("https://exa..mple.com/", "not a valid host name"),
    ("https://[::1/x", "malformed"),
    ("https://ana:hunter2@example.com/", "user name or password"),
]


@pytest.mark.parametrize(("url", "reason"), BAD_URLS)
def test_bad_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(UrlError) as caught:
        validate_url(url)
    assert reason in str(caught.value)


def test_https_passes_unchanged_and_http_warns() -> None:
    assert validate_url(" https://example.com/ivr?x=1 \n").url == "https://example.com/ivr?x=1"
    assert validate_url("https://example.com/ivr").warning is None
    checked = validate_url("http://example.com:8080/ivr")
    assert checked.url == "http://example.com:8080/ivr"
    assert checked.warning == PLAIN_HTTP_WARNING
    assert "unencrypted" in checked.warning


def test_ipv6_and_uppercase_schemes_are_fine() -> None:
    assert validate_url("https://[::1]:8443/x").warning is None
    assert validate_url("HTTPS://EXAMPLE.COM/").url == "HTTPS://EXAMPLE.COM/"


def test_methods() -> None:
    assert HTTP_METHODS == ("POST", "GET")
    assert validate_method("get") == "GET"
    assert validate_method(" POST ") == "POST"
    for bad in ("PUT", "", 3, None):
        with pytest.raises(ValidationError, match="POST or GET"):
            validate_method(bad)


_label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
_segment = st.text(string.ascii_letters + string.digits + "-._~", min_size=1, max_size=12)


@st.composite
def safe_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "http"]))
    host = ".".join(draw(st.lists(_label, min_size=1, max_size=3))) + ".com"
    port = draw(st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")))
    path = "".join("/" + s for s in draw(st.lists(_segment, max_size=4)))
    query = draw(st.one_of(st.just(""), _segment.map(lambda q: f"?q={q}")))
    return f"{scheme}://{host}{port}{path}{query}"


@settings(max_examples=200, deadline=None)
@given(safe_urls())
def test_urls_built_from_safe_parts_validate(url: str) -> None:
    checked = validate_url(url)
    assert checked.url == url
    assert (checked.warning is not None) == url.startswith("http://")


@settings(max_examples=200, deadline=None)
@given(safe_urls(), st.data())
def test_a_space_or_control_character_anywhere_inside_is_refused(
    url: str, data: st.DataObject
) -> None:
    bad = data.draw(st.sampled_from([" ", "\t", "\n", "\x00", "\x1f", "\x7f", "\u00a0", "\u2028"]))
    at = data.draw(st.integers(1, len(url) - 1))
    with pytest.raises(UrlError, match=r"space|tab|line break|control character"):
        validate_url(url[:at] + bad + url[at:])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["https", "http", "ftp", "HTTPS"]),
    st.text(string.ascii_letters, min_size=1, max_size=8),
    st.text(string.ascii_letters + string.digits + "!$&'()*+,;=", min_size=4, max_size=20),
    st.sampled_from(["example.com", "example.com:8080", "[::1]", ""]),
)
def test_credentials_in_a_url_are_refused_and_never_echoed(
    scheme: str, user: str, secret: str, host: str
) -> None:
    password = "Pw" + secret
    with pytest.raises(UrlError) as caught:
        validate_url(f"{scheme}://{user}:{password}@{host}/twiml")
    assert password not in str(caught.value)
    assert "password" in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_validates_or_raises_url_error(text: str) -> None:
    try:
        checked = validate_url(text)
    except UrlError as err:
        assert str(err)
    else:
        assert checked.url == text.strip()
