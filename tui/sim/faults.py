"""Fault injection for the API: latency, 500/503s, 429s, dropped connections, an outage window.

Off by default; set at start or at any time while running (``sim.faults.set("…")``, or
``POST /_sim/faults`` from another process). Faults apply to the Twilio API routes only, never to
the ``/_sim/`` admin routes, so a test can always switch them off again.

Spec grammar (``--faults`` on the command line), comma-separated ``key=value`` items::

    latency=DURATION      fixed delay before every API response          (e.g. 50ms, 0.2s, 1)
    jitter=DURATION       plus a uniform random delay in [-jitter, +jitter] (never below 0)
    error_rate=SHARE      share of requests answered 500 (20500) or 503 (20503), half each
    rate_limit=SHARE      share of requests answered 429 (20429) with Retry-After
    retry_after=DURATION  the Retry-After given with those 429s (whole seconds, default 1);
                          ``none`` sends 429s without the header (Twilio does not promise it)
    drop=SHARE            share of connections closed without any response
    outage=DURATION@DURATION   every request fails 503 for the first duration, starting the
                          second duration after the spec is set (``outage=30s@60s``)
    concurrency=N         at most N API requests at once; the rest get 429 (Twilio's limit)

DURATION is a number with ``ms``, ``s`` or ``m`` (bare numbers are seconds); SHARE is a fraction
``0.05`` or a percentage ``5%``. Example::

    latency=50ms,jitter=20ms,error_rate=0.1,rate_limit=0.05,retry_after=2,drop=0.05,outage=30s@60s
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict, dataclass, replace
from typing import Final

from tui.sim import api_errors
from tui.sim.api_errors import ApiError
from tui.sim.clock import Clock


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """What to break; every field at its default means "behave"."""

    latency: float = 0.0
    jitter: float = 0.0
    error_rate: float = 0.0
    rate_limit: float = 0.0
    retry_after: float = 1.0
    drop: float = 0.0
    outage_duration: float = 0.0
    outage_start: float = 0.0
    concurrency: int = 0

    @property
    def active(self) -> bool:
        return self != FaultSpec(retry_after=self.retry_after)

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Read the grammar in this module's docstring; ``ValueError`` says what is wrong."""
        spec = cls()
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, value = item.partition("=")
            name = name.strip().lower().replace("-", "_")
            if not sep or not value.strip():
                raise ValueError(f"fault {item!r} needs a value, like {name}=…")
            value = value.strip()
            if name == "latency":
                spec = replace(spec, latency=parse_duration(value))
            elif name == "jitter":
                spec = replace(spec, jitter=parse_duration(value))
            elif name in ("error_rate", "errors"):
                spec = replace(spec, error_rate=parse_share(value))
            elif name in ("rate_limit", "throttle"):
                spec = replace(spec, rate_limit=parse_share(value))
            elif name == "retry_after" and value.lower() == "none":
                spec = replace(spec, retry_after=0.0)
            elif name == "retry_after":
                spec = replace(spec, retry_after=max(1.0, parse_duration(value)))
            elif name == "drop":
                spec = replace(spec, drop=parse_share(value))
            elif name == "outage":
                length, at_sep, start = value.partition("@")
                spec = replace(
                    spec,
                    outage_duration=parse_duration(length),
                    outage_start=parse_duration(start) if at_sep else 0.0,
                )
            elif name == "concurrency":
                try:
                    spec = replace(spec, concurrency=max(0, int(value)))
                except ValueError:
                    raise ValueError(f"concurrency must be a whole number, not {value!r}") from None
            else:
                raise ValueError(f"unknown fault {name!r} (known: {', '.join(KNOWN_FAULTS)})")
        return spec

    def describe(self) -> str:
        """The spec in its own grammar (round-trips through :meth:`parse`)."""
        parts = []
        if self.latency:
            parts.append(f"latency={self.latency * 1000:g}ms")
        if self.jitter:
            parts.append(f"jitter={self.jitter * 1000:g}ms")
        if self.error_rate:
            parts.append(f"error_rate={self.error_rate:g}")
        if self.rate_limit:
            parts.append(f"rate_limit={self.rate_limit:g}")
        if self.retry_after == 0.0:
            parts.append("retry_after=none")
        elif self.retry_after != 1.0:
            parts.append(f"retry_after={self.retry_after:g}s")
        if self.drop:
            parts.append(f"drop={self.drop:g}")
        if self.outage_duration:
            parts.append(f"outage={self.outage_duration:g}s@{self.outage_start:g}s")
        if self.concurrency:
            parts.append(f"concurrency={self.concurrency}")
        return ",".join(parts)


