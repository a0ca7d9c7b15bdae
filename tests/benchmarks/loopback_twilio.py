"""The one thing a "script per action" needs to reach the simulator: a base-URL rewrite.

The Twilio guides hang up a call with a short script (``Client(sid, token)`` then
``client.calls(sid).update(status="completed")``). To run that same script against the simulator,
the SDK's synchronous HTTP client is pointed at it. Nothing else changes, so the script pays what
a real one pays: interpreter start, ``import twilio``, a new connection, one request.

``SENT_MARK`` lines on stderr carry the wall-clock time (``time.time()``) just before the request
is handed to ``requests``; the benchmark compares that with the time it started the script. That
slightly favours the script (its TCP connect comes after the mark).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

SENT_MARK = "CALLBOARD-BENCH-SENT"


class LoopbackHttpClient(TwilioHttpClient):
    """The SDK's sync client, sending ``https://api.twilio.com/...`` to ``base_url`` instead."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        rewritten = url.replace("https://api.twilio.com", self.base_url, 1)
        print(f"{SENT_MARK} {time.time():.6f}", file=sys.stderr, flush=True)
        return super().request(method, rewritten, *args, **kwargs)


SCRIPT = """\
import sys
from twilio.rest import Client
from tests.benchmarks.loopback_twilio import LoopbackHttpClient

base_url, account_sid, auth_token, call_sid = sys.argv[1:5]
client = Client(account_sid, auth_token, http_client=LoopbackHttpClient(base_url))
call = client.calls(call_sid).update(status="completed")
print(call.status)
"""
"""The guide's script, with only the HTTP client swapped (argv: base URL, account, token, SID)."""
