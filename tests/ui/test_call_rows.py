"""The table's model keeps the same display order incrementally as a full re-sort gives."""

from __future__ import annotations

import random

from tests.ui.table_helpers import make_call
from tui.core.models import Call, CallDiff
from tui.ui.widgets.call_rows import CallRows


def test_incremental_order_matches_a_full_rebuild() -> None:
    """Random diffs (child legs, status moves, a filter) keep the same order a re-sort gives."""
    rng = random.Random(7)
    for sort_column, descending, text in [
        ("started", True, ""),
        ("status", False, "ring"),
        ("from", True, "5"),
        ("queue", False, ""),
    ]:
        live = CallRows()
        live.sort_by(sort_column, descending)
        live.set_filter(text)
        calls: dict[str, Call] = {}
        next_n = 0
        for _ in range(40):
            added = []
            for _ in range(rng.randint(0, 60)):
                parent = rng.choice([None, None, rng.randrange(next_n + 5)])
                call = make_call(
                    next_n,
                    status=rng.choice(["queued", "ringing", "in-progress"]),
                    age_s=float(rng.randrange(500)),
                    parent=parent,
                    queue_time_ms=rng.choice([None, rng.randrange(9000)]),
                )
                added.append(call)
                next_n += 1
            removed = rng.sample(sorted(calls), k=min(len(calls), rng.randint(0, 30)))
            changed = [
                make_call(
                    int(sid[2:], 16),
                    status=rng.choice(["ringing", "in-progress"]),
                    age_s=float(rng.randrange(500)),
                    parent=None
                    if calls[sid].parent_call_sid is None
                    else int(str(calls[sid].parent_call_sid)[2:], 16),
                )
                for sid in rng.sample(sorted(set(calls) - set(removed)), k=min(10, len(calls)))
                if sid not in removed
            ]
            live.apply(CallDiff(tuple(added), tuple(changed), tuple(removed)))
            for sid in removed:
                del calls[sid]
            calls.update((c.sid, c) for c in (*added, *changed))

            fresh = CallRows()
            fresh.sort_by(sort_column, descending)
            fresh.set_filter(text)
            fresh.apply(CallDiff(added=tuple(calls.values())))
            assert len(live.all) == len(calls)
            assert live.view.window(0, len(calls)) == fresh.view.window(0, len(calls))
