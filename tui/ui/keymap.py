"""The one keymap: every binding with an id can be remapped from ``[keys]`` in config.toml.

Screens and widgets only declare ``Binding(key, action, description, id="kebab-id")``; nothing
here names them. At start-up :func:`known_bindings` imports every module of ``tui.ui`` and reads
the ``BINDINGS`` of each Textual class defined there, :func:`checked_keymap` refuses an unknown
id or a key that would collide with another binding of the same screen or widget, and the app
hands the result to ``App.set_keymap`` (Textual then applies it to every screen, footer and
palette). The help screen and the README's key table ask :func:`keys_in_force`.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _normalize_key_list

from tui.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class KnownBinding:
    """A binding with an id, and the screen or widget class that declares it."""

    binding: Binding
    owner: type[DOMNode]

    @property
    def id(self) -> str:
        assert self.binding.id is not None
        return self.binding.id


def _import_all_ui_modules() -> None:
    import tui.ui

    for module in pkgutil.walk_packages(tui.ui.__path__, prefix="tui.ui."):
        importlib.import_module(module.name)


def _subclasses(cls: type[DOMNode]) -> Iterable[type[DOMNode]]:
    seen: set[type[DOMNode]] = set()
    stack = [cls]
    while stack:
        current = stack.pop()
        for sub in current.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def binding_list(owner: type[DOMNode]) -> list[Binding]:
    """The ``Binding`` objects an owner class declares itself (its ``BINDINGS``)."""
    return [b for b in owner.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]


def known_bindings() -> list[KnownBinding]:
    """Every binding with an id declared by a Callboard class, in a stable order."""
    _import_all_ui_modules()
    found: list[KnownBinding] = []
    owners = [cls for cls in _subclasses(DOMNode) if cls.__module__.startswith("tui.")]
    for owner in sorted(owners, key=lambda cls: (cls.__module__, cls.__qualname__)):
        for binding in binding_list(owner):
            if binding.id:
                found.append(KnownBinding(binding, owner))
    return found


def _where(path: Path | None) -> str:
    return f"{path}: " if path is not None else ""


def checked_keymap(keys: Mapping[str, str], source: Path | None = None) -> dict[str, str]:
    """``[keys]`` as Textual's keymap, or :class:`ConfigError` naming the id and the file."""
    if not keys:
        return {}
    known = known_bindings()
    ids = {item.id for item in known}
    for binding_id in keys:
        if binding_id not in ids:
            hint = difflib.get_close_matches(binding_id, sorted(ids), n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(
                f"{_where(source)}[keys] names no binding '{binding_id}'{suggestion}; the "
                "README's key table lists every binding id."
            )
    keymap = {binding_id: _normalize_key_list(value) for binding_id, value in keys.items()}
    by_owner: dict[type[DOMNode], list[KnownBinding]] = {}
    for item in known:
        by_owner.setdefault(item.owner, []).append(item)
    for owner, items in by_owner.items():
        taken: dict[str, str] = {}
        for item in items:
            for key in keymap.get(item.id, item.binding.key).split(","):
                key = _normalize_key_list(key)
                other = taken.setdefault(key, item.id)
                if other != item.id and (item.id in keymap or other in keymap):
                    raise ConfigError(
                        f"{_where(source)}[keys]: '{key}' would do both '{other}' and "
                        f"'{item.id}' ({owner.__name__}); give one of them another key."
                    )
    return keymap


def key_list(app: App[object], binding: Binding) -> list[str]:
    """The keys of ``binding`` in force now (the user's keymap applied), as displayed."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", {})
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    if binding.id in keymap or binding.key_display is None:
        shown = [
            app.get_key_display(binding.with_key(key.strip(), None)) for key in keys.split(",")
        ]
        return list(dict.fromkeys(shown))
    return [app.get_key_display(binding)]


def keys_in_force(app: App[object], binding: Binding) -> str:
    """How the keys of ``binding`` read now, for the help screen: ``↓/j``."""
    return "/".join(key_list(app, binding))


def key_display(app: App[object], binding_id: str, default: str) -> str:
    """The first key in force for ``binding_id`` (``default`` when unmapped), as displayed."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", {})
    keys = keymap.get(binding_id)
    if not keys:
        return default
    first = keys.split(",")[0]
    return app.get_key_display(Binding(first, "", ""))
