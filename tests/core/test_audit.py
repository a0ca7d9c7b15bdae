"""The audit log: complete, private, crash-tolerant, and free of secrets."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from tui.core.audit import AuditLog, read_audit_log
from tui.core.models import Action, ActionResult, Outcome
from tui.core.secret import MASK, Secret

AC = "AC" + "0" * 32
CA1 = "CA" + "1" * 32
CA2 = "CA" + "2" * 32
TOKEN = "tok-5up3r-s3cr3t"


def result(sid: str = CA1, **overrides: object) -> ActionResult:
    fields: dict[str, object] = {
        "sid": sid, "action": Action.REDIRECT, "outcome": Outcome.APPLIED, "message": "Redirected.",
    }  # fmt: skip
    fields.update(overrides)
    return ActionResult(**fields)  # type: ignore[arg-type]


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "logs" / "audit.jsonl")


def test_records_round_trip(log: AuditLog) -> None:
    log.record(operator="ana", account_sid=AC, result=result(),
               parameters={"url": "https://x.example/ivr", "method": "POST"})  # fmt: skip
    failed = result(CA2, action=Action.HANG_UP, outcome=Outcome.REFUSED, code=21220,
                    message="The call is not in progress.")  # fmt: skip
    log.record(operator="ana", account_sid=AC, result=failed, parameters={})
    first, second = log.entries()
    assert first == {
        "time": first["time"], "operator": "ana", "account": AC, "call_sid": CA1,
        "action": "redirect", "parameters": {"url": "https://x.example/ivr", "method": "POST"},
        "outcome": "applied", "code": None, "message": "Redirected.",
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(first["time"]))
    assert (second["action"], second["outcome"], second["code"]) == ("hang_up", "refused", 21220)
    assert log.entries(CA2) == [second]
    assert read_audit_log(log.path) == [first, second]


def test_each_record_is_one_line(log: AuditLog) -> None:
    log.record(operator="ana", account_sid=AC, result=result(message="two\nlines"),
               parameters={"twiml": "<Response>\n<Say>é</Say>\n</Response>"})  # fmt: skip
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["parameters"]["twiml"].endswith("</Response>")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_is_private(log: AuditLog) -> None:
    log.record(operator="ana", account_sid=AC, result=result(), parameters={})
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_an_existing_world_readable_log_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    os.chmod(path, 0o644)
    AuditLog(path).record(operator="ana", account_sid=AC, result=result(), parameters={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_truncated_last_line_is_skipped_and_the_next_record_is_whole(log: AuditLog) -> None:
    log.record(operator="ana", account_sid=AC, result=result(), parameters={})
    with log.path.open("ab") as f:
        f.write(b'{"time": "2025-01-01T00:00:00.000Z", "operator": "an')  # crash mid-write
    assert [e["call_sid"] for e in log.entries()] == [CA1]
    log.record(operator="bo", account_sid=AC, result=result(CA2), parameters={})
    assert [e["call_sid"] for e in log.entries()] == [CA1, CA2]


def test_garbage_lines_and_a_missing_file_do_not_fail(tmp_path: Path) -> None:
    assert read_audit_log(tmp_path / "nothing.jsonl") == []
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b'{"call_sid": "a"}\n\xff\xfe\n[1, 2]\n\n{"call_sid": "b"}\n{"call')
    assert [e["call_sid"] for e in read_audit_log(path)] == ["a", "b"]


def test_secrets_never_reach_the_file(log: AuditLog) -> None:
    parameters = {
        "token_value": Secret(TOKEN),
        "auth_token": TOKEN,
        "api_secret": TOKEN,
        "Authorization": f"Basic {TOKEN}",
        "password": TOKEN,
        "nested": {"webhook_password": TOKEN, "items": [Secret(TOKEN), "ok"]},
        "url": f"https://ana:{TOKEN}@example.com/ivr",
        "method": "POST",
    }
    log.record(operator="ana", account_sid=AC, result=result(), parameters=parameters)
    text = log.path.read_text(encoding="utf-8")
    assert TOKEN not in text
    (entry,) = log.entries()
    recorded = entry["parameters"]
    assert isinstance(recorded, dict)
    assert recorded["token_value"] == MASK and recorded["auth_token"] == MASK
    assert recorded["nested"] == {"webhook_password": MASK, "items": [MASK, "ok"]}
    assert recorded["url"] == f"https://ana:{MASK}@example.com/ivr"
    assert recorded["method"] == "POST"
