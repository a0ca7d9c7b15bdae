"""The composition root: opens the back end, runs the poller, and hands news to the screen.

Deliberately thin. Everything a supervisor sees and presses lives in :mod:`tui.ui.screens`;
everything that talks to Twilio lives in :mod:`tui.core`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from tui.core.config import Settings
from tui.core.errors import CallboardError
from tui.core.gc_pause import IdleCollector
from tui.core.models import PollEvent, PollProgress, PollSucceeded
from tui.core.session import BackendFactory, PollListener
from tui.core.text import display_lines, display_text
from tui.ui import background_repaint, partial_updates
from tui.ui.floor.main_keys import floor_commands
from tui.ui.keymap import checked_keymap
from tui.ui.messages import BackendFailed, BackendReady, FirstRows, PollUpdate
from tui.ui.profile_switch import ProfilePickerScreen, connect_profile
from tui.ui.screens.main import MainScreen
from tui.ui.screens.quit_confirm import ConfirmQuitScreen
from tui.ui.screenshot_dir import screenshot_dir
from tui.ui.textual_workarounds import SWEEP_EVERY_S, sweep
from tui.ui.widgets.call_columns import column_title, sortable_keys

log = logging.getLogger(__name__)


class CallboardApp(App[None]):
    """Callboard's Textual application."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Callboard"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("A", "switch_profile", "Switch profile", show=False, id="switch-profile"),
    ]

    def __init__(
        self,
        backend_factory: BackendFactory,
        settings: Settings,
        *,
        mode_label: str = "",
        read_only: bool = False,
    ) -> None:
        super().__init__()
        partial_updates.install()
        background_repaint.install()
        self._user_keymap = checked_keymap(settings.keys, settings.source)
        self._backend_factory = backend_factory
        self.settings = settings
        self.main_screen = MainScreen(settings, read_only=read_only, mode_label=mode_label)
        self._heap_frozen = False
        self.idle_collector = IdleCollector()
        self.startup_notes: list[str] = []
        """Sentences shown as warnings once the console is up (e.g. a missing config file)."""
        self.started_read_only = read_only
        """``--read-only`` as given: a profile switched to later is read-only too, or by its own."""
        self._backend_worker: Worker[None] | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is inert text: messages carry SIDs and Twilio's words, never markup.

        ``markup`` is accepted for Textual's signature and ignored: a Twilio message containing
        ``[/x]`` once crashed the console from a toast. Controls are made visible, long text cut.
        """
        super().notify(
            display_lines(message),
            title=display_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Textual's ctrl+c hint, without the markup the toast above no longer parses."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit", "screen.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    def on_mount(self) -> None:
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        self.push_screen(self.main_screen)
        for note in self.startup_notes:
            self.notify(note, title="Configuration", severity="warning", timeout=20, markup=False)
        self.set_interval(SWEEP_EVERY_S, lambda: sweep(self), name="release dead widgets")
        self.idle_collector.install()
        self.start_backend(self._backend_factory, self.main_screen)

    def start_backend(self, factory: BackendFactory, screen: MainScreen) -> None:
        """Run ``factory``'s back end for ``screen``, closing the one running before."""
        if self._backend_worker is not None:
            self._backend_worker.cancel()
        self._backend_worker = self.run_worker(
            self._run_backend(factory, screen), name="backend", exit_on_error=False
        )

    def _listener(self, screen: MainScreen) -> PollListener:
        """Poll news for ``screen`` only: a back end being closed cannot reach its successor."""

        def on_event(event: PollEvent | PollProgress) -> asyncio.Future[None] | None:
            if screen is not self.main_screen:
                return None
            if isinstance(event, PollProgress):
                painted = asyncio.get_running_loop().create_future()
                if not screen.post_message(FirstRows(event, painted)):
                    painted.set_result(None)
                return painted
            self._on_poll_event(event)
            return None

        return on_event

    def _on_poll_event(self, event: PollEvent) -> None:
        screen = self.main_screen
        screen.post_message(PollUpdate(event))
        if not isinstance(event, PollSucceeded):
            return
        if not self._heap_frozen:
            self._heap_frozen = True
            self.set_timer(1.0, self._freeze_heap)
            return
        self.idle_collector.changed(len(event.diff), event.stats.total_live)
        screen.call_after_refresh(self._collect_if_quiet)  # once this poll's rows are painted

    def _collect_if_quiet(self) -> None:
        """A full collection right after a poll's paint, if the supervisor is not at work
        (see :class:`~tui.core.gc_pause.IdleCollector`)."""
        if self.idle_collector.due():
            self.idle_collector.collect()

    def on_unmount(self) -> None:
        self.idle_collector.uninstall()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseEvent):
            self.idle_collector.activity()
        await super().on_event(event)

    def _freeze_heap(self) -> None:
        """Move what start-up built (Textual, the SDK, the first calls) out of the GC's reach.

        Those objects live for the whole session; left in the tracked generations, every full
        collection would walk all of them and stall the keys for 100 ms or more at 10,000 calls.
        They are acyclic or permanent, so freezing them leaks nothing worth a collection (which
        would itself stall the keys); later objects are collected as usual. It runs once before
        the first poll (Textual, the SDK and the screen: a full collection during the first pass
        used to land in the first rows' paint) and again a second after the first complete poll,
        once its calls are on screen. Full collections of what came later run at quiet moments
        (:meth:`_collect_if_quiet`).
        """
        self.idle_collector.freeze()

    async def _run_backend(self, factory: BackendFactory, screen: MainScreen) -> None:
        """Open the connection, announce it, and poll until the app closes (or switches)."""
        try:
            async with factory(self._listener(screen)) as backend:
                try:
                    name = await backend.access.fetch_account_name()
                except CallboardError as error:
                    log.warning("account name unavailable: %s", error)
                    name = backend.credentials.account_sid
                screen.post_message(BackendReady(backend, name))
                self._freeze_heap()
                await backend.source.run()
        except CallboardError as error:
            screen.post_message(BackendFailed(str(error)))
        except OSError as error:
            log.exception("backend failed")
            screen.post_message(BackendFailed(f"Could not start: {error.strerror}"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the keys do, plus a sort per column."""
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if not main.read_only:
            yield SystemCommand(
                "Inject TwiML", "Replace what the selected call(s) do now", main.action_inject_twiml
            )
            yield SystemCommand(
                "Transfer", "Redirect the selected call(s) to a TwiML URL", main.action_redirect
            )
            yield SystemCommand("Hang up", "End the selected call(s)", main.action_hang_up)
        yield from floor_commands(main)
        yield SystemCommand("Filter", "Show only calls matching some text", main.action_filter)
        yield SystemCommand("Refresh", "Poll Twilio now", main.action_poll_now)
        yield SystemCommand("Help", "Show every key", main.action_help)
        if self.settings.profiles:
            yield SystemCommand(
                "Switch profile",
                "Reconnect to another account from config.toml",
                self.action_switch_profile,
            )
        for column in sortable_keys():
            title = column_title(column)
            yield SystemCommand(
                f"Sort by {title}",
                f"Sort the table by {title}",
                lambda column=column: main.sort_by(column),
            )

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save to a directory that exists (see :mod:`tui.ui.screenshot_dir`)."""
        return super().deliver_screenshot(filename, path or str(screenshot_dir()), time_format)

    def pending_on_quit(self) -> list[str]:
        """What quitting now would lose: marks, or a dialog still open."""
        pending = []
        marked = len(self.main_screen.table.marked_sids)
        if marked:
            pending.append(f"{marked} call{'s are' if marked != 1 else ' is'} marked.")
        dialogs = [s for s in self.screen_stack if s is not self.main_screen and s.is_modal]
        if dialogs:
            pending.append("A dialog is open; what it holds is lost.")
        return pending

    async def action_quit(self) -> None:
        """Quit at once, unless marks or an open dialog would be lost: then ask."""
        if isinstance(self.screen, ConfirmQuitScreen):
            return
        pending = self.pending_on_quit()
        if not pending:
            self.exit()
            return

        def answer(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmQuitScreen(pending), answer)

    def action_switch_profile(self) -> None:
        """Pick a profile from config.toml and reconnect to it."""
        if not self.settings.profiles:
            self.notify("No profiles in config.toml to switch to.", severity="warning")
            return
        backend = self.main_screen.backend
        current = backend.credentials.profile if backend is not None else None
        self.push_screen(ProfilePickerScreen(self.settings.profiles, current), self._switch_to)

    def _switch_to(self, name: str | None) -> None:
        if name is not None:
            connect_profile(self, name)
