"""IdleCollector: full collections only at quiet moments, and the collector's own turned off.

A supervisor notices a full collection as a key that answers late; these check when the console
would run one (a fake clock stands for time) and that it leaves the process as it found it.
"""

from __future__ import annotations

import gc

from tui.core.gc_pause import IdleCollector


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_no_collection_right_after_a_key_and_one_once_the_keys_stop() -> None:
    clock = FakeClock()
    idle = IdleCollector(quiet_s=1.0, every_changes=100, clock=clock)
    idle.changed(3_000, live=10_000)  # a quarter of the calls replaced, and more
    idle.activity()
    clock.now += 0.5
    assert not idle.due(), "a key half a second ago: the supervisor is at work"
    clock.now += 0.6
    assert idle.due()
    idle.collect()
    assert idle.collections == 1 and idle.longest_ms >= idle.last_ms > 0.0
    assert not idle.due(), "nothing has changed since"


def test_a_few_changes_wait_for_a_quarter_of_the_calls_or_the_interval() -> None:
    clock = FakeClock()
    idle = IdleCollector(quiet_s=1.0, every_changes=100, every_s=120.0, clock=clock)
    idle.changed(400, live=10_000)
    clock.now += 5
    assert not idle.due(), "400 of 10,000 calls: not worth a full collection yet"
    idle.changed(2_100, live=10_000)
    assert idle.due()
    idle.collect()
    idle.changed(10, live=10_000)
    clock.now += 121
    assert idle.due(), "two minutes on, whatever changed"


def test_keys_that_never_stop_still_get_a_collection_when_it_is_overdue() -> None:
    clock = FakeClock()
    idle = IdleCollector(quiet_s=1.0, overdue_s=300.0, clock=clock)
    for _ in range(400):
        clock.now += 0.8
        idle.activity()
        idle.changed(50, live=10_000)
        if idle.due():
            break
    assert idle.due() and clock.now - 1000.0 >= 300.0


def test_install_turns_automatic_full_collections_off_and_uninstall_restores_them() -> None:
    before = gc.get_threshold()
    idle = IdleCollector()
    idle.install()
    try:
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full > 10**9
        idle.install()  # twice is once
    finally:
        idle.uninstall()
    assert gc.get_threshold() == before
