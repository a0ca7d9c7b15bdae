"""The [limits] table of config.toml: defaults well above a 50,000-call floor, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_config import refused, write
from tui.core.config import load_settings
from tui.core.limits import MIB, PassLimits


def test_defaults_hold_a_floor_well_above_50000_calls(tmp_path: Path) -> None:
    limits = load_settings(tmp_path / "missing.toml").limits
    assert limits == PassLimits()
    assert limits.max_records >= 4 * 50_000
    assert limits.max_bytes >= 4 * 50_000 * 2_400  # ~2.4 KB per call as Twilio sends it
    assert limits.max_pages * 1_000 >= limits.max_records


def test_limits_are_read_from_their_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[limits]\nmax_records = 5000\nmax_pages = 20\nmax_bytes = 2097152\n"
        "max_field_chars = 100\n",
    )
    assert load_settings(path).limits == PassLimits(
        max_records=5_000, max_pages=20, max_bytes=2 * MIB, max_field_chars=100
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[limits]\nmax_records = 10\n", "line 2: max_records must be between 1,000 and"),
        ('[limits]\nmax_bytes = "512 MiB"\n', "max_bytes must be a whole number, got the text"),
        ("[limits]\nmax_pages = 2.5\n", "max_pages must be a whole number, got a float"),
        ("[limits]\nmax_recrods = 5000\n", "unknown key 'max_recrods' in [limits] (did you mean"),
        ("limits = 5\n", "[limits] must be a table"),
    ],
)
def test_bad_limits_are_refused_with_file_line_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refused(tmp_path, text)