KNOWN_FAULTS: Final = (
    "latency", "jitter", "error_rate", "rate_limit", "retry_after", "drop", "outage", "concurrency",
)  # fmt: skip


def parse_duration(text: str) -> float:
    value = text.strip().lower()
    try:
        if value.endswith("ms"):
            seconds = float(value[:-2]) / 1000
        elif value.endswith("s"):
            seconds = float(value[:-1])
        elif value.endswith("m"):
            seconds = float(value[:-1]) * 60
        else:
            seconds = float(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration (try 50ms, 2s or 1m)") from None
    if seconds < 0:
        raise ValueError(f"{text!r}: a duration cannot be negative")
    return seconds


def parse_share(text: str) -> float:
    value = text.strip()
    try:
        share = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a share (try 0.05 or 5%)") from None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{text!r}: a share must lie between 0 and 1")
    return share


DROP: Final = "drop"


class FaultInjector:
    """Decides, request by request, whether and how to misbehave. Reproducible from its seed."""

    def __init__(self, clock: Clock, spec: FaultSpec | str | None = None, *, seed: int = 0) -> None:
        self._clock = clock
        self._rng = random.Random(f"faults-{seed}")
        self._spec = FaultSpec()
        self._outage: tuple[float, float] | None = None
        self._in_flight = 0
        self.injected: dict[str, int] = {"latency": 0, "error": 0, "rate_limit": 0, "drop": 0,
                                         "outage": 0}  # fmt: skip
        if spec is not None:
            self.set(spec)

    @property
    def spec(self) -> FaultSpec:
        return self._spec

    def set(self, spec: FaultSpec | str) -> FaultSpec:
        """Replace the current faults (the outage window counts from now)."""
        parsed = FaultSpec.parse(spec) if isinstance(spec, str) else spec
        self._spec = parsed
        if parsed.outage_duration > 0:
            begin = self._clock.now() + parsed.outage_start
            self._outage = (begin, begin + parsed.outage_duration)
        else:
            self._outage = None
        return parsed

    def clear(self) -> None:
        self.set(FaultSpec())

    def in_outage(self) -> bool:
        if self._outage is None:
            return False
        begin, end = self._outage
        return begin <= self._clock.now() < end

    def state(self) -> dict[str, object]:
        return {
            "spec": self._spec.describe(),
            "fields": asdict(self._spec),
            "in_outage": self.in_outage(),
            "outage_window": list(self._outage) if self._outage else None,
            "injected": dict(self.injected),
        }

    def enter(self) -> ApiError | None:
        """Admit one API request, or say why it is refused before any work (429 over the limit)."""
        limit = self._spec.concurrency
        if limit and self._in_flight >= limit:
            self.injected["rate_limit"] += 1
            return api_errors.too_many_requests(self._spec.retry_after)
        self._in_flight += 1
        return None

    def leave(self) -> None:
        self._in_flight = max(0, self._in_flight - 1)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def before(self) -> ApiError | str | None:
        """Apply latency, then maybe fail: an :class:`ApiError`, :data:`DROP`, or ``None``."""
        spec = self._spec
        if self.in_outage():
            self.injected["outage"] += 1
            return api_errors.service_unavailable()
        delay = spec.latency
        if spec.jitter:
            delay += self._rng.uniform(-spec.jitter, spec.jitter)
        if delay > 0:
            self.injected["latency"] += 1
            await asyncio.sleep(delay)
        roll = self._rng.random()
        if roll < spec.drop:
            self.injected["drop"] += 1
            return DROP
        roll -= spec.drop
        if roll < spec.rate_limit:
            self.injected["rate_limit"] += 1
            return api_errors.too_many_requests(spec.retry_after)
        roll -= spec.rate_limit
        if roll < spec.error_rate:
            self.injected["error"] += 1
            return (
                api_errors.internal_error()
                if self._rng.random() < 0.5
                else (api_errors.service_unavailable())
            )
        return None
