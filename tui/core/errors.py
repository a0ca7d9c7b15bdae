"""The errors Callboard shows to a supervisor.

Every error carries a sentence meant for a person (``str(err)``); nothing below the UI ever lets
a traceback reach the screen. None of these messages may contain a secret.
"""

from __future__ import annotations


class CallboardError(Exception):
    """Base class: ``str(error)`` is a complete sentence a supervisor can act on."""


class ConfigError(CallboardError):
    """The configuration (file, profile, environment) is unusable; the app must not start."""


class ValidationError(CallboardError):
    """User input was refused before anything was sent.

    ``line`` is the 1-based line of the input the problem is on, when it has one.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class TwimlError(ValidationError):
    """TwiML that will not be sent (malformed, hostile, too long, unknown verb)."""


class UrlError(ValidationError):
    """A URL that will not be sent (relative, wrong scheme, credentials, control characters)."""


class SidError(ValidationError):
    """A Call SID that is not ``CA`` followed by 32 hex digits."""


class ActionFailed(CallboardError):
    """Twilio refused or could not be asked; ``code`` is Twilio's error code when there is one."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
