"""`callboard calls …` as a script uses it: output, exit codes, refusals, audit, --yes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import SimThread
from tui.cli import main
from tui.cli_calls import Exit, _exit_for
from tui.core.audit import read_audit_log
from tui.core.models import Action, ActionResult, Outcome

UNKNOWN_SID = "CA" + "0" * 32


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["calls", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def audit_records(tmp_env: Path) -> list[dict[str, object]]:
    return read_audit_log(tmp_env / "logs" / "audit.jsonl")


def in_progress(sim_thread: SimThread) -> list[str]:
    return [s for s in sim_thread.live_sids() if sim_thread.status(s) == "in-progress"]


def test_list_json_has_every_live_call_and_the_table_shows_them(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == Exit.OK
    listed = json.loads(out)
    assert {c["sid"] for c in listed} == set(sim_thread.live_sids())
    assert all(c["status"] in ("queued", "ringing", "in-progress") for c in listed)
    code, out, _ = run(capsys, "list")
    assert code == Exit.OK
    assert out.splitlines()[0].split()[:2] == ["SID", "STATUS"]
    assert all(sid in out for sid in sim_thread.live_sids())


def test_show_a_call_an_unknown_sid_and_a_malformed_one(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = sim_thread.live_sids()[0]
    code, out, _ = run(capsys, "show", sid, "--json")
    assert code == Exit.OK
    shown = json.loads(out)
    assert shown["sid"] == sid and shown["history"] == []
    code, _, err = run(capsys, "show", UNKNOWN_SID)
    assert code == Exit.NOT_FOUND and "no call" in err
    code, _, err = run(capsys, "show", "CA123")
    assert code == Exit.USAGE and "Traceback" not in err


def test_hangup_without_yes_and_without_a_terminal_sends_nothing(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], tmp_env: Path
) -> None:
    sid = in_progress(sim_thread)[0]
    code, out, err = run(capsys, "hangup", sid)
    assert code == Exit.USAGE
    assert "--yes" in err and out == ""
    assert sim_thread.status(sid) == "in-progress"
    assert sim_thread.updates() == []
    assert audit_records(tmp_env) == []


def test_hangup_with_yes_ends_the_call_and_is_audited(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], tmp_env: Path
) -> None:
    sid = in_progress(sim_thread)[0]
    code, out, _ = run(capsys, "hangup", sid, "--yes", "--json")
    assert code == Exit.OK
    [result] = json.loads(out)
    assert result["sid"] == sid and result["outcome"] == "applied"
    assert sim_thread.status(sid) == "completed"
    [record] = audit_records(tmp_env)
    assert record["call_sid"] == sid and record["outcome"] == "applied"

    # Again: the call has ended, so it is refused without sending anything.
    sent_before = len(sim_thread.updates())
    code, out, _ = run(capsys, "hangup", sid, "--yes")
    assert code == Exit.REFUSED
    assert "already ended" in out
    assert len(sim_thread.updates()) == sent_before
    assert audit_records(tmp_env)[-1]["outcome"] == "refused"


def test_some_calls_done_and_some_not_is_a_partial_failure(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = in_progress(sim_thread)[0]
    code, out, _ = run(capsys, "hangup", sid, UNKNOWN_SID, "--yes", "--json")
    assert code == Exit.PARTIAL
    outcomes = {r["sid"]: (r["outcome"], r["code"]) for r in json.loads(out)}
    assert outcomes == {sid: ("applied", None), UNKNOWN_SID: ("refused", 20404)}
    code, _, _ = run(capsys, "hangup", UNKNOWN_SID, "--yes")
    assert code == Exit.NOT_FOUND


def test_bad_input_is_refused_before_anything_is_sent(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], tmp_env: Path
) -> None:
    sid = in_progress(sim_thread)[0]
    cases = [
        ["redirect", sid, "--url", "ftp://example.com/x", "--yes"],
        ["redirect", sid, "--url", "https://example.com/x", "--method", "PUT", "--yes"],
        ["twiml", sid, "--twiml", "<Response><Bogus/></Response>", "--yes"],
        ["twiml", sid, "--snippet", "no-such-snippet", "--yes"],
        ["twiml", sid, "--snippet", "dial-agent", "--set", "agent_number=12", "--yes"],
        ["hangup", "CAnot-a-sid", "--yes"],
    ]
    for argv in cases:
        code, out, err = run(capsys, *argv)
        assert (code, out) == (Exit.USAGE, ""), argv
        assert "Nothing was sent" in err and "Traceback" not in err, argv
    assert sim_thread.updates() == []
    assert audit_records(tmp_env) == []


def test_twiml_from_a_snippet_and_redirect_are_sent_once_each(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], tmp_env: Path
) -> None:
    first, second = in_progress(sim_thread)[:2]
    code, out, _ = run(
        capsys, "twiml", first, "--snippet", "announce", "--set", "message=Hello", "--yes"
    )
    assert code == Exit.OK and "applied" in out
    code, _, err = run(
        capsys, "redirect", second, "--url", "http://127.0.0.1:9/twiml", "--method", "get", "-y"
    )
    assert code == Exit.OK and "plain http" in err
    assert len(sim_thread.updates()) == 2
    records = audit_records(tmp_env)
    assert [r["action"] for r in records] == ["inject_twiml", "redirect"]
    assert "Hello" in str(records[0]["parameters"])
    assert records[1]["parameters"] == {"url": "http://127.0.0.1:9/twiml", "method": "GET"}


def test_read_only_refuses_every_action(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = in_progress(sim_thread)[0]
    code, _, err = run(capsys, "hangup", sid, "--yes", "--read-only")
    assert code == Exit.REFUSED and "read-only" in err
    assert sim_thread.updates() == [] and sim_thread.status(sid) == "in-progress"


def test_wrong_credentials_and_an_unreachable_api(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "f" * 32)
    code, _, err = run(capsys, "list")
    assert code == Exit.CONFIG and "refused the credentials" in err
    assert "f" * 32 not in err
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", sim_thread.sim.auth_token)
    sim_thread.call(lambda: sim_thread.sim.faults.set("error_rate=1"))
    code, _, err = run(capsys, "list")
    assert code == Exit.TWILIO and "HTTP 50" in err
    sim_thread.call(lambda: sim_thread.sim.faults.set(""))
    code, _, err = run(capsys, "show", sim_thread.live_sids()[0], "--api-url", "http://127.0.0.1:9")
    assert code == Exit.TWILIO and "connect" in err


def test_no_credentials_is_a_config_error_never_a_demo(
    tmp_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list")
    assert code == Exit.CONFIG and "--demo" in err and out == ""
    code, out, _ = run(capsys, "list", "--demo", "--calls", "3", "--json")
    assert code == Exit.OK and len(json.loads(out)) >= 3


def test_outcomes_map_to_exit_codes() -> None:
    def result(outcome: Outcome, code: int | None = None, message: str = "") -> ActionResult:
        return ActionResult("CA" + "1" * 32, Action.HANG_UP, outcome, message, code=code)

    assert _exit_for(result(Outcome.APPLIED)) is Exit.OK
    assert _exit_for(result(Outcome.UNKNOWN)) is Exit.UNKNOWN
    assert _exit_for(result(Outcome.REFUSED, 21220)) is Exit.REFUSED
    assert _exit_for(result(Outcome.REFUSED, 20404)) is Exit.NOT_FOUND


@pytest.mark.parametrize(("answer", "expected"), [("n", Exit.REFUSED), ("y", Exit.OK)])
def test_at_a_terminal_it_asks_first_and_only_yes_sends(
    sim_thread: SimThread,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    expected: Exit,
) -> None:
    import sys

    sid = in_progress(sim_thread)[0]
    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)

    def answer_prompt(prompt: str) -> str:
        asked.append(prompt)
        return answer

    monkeypatch.setattr("builtins.input", answer_prompt)
    code, _, err = run(capsys, "hangup", sid)
    assert code == expected
    assert asked and "cannot be undone" in asked[0] and sid in err
    assert sim_thread.status(sid) == ("completed" if answer == "y" else "in-progress")


def test_a_read_only_profile_refuses_actions_from_scripts_too(
    sim_thread: SimThread, capsys: pytest.CaptureFixture[str], tmp_env: Path
) -> None:
    sim = sim_thread.sim
    config = tmp_env / "config.toml"
    config.write_text(
        f'[profiles.board]\naccount_sid = "{sim.account_sid}"\nauth_token = "{sim.auth_token}"\n'
        f'api_url = "{sim.base_url}"\nread_only = true\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    sid = in_progress(sim_thread)[0]
    code, _, err = run(capsys, "hangup", sid, "--yes", "--profile", "board")
    assert code == Exit.REFUSED and "profile 'board' is read-only" in err
    assert sim_thread.updates() == []
    code, out, _ = run(capsys, "list", "--profile", "board")
    assert code == Exit.OK and sid in out
