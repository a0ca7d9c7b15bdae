"""Work-arounds for Textual defects that matter to a console left open for a whole shift.

Each one is small, guarded (it does nothing if Textual changes the code it works around) and
names the upstream issue, so it can be dropped once Textual fixes the defect. Without them,
every dialog opened and closed left about 2,000 objects alive: after a few hundred, memory had
grown by tens of megabytes and each full garbage collection walked them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

SWEEP_EVERY_S: Final = 2.0
"""How often the app runs :func:`sweep` (it also runs each time a dialog closes)."""


def sweep(app: App[Any]) -> None:
    """Release what Textual would keep of widgets that are gone (see the functions below)."""
    release_styles_caches()
    release_dead_watchers(app)
    for screen in app.screen_stack:
        for node in screen.walk_children(with_self=True):
            release_dead_watchers(node)


def release_styles_caches() -> None:
    """Let Textual free the render caches of widgets that are gone.

    Textual 8 decorates ``StylesCache.get_inner_outer``, an instance method, with
    ``functools.lru_cache(1024)`` (Textualize/textual#6665). Its keys keep every widget's
    ``StylesCache`` alive, and with it every line that widget ever rendered, until 1,024 newer
    entries push it out. In Callboard each dialog opened and closed left about 2,000 objects
    behind, and toasts and footer keys add more: after a few hundred dialogs the garbage
    collector walked hundreds of thousands of dead objects in every full collection. Clearing
    the cache costs only the recomputation of two background styles per widget.
    """
    if _CLEAR_INNER_OUTER is not None:
        _CLEAR_INNER_OUTER()


def _inner_outer_cache_clear() -> Callable[[], None] | None:
    """``StylesCache.get_inner_outer.cache_clear``, or None if this Textual has no such thing.

    Looked up by name in a private module, so a Textual release that moves it turns the
    work-around off instead of stopping the console at import.
    """
    try:
        module = importlib.import_module("textual._styles_cache")
    except ImportError:  # pragma: no cover - depends on the Textual release
        return None
    method = getattr(getattr(module, "StylesCache", None), "get_inner_outer", None)
    cache_clear = getattr(method, "cache_clear", None)
    return cache_clear if callable(cache_clear) else None


_CLEAR_INNER_OUTER: Final = _inner_outer_cache_clear()


def release_dead_watchers(node: DOMNode) -> None:
    """Drop the watchers that removed widgets left on ``node``.

    A widget that watches a reactive of a longer-lived node (``data_bind``, ``self.watch``)
    leaves ``(widget, callback)`` on that node, and Textual 8 prunes the entry only when the
    watched value changes (Textualize/textual#6666). ``Footer`` recomposes its keys on every
    screen or binding change and each ``FooterKey`` binds to the footer's ``compact``, which
    never changes here: two keys, and all they rendered, stayed alive for every dialog opened.
    Pruned here the way Textual prunes them when the value changes.
    """
    watchers = getattr(node, "__watchers", None)  # set by textual.reactive._watch
    if not isinstance(watchers, dict):
        return
    for entries in watchers.values():
        if isinstance(entries, list):
            entries[:] = [entry for entry in entries if not getattr(entry[0], "_closing", False)]
