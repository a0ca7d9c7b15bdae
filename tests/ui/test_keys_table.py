"""The README's key table is the bindings' own: regenerate it with scripts/keys_table.py --write."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_key_table_matches_the_bindings() -> None:
    spec = importlib.util.spec_from_file_location("keys_table", ROOT / "scripts" / "keys_table.py")
    assert spec is not None and spec.loader is not None
    keys_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(keys_table)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert keys_table.with_table(readme) == readme, (
        "README.md's key table is out of date: run `uv run python scripts/keys_table.py --write`"
    )
    assert "| calls | `↓` `j` | Down | `cursor-down` |" in readme
