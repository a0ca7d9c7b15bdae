"""Who Callboard talks to, and with which credentials.

Built by :mod:`tui.core.config` from the environment or a profile, or by the CLI for the embedded
simulator. The secret stays a :class:`~tui.core.secret.Secret` until the SDK needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.secret import Secret


@dataclass(frozen=True, slots=True)
class Credentials:
    """Everything needed to reach one Twilio account.

    ``username`` is the Account SID (auth-token login) or an API key SID (``SK…``); ``password``
    the matching token or key secret. ``api_url``, when set, replaces ``https://api.twilio.com``
    (and regional hosts) so the same code can talk to the simulator or any compatible endpoint.
    ``source`` says where they came from ("environment", "profile 'night'", "demo simulator"),
    for the header and error messages.
    """

    account_sid: str
    username: str
    password: Secret
    region: str | None = None
    edge: str | None = None
    api_url: str | None = None
    source: str = "environment"
    demo: bool = False
    profile: str | None = None
    """The ``[profiles.NAME]`` these came from, for the header and the profile switcher."""
    read_only: bool = False
    """The profile says ``read_only = true``: the back end refuses every action."""
