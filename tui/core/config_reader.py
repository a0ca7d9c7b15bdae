"""Reading ``config.toml`` for error messages: which line a key is on, and the ``_Config`` checker.

``tomllib`` gives values, not positions; this module keeps the line scan and the small typed
readers (string, secret, seconds, table, url) that every config section uses, so that each
section's loader (profiles, destinations, snippets, floor, limits, ...) can name the file and
line of a problem without knowing how the file is scanned.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

from tui.core.errors import ConfigError, ValidationError
from tui.core.secret import Secret
from tui.core.urls import validate_url

# ---------------------------------------------------------------------------------------------
# Locating keys in the file text (tomllib gives values, not positions)

_PathPart = str | int
_KeyPath = tuple[_PathPart, ...]
_TOKEN_RE: Final = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+')
_ARRAY_HEADER_RE: Final = re.compile(r"^\s*\[\[(.+?)\]\]")
_TABLE_HEADER_RE: Final = re.compile(r"^\s*\[([^\[].*?)\]")
_KEY_RE: Final = re.compile(
    r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
    r"""(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(token.strip("\"'") for token in _TOKEN_RE.findall(text))


class _KeyLines:
    """Maps key paths such as ``("profiles", "night", "auth_token")`` to their 1-based line.

    A line scan good enough for error messages: first occurrence wins, multi-line strings are
    skipped, and a path with no line of its own falls back to its nearest ancestor's.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[_KeyPath, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        arrays: dict[tuple[str, ...], int] = {}
        current: _KeyPath = ()
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                in_multiline = _toggles_multiline(line, in_multiline)
                continue
            if match := _ARRAY_HEADER_RE.match(line):
                names = _split_dotted(match.group(1))
                arrays[names] = arrays.get(names, -1) + 1
                current = (*_with_indexes(names[:-1], arrays), names[-1], arrays[names])
                self._lines.setdefault(current, number)
            elif match := _TABLE_HEADER_RE.match(line):
                current = _with_indexes(_split_dotted(match.group(1)), arrays)
                self._lines.setdefault(current, number)
            elif match := _KEY_RE.match(line):
                self._lines.setdefault((*current, *_split_dotted(match.group(1))), number)
            in_multiline = _toggles_multiline(line, False)

    def line_of(self, path: _KeyPath) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


def _with_indexes(names: tuple[str, ...], arrays: Mapping[tuple[str, ...], int]) -> _KeyPath:
    """``snippets.defaults`` after the 2nd ``[[snippets]]`` is ``("snippets", 1, "defaults")``."""
    parts: list[_PathPart] = []
    for end, name in enumerate(names, start=1):
        parts.append(name)
        if names[:end] in arrays:
            parts.append(arrays[names[:end]])
    return tuple(parts)


def _toggles_multiline(line: str, inside: bool) -> bool:
    for quote in ('"""', "'''"):
        if line.count(quote) % 2 == 1:
            return not inside
    return inside


# ---------------------------------------------------------------------------------------------
# Loading


def _display(path: Path) -> str:
    """The path as a person would type it (``~/.config/...``)."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _table_name(path: _KeyPath) -> str:
    if not path:
        return "the top level"
    if isinstance(path[-1], int):
        names = ".".join(str(p) for p in path[:-1] if not isinstance(p, int))
        return f"[[{names}]] #{path[-1] + 1}"
    return "[" + ".".join(str(p) for p in path if not isinstance(p, int)) + "]"


class _Config:
    """One file being validated: turns problems into ``ConfigError`` with file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.shown = _display(path)
        self.lines = _KeyLines(text)

    def error(self, message: str, path: _KeyPath = (), line: int | None = None) -> ConfigError:
        line = line or (self.lines.line_of(path) if path else None)
        where = f"{self.shown}, line {line}" if line else self.shown
        return ConfigError(f"{where}: {message}")

    def template_line(self, path: _KeyPath, template_line: int | None) -> int | None:
        """The file line of ``template_line`` (1-based) inside the string at ``path``."""
        key_line = self.lines.line_of((*path, "template"))
        if key_line is None or template_line is None:
            return key_line
        opening = self.text.splitlines()[key_line - 1].rstrip()
        # TOML drops the newline right after an opening triple quote.
        first = key_line + 1 if opening.endswith(('"""', "'''")) else key_line
        return first + template_line - 1

    def parse(self) -> dict[str, object]:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as err:
            raise self._syntax_error(str(err)) from None

    def _syntax_error(self, message: str) -> ConfigError:
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        if match:
            reason = message[: match.start()] + message[match.end() :]
            return ConfigError(
                f"{self.shown}, line {match.group(1)}: the file is not valid TOML: "
                f"{reason} (column {match.group(2)})."
            )
        return ConfigError(f"{self.shown}: the file is not valid TOML: {message}.")

    def table(self, value: object, path: _KeyPath, allowed: tuple[str, ...]) -> dict[str, object]:
        """Check ``value`` is a table with only ``allowed`` keys."""
        if not isinstance(value, dict):
            raise self.error(f"{_table_name(path)} must be a table, got {_describe(value)}", path)
        for key in value:
            if key not in allowed:
                raise self.error(self._unknown_key(key, path, allowed), (*path, key))
        return value

    def _unknown_key(self, key: str, path: _KeyPath, allowed: Iterable[str]) -> str:
        hint = difflib.get_close_matches(key, list(allowed), n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        if not path:
            return (
                f"unknown table or key '{key}'{suggestion}; the file may hold [callboard], "
                "[profiles.NAME], [[destinations]], [[snippets]], [limits], [thresholds], "
                "[keys], [supervisor] and [floor]"
            )
        return f"unknown key '{key}' in {_table_name(path)}{suggestion}"

    def string(
        self, table: Mapping[str, object], key: str, path: _KeyPath, *, required: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.error(f"{_table_name(path)} needs '{key}'", path)
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(
                f"{key} must be a non-empty string, got {_describe(value)}", (*path, key)
            )
        return value.strip()

    def secret(self, table: Mapping[str, object], key: str, path: _KeyPath) -> Secret | None:
        """Like :meth:`string`, but the message never shows the value."""
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key} must be a non-empty string", (*path, key))
        return Secret(value.strip())

    def seconds(
        self, table: Mapping[str, object], key: str, path: _KeyPath, bounds: tuple[float, float]
    ) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(
                f"{key} must be a number of seconds, got {_describe(value)}", (*path, key)
            )
        low, high = bounds
        if not low <= value <= high:
            raise self.error(
                f"{key} must be between {low:g} and {high:g} seconds, got {value:g}", (*path, key)
            )
        return float(value)


def _read_text(path: Path) -> str | None:
    """The file's text, or ``None`` when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ConfigError(f"{_display(path)}: cannot be read ({err.strerror or err}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(f"{_display(path)}, line {line}: the file is not UTF-8 text.") from None


def _url(config: _Config, table: Mapping[str, object], key: str, path: _KeyPath) -> str | None:
    value = config.string(table, key, path)
    if value is None:
        return None
    try:
        return validate_url(value).url
    except ValidationError as err:
        raise config.error(f"{key}: {err}", (*path, key)) from None


def _array_of_tables(config: _Config, value: object, name: str) -> list[object]:
    if not isinstance(value, list):
        raise config.error(
            f"{name} must be written as [[{name}]] tables, got {_describe(value)}", (name,)
        )
    return value
