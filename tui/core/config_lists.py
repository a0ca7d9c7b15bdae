"""``[[destinations]]`` and ``[[snippets]]``: the user's redirect targets and TwiML snippets.

Both are arrays of tables whose entries are validated up front (URLs, methods, and that every
snippet renders to valid TwiML with its example values), so a bad entry stops the console with
the file and line instead of failing later when a supervisor picks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tui.core.config_reader import _array_of_tables, _Config, _KeyPath, _table_name, _url
from tui.core.errors import TwimlError, ValidationError
from tui.core.snippets import BUILTIN_SNIPPETS, Snippet
from tui.core.urls import validate_method

_DESTINATION_KEYS: Final = ("name", "url", "method")
_SNIPPET_KEYS: Final = ("key", "title", "template", "defaults")


@dataclass(frozen=True, slots=True)
class Destination:
    """A named redirect target offered to the supervisor (the URL is already validated)."""

    name: str
    url: str
    method: str = "POST"


def _load_destinations(config: _Config, value: object) -> tuple[Destination, ...]:
    destinations: list[Destination] = []
    for index, item in enumerate(_array_of_tables(config, value, "destinations")):
        path: _KeyPath = ("destinations", index)
        table = config.table(item, path, _DESTINATION_KEYS)
        name = config.string(table, "name", path, required=True) or ""
        if any(d.name == name for d in destinations):
            raise config.error(f"a destination named {name!r} is already defined", (*path, "name"))
        url = _url(config, table, "url", path)
        if url is None:
            raise config.error(f"{_table_name(path)} needs 'url'", path)
        method = "POST"
        if "method" in table:
            try:
                method = validate_method(table["method"])
            except ValidationError as err:
                raise config.error(str(err), (*path, "method")) from None
        destinations.append(Destination(name=name, url=url, method=method))
    return tuple(destinations)


def _load_snippets(config: _Config, value: object) -> tuple[Snippet, ...]:
    user = [
        _load_snippet(config, item, ("snippets", index))
        for index, item in enumerate(_array_of_tables(config, value, "snippets"))
    ]
    keys = [snippet.key for snippet in user]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise config.error(
                f"a snippet with key {key!r} is already defined", ("snippets", index)
            )
    builtin = [snippet for snippet in BUILTIN_SNIPPETS if snippet.key not in keys]
    return (*builtin, *user)


def _load_snippet(config: _Config, item: object, path: _KeyPath) -> Snippet:
    table = config.table(item, path, _SNIPPET_KEYS)
    key = config.string(table, "key", path, required=True) or ""
    config.string(table, "template", path, required=True)
    template = str(table["template"])
    title = config.string(table, "title", path) or key
    defaults = table.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise config.error(
            'defaults must be a table of strings, e.g. defaults = { message = "Hello" }',
            (*path, "defaults"),
        )
    unused = [name for name in defaults if f"{{{name}}}" not in template]
    if unused:
        raise config.error(
            f"defaults has '{unused[0]}' but the template has no {{{unused[0]}}} placeholder",
            (*path, "defaults"),
        )
    snippet = Snippet(key=key, title=title, template=template, defaults=defaults)
    try:
        snippet.render(snippet.example_values())
    except TwimlError as err:
        reason = re.sub(r"^Line \d+(, column \d+)?: ", "", str(err))
        line = config.template_line(path, err.line)
        raise config.error(
            f"snippet '{key}' does not make valid TwiML: {reason}", (*path, "template"), line
        ) from None
    except ValidationError as err:
        raise config.error(f"snippet '{key}': {err}", (*path, "template")) from None
    return snippet
