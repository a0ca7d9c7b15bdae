"""What an unhandled crash leaves behind: exit status 70 and a short report in the log directory.

The report says what failed and where (exception type, the frames of the traceback with their
source lines), so a supervisor can send it on; it holds no local variables, and the exception's
message is cleaned of control characters, cut short and stripped of every secret the process
knows (auth token, API secret), so the report can be shared as it is.
"""

from __future__ import annotations

import os
import platform
import time
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

EXIT_CRASH: Final = 70
"""``EX_SOFTWARE`` from sysexits.h: an internal software error."""
_MAX_MESSAGE_CHARS: Final = 300
_MAX_FRAMES: Final = 40


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` on one line, printable, without any of ``secrets``, at most a few hundred chars."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= _MAX_MESSAGE_CHARS else flat[: _MAX_MESSAGE_CHARS - 1] + "…"


def crash_report(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """The report's text: what, where, which versions; no locals, no secrets."""
    secrets = [s for s in secrets if s]
    lines = [
        "Callboard crashed.",
        f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"python: {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"version: {_version()}",
        "",
    ]
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for index, exc in enumerate(chain):
        if index:
            lines.append("while handling:" if exc is chain[index - 1].__context__ else "caused by:")
        lines.append(
            f"{type(exc).__module__}.{type(exc).__qualname__}: {redact(str(exc), secrets)}"
        )
        frames = traceback.extract_tb(exc.__traceback__)[-_MAX_FRAMES:]
        for frame in frames:
            lines.append(f"  {_short_path(frame.filename)}:{frame.lineno} in {frame.name}")
            if frame.line:
                lines.append(f"      {redact(frame.line, secrets)}")
        lines.append("")
    return "\n".join(lines)


def write_crash_report(error: BaseException, directory: Path, secrets: Iterable[str] = ()) -> Path:
    """Write :func:`crash_report` to ``directory/crash-<time>-<pid>.txt`` (mode 600)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    text = crash_report(error, secrets)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _short_path(filename: str) -> str:
    """Paths inside site-packages or the project, without the user's directories."""
    for marker in ("site-packages/", "/tui/"):
        at = filename.rfind(marker)
        if at >= 0:
            return (
                filename[at + len(marker) :] if marker == "site-packages/" else filename[at + 1 :]
            )
    return os.path.basename(filename)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("callboard")
    except Exception:  # pragma: no cover - not installed as a package
        return "unknown"


def known_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """Secrets the environment holds (``TWILIO_AUTH_TOKEN``, ``TWILIO_API_SECRET``)."""
    environ = os.environ if environ is None else environ
    names = ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET")
    return [environ[name] for name in names if environ.get(name)]
