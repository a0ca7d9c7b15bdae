"""Under a dialog, repaint only what changed: stop Textual's background-screen echo.

While a modal screen is open, Textual 8 still updates the screen under it (the table's Duration
column, the header's clock) and forwards each change to the dialog's screen, which shows the
screen under it through its translucent backdrop. ``Screen._compositor_refresh`` does that
forwarding, but also marks the regions dirty on the background screen itself and asks it to
repaint (``_set_dirty`` + ``_repaint_required``): at its next idle the background screen finds
those same regions dirty again and forwards them again, forever, adding every new change to the
set. Once the whole screen is in it (the screen is repainted in full when the dialog opens),
every idle of the screen underneath rewrites the whole terminal: in Callboard, 25 KB several
times a second while any dialog was open, and 5-10 full frames in the second after it opened
(``tests/benchmarks/bench_terminal.py``).

:func:`install` replaces the method with one that forwards each change once and does not echo it.
Nothing is lost: the background screen repaints in full when it is shown again
(``Screen._on_screen_resume`` calls ``refresh()``). If Textual no longer has the method, or its
code no longer does what is worked around here, nothing is patched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

_ORIGINAL: Callable[[Screen[Any]], None] | None = getattr(Screen, "_compositor_refresh", None)


def _echoes(method: Callable[..., None] | None) -> bool:
    """Whether ``method`` is the Textual 8 code that re-marks a background screen dirty."""
    code = getattr(method, "__code__", None)
    names = set(getattr(code, "co_names", ()))
    return {"_background_screens", "_set_dirty", "_repaint_required", "refresh"} <= names


def compositor_refresh(self: Screen[Any]) -> None:
    """``Screen._compositor_refresh``, forwarding a background screen's changes only once."""
    app = self.app
    dirty = self._compositor._dirty_regions
    if not app.is_inline and self is not app.screen and dirty and self in app._background_screens:
        app.screen.refresh(*dirty)
        dirty.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)
        return
    assert _ORIGINAL is not None
    _ORIGINAL(self)


def install() -> bool:
    """Patch Textual's screen refresh (once); whether the patch is in place."""
    if Screen._compositor_refresh is compositor_refresh:
        return True
    if not _echoes(_ORIGINAL):
        return False
    Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
    return True
