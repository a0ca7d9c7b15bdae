"""collector_paused: overlapping pauses keep the collector off until the last one ends."""

from __future__ import annotations

import asyncio
import gc

from tui.core.gc_pause import collector_paused


async def test_the_first_task_to_finish_does_not_turn_the_collector_back_on() -> None:
    assert gc.isenabled()
    seen: list[bool] = []
    release = [asyncio.Event() for _ in range(3)]

    async def status_task(index: int) -> None:
        with collector_paused():
            await release[index].wait()
            seen.append(gc.isenabled())

    tasks = [asyncio.create_task(status_task(i)) for i in range(3)]
    await asyncio.sleep(0)
    for event in release:
        event.set()
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert seen == [False, False, False]  # the second and third still ran paused
    assert gc.isenabled()


def test_a_collector_the_application_disabled_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused(), collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_restores_the_collector() -> None:
    try:
        with collector_paused():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
