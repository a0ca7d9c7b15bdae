"""The end-to-end benchmark's rows for the next speed targets (issue 11), each beside its baseline.

* First rows at 10,000 calls: from the first listing request leaving the process to the first
  table rows painted, against one page's fetch (that request to its page arriving), goal ≤ 1.2x.
* The longest event-loop block of a refresh at 50,000 calls, goal ≤ 16 ms, beside 10,000.
* The same 10,000-call refresh with the simulator serving compact JSON (no spaces after ``,`` and
  ``:``) beside Twilio's spacing, when the run has the ``10000-compact`` part.
"""

from __future__ import annotations

import statistics
from typing import Any

FIRST_ROWS_RATIO = 1.2
BLOCK_MS = 16.0
LATE_GC_MS = 10.0


def first_rows(
    sent: list[tuple[str, str, float]], arrivals: list[float], painted_at: float | None
) -> dict[str, float]:
    """From the aiohttp trace of the first pass: when its first listing request left, its first
    page arrived and the first rows were painted (milliseconds from that request)."""
    listing = [at for method, url, at in sent if method == "GET" and "/Calls.json" in url]
    if not listing or not arrivals or painted_at is None:
        return {}
    start = listing[0]
    pages = [at for at in arrivals if at > start]  # the account's name is fetched before
    if not pages:
        return {}
    return {
        "first_page_fetch_ms": (pages[0] - start) * 1000,
        "first_rows_ms": (painted_at - start) * 1000,
        "last_page_ms": (arrivals[-1] - start) * 1000,
    }


def _median_block(run: dict[str, Any]) -> tuple[float, float]:
    blocks = [f["max_block_ms"] for f in run["refreshes"]]
    return statistics.median(blocks), max(blocks)


def next_target_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, bool | None]]:
    rows: list[tuple[str, str, str, str, bool | None]] = []
    first = results["10000"]["first_poll"]
    if "first_rows_ms" in first:
        # One 1,000-call page: the in-progress listing is a chain of pages fetched one after
        # another (queued and ringing fit in one page each), so the pass's fetch ÷ its length.
        # (The first page to arrive is the small queued one: not a full page's fetch.)
        page_ms = first["fetch_ms"] / max(1, first["requests"] - 2)
        ratio = first["first_rows_ms"] / max(page_ms, 1e-9)
        rows.append(
            (
                "first rows at 10,000 calls within 1.2x one page's fetch (first request → rows "
                "painted)",
                f"{first['first_rows_ms']:.0f} ms (the last of {first['requests']} pages arrived "
                f"at {first['last_page_ms']:.0f} ms)",
                f"one 1,000-call page's fetch (the pass's {first['fetch_ms']:.0f} ms ÷ its "
                f"{max(1, first['requests'] - 2)} in-progress pages): {page_ms:.0f} ms",
                f"{ratio:.2f}x",
                ratio <= FIRST_ROWS_RATIO,
            )
        )
    median50, worst50 = _median_block(results["50000"])
    median10, _ = _median_block(results["10000"])
    rows.append(
        (
            "longest event-loop block during a refresh at 50,000 calls ≤ 16 ms",
            f"{median50:.1f} ms median, {worst50:.1f} ms worst",
            f"the same at 10,000 calls: {median10:.1f} ms median",
            f"{median50 / max(median10, 1e-9):.1f}x",
            worst50 <= BLOCK_MS,
        )
    )
    compact = results.get("10000-compact")
    if compact is not None:
        spaced = results["10000"]["refreshes"]
        packed = compact["refreshes"]

        def med(key: str, runs: list[dict[str, Any]]) -> float:
            return statistics.median(f[key] for f in runs)

        rows.append(
            (
                "a 10,000-call refresh with compact JSON (longest block; CPU per poll; bytes)",
                f"{med('max_block_ms', packed):.1f} ms; {med('cpu_ms', packed):.0f} ms; "
                f"{packed[-1]['bytes'] / 1e6:.1f} MB",
                f"Twilio's spacing: {med('max_block_ms', spaced):.1f} ms; "
                f"{med('cpu_ms', spaced):.0f} ms; {spaced[-1]['bytes'] / 1e6:.1f} MB",
                f"{med('cpu_ms', packed) / max(med('cpu_ms', spaced), 1e-9):.2f}x CPU",
                med("max_block_ms", packed) <= BLOCK_MS,
            )
        )
    return rows


def late_gc_row(gc: dict[str, Any]) -> tuple[str, str, str, str, bool | None]:
    """The late-shift collection (``e2e_gc``): met when no full collection ran in a poll or
    under a key (all at quiet moments), or when the longest a key could meet is ≤ 10 ms."""
    busy = gc.get("busy_full", 0)
    quiet = gc.get("quiet_full", 0)
    longest = max(gc.get("busy_full_ms", 0.0), gc.get("quiet_full_ms", 0.0), gc["frozen_ms"])
    figure = (
        f"{busy} full collections in polls or under keys"
        + (f" (longest {gc['busy_full_ms']:.0f} ms)" if busy else "")
        + f", {quiet} at quiet moments (longest {gc.get('quiet_full_ms', 0.0):.0f} ms: a key "
        f"pressed in that instant waits that long); one now: {gc['frozen_ms']:.0f} ms, "
        f"{gc['tracked']:,} objects tracked; longest young collection "
        f"{gc.get('longest_young_ms', 0.0):.0f} ms"
        + (f"; {gc['left']} start-up calls still live" if gc["left"] else "")
    )
    return (
        "full garbage collection at 10,000 calls once every call of start-up is replaced: "
        "≤ 10 ms, or only at quiet moments",
        figure,
        f"the same heap with nothing frozen: {gc['unfrozen_ms']:.0f} ms",
        f"{gc['unfrozen_ms'] / max(gc['frozen_ms'], 1e-9):.0f}x shorter (one now)",
        busy == 0 or longest <= LATE_GC_MS,
    )
