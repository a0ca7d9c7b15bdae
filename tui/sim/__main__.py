"""``python -m tui.sim`` runs the standalone simulator (see :mod:`tui.sim.standalone`)."""

from __future__ import annotations

from tui.sim.standalone import main

raise SystemExit(main())
