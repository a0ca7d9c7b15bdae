"""The README's key table, generated from the bindings: `uv run python scripts/keys_table.py`.

Prints the table; `--write` rewrites it in README.md between the markers
``<!-- keys:start -->`` and ``<!-- keys:end -->``. ``tests/ui/test_keys_table.py`` fails when the
README and the bindings disagree. Every key listed can be remapped under ``[keys]`` by its id.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- keys:start -->", "<!-- keys:end -->"

WHERE = {
    "CallTable": "calls",
    "MainScreen": "calls",
    "CallboardApp": "anywhere",
}
"""Owner class → the "where" column; other classes show their own name without 'Screen'."""


def _where(owner: str) -> str:
    return WHERE.get(owner, owner.removesuffix("Screen") or owner)


def rows() -> Iterable[tuple[str, list[str], str, str]]:
    """(where, keys, description, binding id) for every binding with an id."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from textual.app import App

    from tui.ui.keymap import key_list, known_bindings

    app: App[None] = App()
    seen: set[tuple[str, str]] = set()
    items = known_bindings()
    items.sort(
        key=lambda item: (_where(item.owner.__name__) != "calls", _where(item.owner.__name__))
    )
    for item in items:
        where = _where(item.owner.__name__)
        if (where, item.id) in seen:
            continue
        seen.add((where, item.id))
        keys = key_list(app, item.binding)  # type: ignore[arg-type]
        description = item.binding.description or item.binding.action
        yield where, keys, description, item.id


def table() -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| where | key | what it does | binding id |", "|---|---|---|---|"]
    for where, keys, description, binding_id in rows():
        shown = " ".join(f"`{key}`" for key in keys)
        lines.append(f"| {where} | {cell(shown)} | {cell(description)} | `{binding_id}` |")
    return "\n".join(lines)


def with_table(readme: str) -> str:
    """``readme`` with the generated table between the markers (which must be there)."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[:start] + "\n" + table() + "\n" + readme[end:]


def main(argv: list[str]) -> int:
    if "--write" in argv:
        README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"rewrote the key table in {README}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
