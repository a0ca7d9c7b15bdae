"""The README's performance tables, cut from the end-to-end report of the same run.

The README shows the report's "Targets at 10,000 live calls" and "Scaling" tables as they are;
``scripts/publish_results.py`` puts them between the README's ``performance`` and ``scaling``
markers, and the run's machine line between its ``machine`` markers.
"""

from __future__ import annotations

BLOCKS = {
    "performance": "## Targets at 10,000 live calls",
    "scaling": "## Scaling: one refresh at 1k / 10k / 50k live calls (~1% churn)",
}


def table_after(report: str, heading: str) -> str:
    """The first Markdown table after ``heading`` in ``report``."""
    lines = report.splitlines()
    start = lines.index(heading)
    rows: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return "\n".join(rows) + "\n"


def readme_blocks(report: str) -> dict[str, str]:
    blocks = {name: table_after(report, heading) for name, heading in BLOCKS.items()}
    machine = [line for line in report.splitlines() if line.startswith("Machine: ")]
    if machine:
        blocks["machine"] = machine[0] + "\n"
    return blocks
