"""A faithful simulator of Twilio's Voice Calls API, for the console's demo mode and for tests.

The console talks to it through the real ``twilio`` SDK over real HTTP on loopback, so nothing in
``tui.core`` or ``tui.ui`` knows it is not Twilio. This package never imports from them.

Besides calls it models the contact-centre floor (:mod:`tui.sim.floor`): conferences and their
participants, queues and their members, call and conference recordings, with Twilio's rules for
joining and leaving; :func:`tui.sim.floor_scene.build_floor_scene` builds a floor for tests and
:mod:`tui.sim.floor_traffic` plays a seeded demo floor.

Run it embedded (:class:`EmbeddedSimulator`) or standalone (``uv run callboard sim`` or
``python -m tui.sim``, see :mod:`tui.sim.standalone`). Faults: :mod:`tui.sim.faults`. Routes:
:mod:`tui.sim.server`; admin endpoints: :mod:`tui.sim.admin_routes`.
"""

from __future__ import annotations

from tui.sim.call_record import CallRecord
from tui.sim.clock import Clock, ManualClock, RealClock
from tui.sim.embedded import EmbeddedSimulator
from tui.sim.engine import CallEngine
from tui.sim.faults import FaultInjector, FaultSpec
from tui.sim.server import RequestRecord
from tui.sim.webhooks import compute_signature

__all__ = [
    "CallEngine",
    "CallRecord",
    "Clock",
    "EmbeddedSimulator",
    "FaultInjector",
    "FaultSpec",
    "ManualClock",
    "RealClock",
    "RequestRecord",
    "compute_signature",
]
