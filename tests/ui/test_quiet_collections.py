"""Full garbage collections wait for a quiet moment: never right after a key, and after polls.

Against the embedded simulator with the real app: while it runs the collector makes no full
collection of its own; the app makes them after a poll's rows are painted, once no key came for
a moment; when the app closes the process gets its collector back as it was.
"""

from __future__ import annotations

import gc

from tests.ui.conftest import AppMaker, wait_until
from tui.core.poller import LiveCallPoller


async def test_full_collections_wait_for_the_keys_to_stop(make_app: AppMaker) -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        assert gc.get_threshold()[2] > 10**9, "no full collection of the collector's own"
        table = app.main_screen.table
        await wait_until(pilot, lambda: table.row_count > 0, "the first rows")
        idle = app.idle_collector
        idle.every_changes, idle.every_s, idle.quiet_s = 0, 0.0, 3_600.0
        backend = app.main_screen.backend
        assert backend is not None and isinstance(backend.source, LiveCallPoller)
        poller = backend.source
        await pilot.press("down")
        polls = poller.passes
        await wait_until(pilot, lambda: poller.passes >= polls + 3, "three polls")
        assert idle.collections == 0, "a key within the quiet time: no collection"

        idle.quiet_s = 0.0
        await wait_until(pilot, lambda: idle.collections > 0, "a collection after a poll")
    assert gc.get_threshold() == before
