"""The append-only audit log: one JSON line per action a supervisor took on a call.

Each record is on disk (written with one ``os.write`` to an ``O_APPEND`` descriptor, then
``os.fsync``) before :meth:`AuditLog.record` returns, so the log never claims less than the
screen showed, even if the machine dies right after. Lines from several processes interleave
whole, never mixed.

A record::

    {"time": "2025-01-31T20:36:28.123Z", "operator": "ana", "account": "AC…",
     "call_sid": "CA…", "action": "redirect", "parameters": {"url": "…", "method": "POST"},
     "outcome": "applied", "code": null, "message": "Redirected."}

Secrets never reach the file: any :class:`~tui.core.secret.Secret` value and any parameter whose
name looks secret (token, secret, password, authorization, credential) is replaced by the mask,
as is a password inside a URL.

File I/O here is synchronous but small (one write and one fsync per action, never per poll);
callers in async code may run :meth:`AuditLog.record` through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from tui.core.coordination import AuditMirror
from tui.core.models import ActionResult
from tui.core.secret import MASK, Secret

_log = logging.getLogger(__name__)
_SECRET_KEY_RE: Final = re.compile(r"token|secret|password|passwd|authorization|credential", re.I)
_URL_PASSWORD_RE: Final = re.compile(r"(://[^/?#@\s:]*):[^/?#@\s]*@")
_MAX_DEPTH: Final = 8


def _now() -> str:
    """ISO-8601 UTC with milliseconds and a ``Z``: sortable as text, unambiguous across zones."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def scrub(value: object, depth: int = 0) -> object:
    """A JSON-ready copy of ``value`` with every secret replaced by the mask."""
    if isinstance(value, Secret):
        return MASK
    if isinstance(value, str):
        return _URL_PASSWORD_RE.sub(rf"\1:{MASK}@", value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= _MAX_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        return {
            str(key): MASK if _SECRET_KEY_RE.search(str(key)) else scrub(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub(item, depth + 1) for item in value]
    return scrub(str(value), depth + 1)


class AuditLog:
    """Appends records to, and reads them back from, one JSON-lines file."""

    def __init__(self, path: Path, mirror: AuditMirror | None = None) -> None:
        self.path = path
        self.mirror = mirror
        """Also copies each record (after it is on disk) to a shared stream, e.g. the hub's."""
        self._checked_mode = False

    def record(
        self,
        *,
        operator: str,
        account_sid: str,
        result: ActionResult,
        parameters: Mapping[str, object],
    ) -> None:
        """Append one record and return once it is on disk.

        Raises ``OSError`` if it cannot be written; the caller should tell the supervisor,
        since the action itself has already happened.
        """
        entry = {
            "time": _now(),
            "operator": operator,
            "account": account_sid,
            "call_sid": result.sid,
            "action": str(result.action),
            "parameters": scrub(parameters),
            "outcome": str(result.outcome),
            "code": result.code,
            "message": scrub(result.message),
        }
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))
        if self.mirror is not None:
            try:
                self.mirror.publish(entry)
            except Exception:  # the local record is what counts; the stream is a copy
                _log.exception("could not copy the audit record to the shared stream")

    def entries(self, call_sid: str | None = None) -> list[dict[str, object]]:
        """Every readable record, oldest first; only those for ``call_sid`` when given."""
        records = read_audit_log(self.path, containing=call_sid)
        if call_sid is None:
            return records
        return [record for record in records if record.get("call_sid") == call_sid]

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        created = not self.path.exists()
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            self._tighten_mode(fd)
            if _ends_mid_line(fd):
                data = b"\n" + data  # a crash cut the last record; keep ours on its own line
            written = os.write(fd, data)
            while written < len(data):  # pragma: no cover - regular files write in full
                written += os.write(fd, data[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_directory(self.path.parent)

    def _tighten_mode(self, fd: int) -> None:
        """A log found readable by others is made private once, on first use."""
        if self._checked_mode or os.name != "posix":
            return
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
        self._checked_mode = True


def _ends_mid_line(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def _fsync_directory(directory: Path) -> None:
    """Make the new file's name durable too (POSIX only; harmless to skip elsewhere)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def read_audit_log(path: Path, *, containing: str | None = None) -> list[dict[str, object]]:
    """Every record in the file, oldest first; ``[]`` when there is no file.

    A line that is not a complete JSON object (the last line cut short by a crash, or any
    garbled line) is skipped rather than making the whole log unreadable. With ``containing``,
    only lines holding that text are parsed: the log grows over every shift, and the detail
    screen wants one call's few records out of it.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    records: list[dict[str, object]] = []
    needle = containing.encode() if containing else None
    for raw in data.split(b"\n"):
        if not raw.strip() or (needle is not None and needle not in raw):
            continue
        try:
            record = json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
