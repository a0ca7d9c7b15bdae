"""The two header lines: who we are looking at, and how much to trust what is on screen.

A supervisor must be able to tell at a glance whether the table is live. The freshness line is
recomputed once a second from the time of the last good poll, so "stale" appears even when no
poll event arrives at all (a hung network).

The once-a-second tick and each poll repaint only the cells that change (the clock's last digit,
the poll's time): over SSH the two full lines were ~700 bytes a second (issue #11). Every render
between two ticks uses the time of the last tick, so the header knows what the terminal shows and
compares it with what it is about to show (``tui/ui/cell_diff.py``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.models import LIVE_STATUSES, PollFailed, PollSucceeded
from tui.core.text import display_text
from tui.ui.cell_diff import changed_runs
from tui.ui.widgets.header_fit import Part, fit_parts, styled
from tui.ui.widgets.pulse import CallerCounts, Pulse, sparkline

STATUS_GLYPHS: Mapping[str, str] = {"queued": "◌", "ringing": "◔", "in-progress": "●"}


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class StatusHeader(Widget):
    """Account, mode, live counts by status, last good poll, freshness and poll interval."""

    DEFAULT_CSS = """
    StatusHeader { height: 2; }
    """
    COMPONENT_CLASSES = {
        "status-header--title",
        "status-header--demo",
        "status-header--readonly",
        "status-header--fresh",
        "status-header--stale",
        "status-header--dim",
        "status-header--queued",
        "status-header--ringing",
        "status-header--in-progress",
    }

    STALE_AFTER_MIN_S = 6.0
    """The shortest silence after which the table is called stale, whatever the interval."""

    class StaleChanged(Message):
        """The header started or stopped saying STALE (on a poll or on the once-a-second tick)."""

        def __init__(self, stale: bool) -> None:
            super().__init__()
            self.stale = stale

    account_name: reactive[str] = reactive("connecting…")
    mode_label: reactive[str] = reactive("")
    read_only: reactive[bool] = reactive(False)
    marked: reactive[int] = reactive(0)
    shown: reactive[int | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._counts: Mapping[str, int] = {}
        self._total: int | None = None
        self._last_ok_wall: float | None = None
        self._last_ok_mono: float | None = None
        self._last_latency: float | None = None
        self._interval_s: float | None = None
        self._failure: PollFailed | None = None
        self._loading: str | None = None
        """While the first poll is still arriving: how far it has got (tui.core.first_pass)."""
        self._unreadable = 0
        self._stale_after_s = self.STALE_AFTER_MIN_S
        self._styles: dict[str, Style] = {}
        self._said_stale = False
        self._callers = CallerCounts()
        self._pulse_minutes = 10
        self._pulse = Pulse(minutes=self._pulse_minutes, bucket_s=20)
        self._ticked: tuple[float, float] | None = None
        """Wall and monotonic time of the last tick: what every render until the next one shows."""
        self._shown: list[Text] | None = None
        """The lines of the last render (what the terminal shows, once painted)."""

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _tick(self, now: tuple[float, float] | None = None) -> None:
        """Once a second: the clock and the freshness line move on (``now``: wall and monotonic
        time, for tests)."""
        self._ticked = (time.time(), time.monotonic()) if now is None else now
        self._refresh_changed()
        self._announce_staleness()

    def _refresh_changed(self) -> None:
        """Refresh the cells whose character differs from the last render (a line whose styles
        moved, entirely); everything, before the first render."""
        shown = self._shown
        lines = self._lines(self.size.width or 200)
        if shown is None or len(shown) != len(lines):
            self.refresh()
            return
        regions = []
        for y, (old, new) in enumerate(zip(shown, lines, strict=True)):
            if old.spans == new.spans and old.style == new.style:
                runs = changed_runs(old.plain, new.plain)
            else:
                runs = [(0, max(old.cell_len, new.cell_len))]
            regions += [Region(start, y, end - start, 1) for start, end in runs]
        if regions:
            self.refresh(*regions)

    def _announce_staleness(self) -> None:
        """Tell the screen when STALE appears or goes, so the table dims with the header (at the
        time the header shows)."""
        stale = self._stale_at(self._mono_now())
        if stale != self._said_stale:
            self._said_stale = stale
            self.post_message(self.StaleChanged(stale))

    def first_poll_progress(self, note: str) -> None:
        """Say how far the first poll has got (shown until its first complete pass)."""
        self._loading = note
        self.refresh()

    def record(self, event: PollSucceeded | PollFailed) -> None:
        """Take a poll outcome into account and repaint."""
        if isinstance(event, PollSucceeded):
            self._counts = event.stats.counts
            self._total = event.stats.total_live
            self._last_ok_wall = event.at
            self._last_ok_mono = time.monotonic()
            self._last_latency = event.stats.duration_s
            self._interval_s = event.interval_s
            self._unreadable = event.stats.unreadable
            self._callers.apply(event.diff)
            self._pulse.record(event.at, self._callers.by_status())
            self._stale_after_s = max(
                self.STALE_AFTER_MIN_S, 2.5 * event.interval_s + event.stats.duration_s
            )
            self._failure = None
        else:
            self._failure = event
        self._refresh_changed()  # a poll that changed nothing on screen but its time: a few cells
        self._announce_staleness()

    @property
    def is_stale(self) -> bool:
        """True when the table may no longer match Twilio: a failed pass or an overdue poll."""
        return self._stale_at(time.monotonic())

    def _stale_at(self, monotonic: float) -> bool:
        if self._failure is not None:
            return True
        if self._last_ok_mono is None:
            return False
        return monotonic - self._last_ok_mono > self._stale_after_s

    def _style(self, name: str) -> Style:
        """A component style, kept until the styles change.

        ``get_component_rich_style`` walks the ancestors' styles; the header asks for up to eight
        per render, once a second and after every poll, ~1 ms of each frame.
        """
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"status-header--{name}")
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render(self) -> Text:
        lines = self._shown = self._lines(self.size.width or 200)
        return Text("\n", no_wrap=True).join(lines)

    def _lines(self, width: int) -> list[Text]:
        return [self._identity_line(width), self._health_line(width)]

    def _wall_now(self) -> float:
        return time.time() if self._ticked is None else self._ticked[0]

    def _mono_now(self) -> float:
        return time.monotonic() if self._ticked is None else self._ticked[1]

    def _identity_line(self, width: int) -> Text:
        """Name, account, mode and READ-ONLY, the pulse when there is room, the clock on the right.

        Never wraps: at 80 columns the pulse and then the clock give way, so the health line
        below always keeps its counts and LIVE/STALE.
        """
        account = display_text(self.account_name, limit=64)
        if len(account) > 28:
            account = account[:27] + "…"
        parts: list[Part] = [(0, styled(" ☎ Callboard ", self._style("title")))]
        parts.append((2, styled(f"  {account}")))
        if self.mode_label:
            parts.append((1, styled("  ")))
            parts.append((1, styled(f" {self.mode_label} ", self._style("demo"))))
        if self.read_only:
            parts.append((0, styled("  ")))
            parts.append((0, styled(" READ-ONLY ", self._style("readonly"))))
        now = time.strftime("%H:%M:%S", time.localtime(self._wall_now()))
        clock = styled(f"  {now} ", self._style("dim"))
        line = fit_parts(parts, width - clock.cell_len)
        pulse = self._pulse_text(width - line.cell_len - clock.cell_len - 2)
        if line.cell_len + clock.cell_len <= width:
            gap = width - line.cell_len - clock.cell_len - pulse.cell_len
            line.append(" " * max(0, gap))
            line.append_text(pulse)
            line.append_text(clock)
        return line

    def _pulse_text(self, room: int) -> Text:
        """Callers by status over the last minutes, one sparkline per status, if there is room."""
        if len(self._pulse) < 2 or room < 20:
            return Text()
        per_status = min(self._pulse.size, (room - 14) // 3 - 3)
        text = Text(no_wrap=True, end="")
        if per_status >= 6:
            text.append(f"{self._pulse_minutes:g} min ", self._style("dim"))
            for status in LIVE_STATUSES:
                glyph = STATUS_GLYPHS[status]
                spark = sparkline(self._pulse.series(status), per_status)
                text.append(f"{glyph}{spark} ", self._style(status))
        else:
            spark = sparkline(self._pulse.total(), min(self._pulse.size, room - 10))
            text.append(f"pulse {spark} ", self._style("dim"))
        return text

    def _health_line(self, width: int) -> Text:
        parts: list[Part] = [(0, styled(" "))]
        if self._total is None:
            note = self._loading or "waiting for the first poll… "
            parts.append((0, styled(note, self._style("dim"))))
        else:
            counts = self._callers.by_status()
            compact = width < 110
            label = "Callers "
            parts.append((0, styled(f"{label}{self._callers.callers:,}: ")))
            for status in LIVE_STATUSES:
                glyph = STATUS_GLYPHS[status]
                count = counts.get(status, 0)
                text = f"{glyph}{count:,} " if compact else f"{glyph} {status} {count:,}  "
                parts.append((0, styled(text, self._style(status))))
            if self._callers.legs:
                parts.append((5, styled(f"+{self._callers.legs:,} legs  ", self._style("dim"))))
            if self.shown is not None and self.shown != self._total:
                parts.append((2, styled(f"│ shown {self.shown:,} ")))
            if self.marked:
                parts.append((1, styled(f"│ marked {self.marked} ")))
            if self._unreadable:
                noun = "record" if self._unreadable == 1 else "records"
                unreadable = f"│ {self._unreadable:,} {noun} unreadable "
                parts.append((1, styled(unreadable, self._style("stale"))))
        parts.append((0, styled("│")))
        parts.extend(self._freshness())
        return fit_parts(parts, width)

    def _freshness(self) -> list[Part]:
        parts: list[Part] = []
        if self._last_ok_mono is not None and self._last_ok_wall is not None:
            mono = self._mono_now()
            age = mono - self._last_ok_mono
            clock = time.strftime("%H:%M:%S", time.localtime(self._last_ok_wall))
            latency = f" in {self._last_latency:.2f} s" if self._last_latency is not None else ""
            if self._stale_at(mono):
                parts.append((0, styled(f" STALE {_age(age)} ", self._style("stale"))))
                parts.append((2, styled(f" last good poll {clock}")))
            else:
                parts.append((0, styled(" LIVE ", self._style("fresh"))))
                parts.append((3, styled(f" polled {clock}")))
                parts.append((6, styled(latency)))
        elif self._failure is not None:
            parts.append((0, styled(" NO DATA ", self._style("stale"))))
        if self._failure is not None:
            if self._failure.limit_hit:
                parts.append((0, styled("  LIMIT", self._style("stale"))))
            reason = display_text(self._failure.reason, limit=160).rstrip().rstrip(".")
            retry = f"; retrying in {self._failure.retry_in_s:.0f} s"
            # Kept whatever else is left out (the line is cut at its end instead): why the data
            # is old is what a supervisor needs most while polls fail.
            parts.append((0, styled(f"  {reason}{retry}")))
        elif self._interval_s is not None:
            parts.append((4, styled(f"  every {self._interval_s:g} s", self._style("dim"))))
        return parts
