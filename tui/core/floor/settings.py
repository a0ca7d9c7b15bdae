"""``[supervisor]`` and ``[floor]`` in config.toml: the supervisor's device and the floor's cost.

```toml
[supervisor]
device = "client:ana"            # dialled to listen in: +E.164, sip:user@host or client:identity
caller_id = "+14155550100"       # the From of that call (a Twilio number or verified caller ID)
hold_music_url = "https://example.com/hold.xml"   # optional; Twilio's own hold music otherwise

[floor]
request_budget = 20              # room requests per pass, 1 to 500
poll_interval = 3                # seconds between floor passes, 1 to 300
```

Both tables are optional. Without ``device`` and ``caller_id``, listen/whisper/barge and warm
transfer say what to add to the file instead of dialling anything. Like the rest of the file,
every mistake stops the console with a sentence naming the file, the line and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from tui.core.errors import ConfigError, ValidationError
from tui.core.floor.addresses import validate_address, validate_caller_id
from tui.core.urls import validate_url

TABLES: Final = ("supervisor", "floor")
SUPERVISOR_KEYS: Final = ("device", "caller_id", "hold_music_url")
FLOOR_KEYS: Final = ("request_budget", "poll_interval")
BUDGET_RANGE: Final = (1, 500)
INTERVAL_RANGE: Final = (1.0, 300.0)
DEFAULT_BUDGET: Final = 20
DEFAULT_INTERVAL_S: Final = 3.0

_PathPart = str | int
_KeyPath = tuple[_PathPart, ...]


class ConfigReader(Protocol):
    """What this module needs of the config file being read (``tui.core.config_reader._Config``)."""

    def error(self, message: str, path: _KeyPath = (), line: int | None = None) -> ConfigError: ...

    def table(
        self, value: object, path: _KeyPath, allowed: tuple[str, ...]
    ) -> dict[str, object]: ...

    def string(
        self, table: Mapping[str, object], key: str, path: _KeyPath, *, required: bool = False
    ) -> str | None: ...


@dataclass(frozen=True, slots=True)
class SupervisorSettings:
    """The supervisor's own device, dialled into a room to listen, whisper or barge."""

    device: str | None = None
    caller_id: str | None = None
    hold_music_url: str | None = None

    @property
    def can_dial(self) -> bool:
        return self.device is not None and self.caller_id is not None

    def missing(self) -> str | None:
        """A sentence saying what to add to config.toml before dialling, or ``None``."""
        gaps = [key for key in ("device", "caller_id") if getattr(self, key) is None]
        if not gaps:
            return None
        keys = " and ".join(gaps)
        return (
            f"Set {keys} in the [supervisor] table of config.toml first: Callboard dials your "
            "own phone, SIP address or client: identity into the room (a terminal has no audio)."
        )


@dataclass(frozen=True, slots=True)
class FloorSettings:
    """How much the floor may cost each pass, and the supervisor's device."""

    request_budget: int = DEFAULT_BUDGET
    poll_interval_s: float = DEFAULT_INTERVAL_S
    supervisor: SupervisorSettings = field(default_factory=SupervisorSettings)


def load_floor_settings(config: ConfigReader, data: Mapping[str, object]) -> FloorSettings:
    """Read ``[supervisor]`` and ``[floor]`` from the parsed file (either may be absent)."""
    supervisor = _load_supervisor(config, data.get("supervisor", {}))
    floor = config.table(data.get("floor", {}), ("floor",), FLOOR_KEYS)
    budget = _integer(config, floor, "request_budget", BUDGET_RANGE)
    interval = _seconds(config, floor, "poll_interval", INTERVAL_RANGE)
    return FloorSettings(
        request_budget=DEFAULT_BUDGET if budget is None else budget,
        poll_interval_s=DEFAULT_INTERVAL_S if interval is None else interval,
        supervisor=supervisor,
    )


def _load_supervisor(config: ConfigReader, value: object) -> SupervisorSettings:
    path: _KeyPath = ("supervisor",)
    table = config.table(value, path, SUPERVISOR_KEYS)
    device = config.string(table, "device", path)
    caller_id = config.string(table, "caller_id", path)
    hold = config.string(table, "hold_music_url", path)
    try:
        if device is not None:
            device = validate_address(device, what="device")
    except ValidationError as err:
        raise config.error(str(err).rstrip("."), (*path, "device")) from None
    try:
        if caller_id is not None:
            caller_id = validate_caller_id(caller_id)
    except ValidationError as err:
        raise config.error(str(err).rstrip("."), (*path, "caller_id")) from None
    try:
        if hold is not None:
            hold = validate_url(hold).url
    except ValidationError as err:
        message = f"hold_music_url: {err}".rstrip(".")
        raise config.error(message, (*path, "hold_music_url")) from None
    if (device is None) != (caller_id is None):
        given, needed = ("device", "caller_id") if caller_id is None else ("caller_id", "device")
        raise config.error(
            f"[supervisor] has '{given}' but not '{needed}': Twilio needs both to dial you "
            "into a room",
            (*path, given),
        )
    return SupervisorSettings(device=device, caller_id=caller_id, hold_music_url=hold)


def _integer(
    config: ConfigReader, table: Mapping[str, object], key: str, bounds: tuple[int, int]
) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        raise config.error(
            f"{key} must be a whole number from {low} to {high}, got {value!r}", ("floor", key)
        )
    if not low <= value <= high:
        raise config.error(f"{key} must be from {low} to {high}, got {value}", ("floor", key))
    return value


def _seconds(
    config: ConfigReader, table: Mapping[str, object], key: str, bounds: tuple[float, float]
) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise config.error(f"{key} must be a number of seconds, got {value!r}", ("floor", key))
    if not low <= value <= high:
        raise config.error(
            f"{key} must be between {low:g} and {high:g} seconds, got {value:g}", ("floor", key)
        )
    return float(value)
