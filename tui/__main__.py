"""``python -m tui`` runs the console, exactly like the ``callboard`` script."""

from tui.cli import main

raise SystemExit(main())
