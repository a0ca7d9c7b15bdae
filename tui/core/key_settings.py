"""``[keys]``: the user's keymap, binding id → keys, checked for shape here and for ids in the UI.

    [keys]
    cursor-down = "down,n"     # a binding id (see the README's key table) = one or more keys
    hang-up = "ctrl+h"

Binding ids are kebab-case (a dot would split the TOML key into a table). Only the shape is
checked here (no Textual in the core); ``tui.ui.keymap`` checks that each id names a binding and
turns the mapping into Textual's keymap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tui.core.config_reader import _Config

BINDING_ID_RE: Final = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
KEY_RE: Final = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z0-9_]+|[^\s,])$")
"""One key as Textual names it: ``j``, ``G``, ``ctrl+x``, ``f5``, ``question_mark`` or ``?``."""


def load_keys(config: _Config, value: object) -> Mapping[str, str]:
    """Validate ``[keys]``: kebab-case ids, each mapped to a comma-separated list of keys."""
    if not isinstance(value, dict):
        raise config.error('[keys] must be a table of binding-id = "key"', ("keys",))
    keymap: dict[str, str] = {}
    for binding_id, keys in value.items():
        path = ("keys", binding_id)
        if isinstance(keys, dict):
            inner = next(iter(keys), "")
            raise config.error(
                f"'{binding_id}.{inner}' has a dot: binding ids have no dots; write "
                f'{binding_id}-{inner} = "key" with dashes',
                (*path, inner),
            )
        if not BINDING_ID_RE.match(binding_id):
            raise config.error(
                f"'{binding_id}' is not a binding id (lower-case words joined by dashes, "
                "e.g. cursor-down)",
                path,
            )
        if not isinstance(keys, str) or not keys.strip():
            raise config.error(f'{binding_id} must be a string of keys, e.g. "j"', path)
        names = [name.strip() for name in keys.split(",")]
        bad = next((name for name in names if not KEY_RE.match(name)), None)
        if bad is not None:
            raise config.error(
                f'{binding_id}: {bad!r} is not a key (write keys like "j", "G", "ctrl+x", '
                '"f5", separated by commas)',
                path,
            )
        keymap[binding_id] = ",".join(names)
    return MappingProxyType(keymap)
