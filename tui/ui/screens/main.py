"""The calls screen: the live table, its header, the filter line, and the action keys.

It turns keys into dialogs and dialog answers into calls on the back end's action service; it
never talks to Twilio itself. Poll results arrive as :class:`~tui.ui.messages.PollUpdate`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from tui.core.config import Settings
from tui.core.errors import CallboardError
from tui.core.first_pass import ProvisionalRows, progress_note
from tui.core.gc_pause import collector_paused
from tui.core.models import Action, ActionResult, Call, Outcome, PollSucceeded
from tui.core.session import Backend
from tui.ui.floor.main_keys import FLOOR_BINDINGS, FLOOR_WRITES, FloorMainKeys
from tui.ui.floor.monitor_bar import MonitorBar
from tui.ui.keymap import keys_in_force
from tui.ui.messages import BackendFailed, BackendReady, FirstRows, PollUpdate
from tui.ui.outcome_text import summarize
from tui.ui.profile_switch import profile_label
from tui.ui.screens._common import ResultT, describe_targets
from tui.ui.screens.confirm import ConfirmHangupScreen
from tui.ui.screens.detail import CallDetailScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.live_targets import ActionDialog
from tui.ui.screens.transfer import TransferScreen
from tui.ui.screens.twiml_editor import TwimlEditorScreen
from tui.ui.widgets.call_columns import sortable_keys
from tui.ui.widgets.call_table import CallTable
from tui.ui.widgets.key_footer import KeyFooter
from tui.ui.widgets.status_header import StatusHeader

ACTIONS_THAT_WRITE = frozenset({"inject_twiml", "redirect", "hang_up"}) | FLOOR_WRITES


class MainScreen(FloorMainKeys, Screen[None]):
    """Live calls and the three actions on the call under the cursor or on every marked call."""

    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("t", "inject_twiml", "TwiML", id="inject-twiml"),
        Binding("r", "redirect", "Transfer", id="transfer"),
        Binding("h", "hang_up", "Hang up", id="hang-up"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("s", "cycle_sort", "Sort", id="sort-next"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="sort-reverse"),
        Binding("ctrl+r", "poll_now", "Refresh", show=False, id="refresh"),
        Binding("escape", "clear", "Clear filter, then marks", show=False, id="clear"),
        *FLOOR_BINDINGS,
    ]
    """Shown in the footer in this order: ``?`` and ``q`` first, so a narrow footer keeps them."""

    def __init__(self, settings: Settings, *, read_only: bool, mode_label: str) -> None:
        super().__init__()
        self.settings = settings
        self.read_only = read_only
        self.mode_label = mode_label
        self.backend: Backend | None = None
        self._sort_index = 0
        self._provisional = ProvisionalRows()
        self.floor_init()
        if read_only:
            self._hide_writing_keys()

    def _hide_writing_keys(self) -> None:
        """Read-only: the writing keys leave the footer (a wall board shows none of them), but
        stay bound, so a press is answered with a note instead of silence."""
        by_key = self._bindings.key_to_bindings
        for key, bindings in by_key.items():
            by_key[key] = [
                replace(binding, show=False) if binding.action in ACTIONS_THAT_WRITE else binding
                for binding in bindings
            ]

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield MonitorBar(self.floor, id="monitor")
        yield CallTable(id="calls")
        yield Input(
            placeholder="filter: number, SID, status…  (enter keeps it, escape clears)", id="filter"
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        header = self.query_one(StatusHeader)
        header.mode_label = self.mode_label
        header.read_only = self.read_only
        self.query_one("#filter", Input).display = False
        self.table.thresholds = self.settings.thresholds
        self.table.focus()
        self.floor_mount()

    @property
    def table(self) -> CallTable:
        return self.query_one(CallTable)

    # -- back-end news -------------------------------------------------------------------

    def on_backend_ready(self, message: BackendReady) -> None:
        self.backend = message.backend
        header = self.query_one(StatusHeader)
        header.account_name = message.account_name
        profile = profile_label(message.backend.credentials)
        if profile and profile not in header.mode_label:
            header.mode_label = "  ".join(filter(None, (profile, header.mode_label)))
        if message.backend.credentials.read_only and not self.read_only:
            self.read_only = header.read_only = True  # a read_only profile: hide the actions
            self._hide_writing_keys()
            self.refresh_bindings()
        presence = message.backend.presence
        if presence is not None:
            presence.subscribe(lambda: self.table.set_watched(presence.watched()))
        self.floor_attach(message.backend)

    def on_backend_failed(self, message: BackendFailed) -> None:
        self.query_one(StatusHeader).account_name = "not connected"
        self.notify(message.reason, title="Cannot connect", severity="error", timeout=30)

    def on_poll_update(self, message: PollUpdate) -> None:
        event = message.event
        header = self.query_one(StatusHeader)
        header.record(event)
        if isinstance(event, PollSucceeded):
            with collector_paused():
                self.table.apply_diff(self._provisional.settle(event))
            if event.diff:
                for screen in self.app.screen_stack:
                    if isinstance(screen, ActionDialog):
                        screen.calls_changed(event.diff)
        header.shown = self.table.row_count
        self.table.stale = header.is_stale  # at once on a poll; the tick covers the silences

    def on_first_rows(self, message: FirstRows) -> None:
        """The first poll's pages so far: shown at once, confirmed by its complete pass."""
        with collector_paused():
            self.table.apply_diff(self._provisional.shown(message.progress))
        header = self.query_one(StatusHeader)
        header.first_poll_progress(progress_note(message.progress))
        header.shown = self.table.row_count
        self.call_after_refresh(message.mark_painted)

    @on(StatusHeader.StaleChanged)
    def _stale_changed(self, message: StatusHeader.StaleChanged) -> None:
        """Dim the table exactly when the header says STALE, on the tick as well as on a poll."""
        self.table.stale = message.stale

    @on(CallTable.SelectionChanged)
    def _selection_changed(self, message: CallTable.SelectionChanged) -> None:
        self.query_one(StatusHeader).marked = len(message.marked)

    # -- actions -------------------------------------------------------------------------

    def _targets(self, verb: str) -> list[Call]:
        if self.read_only:
            self.notify(
                f"Read-only mode: this console does not {verb} calls; nothing was sent.",
                title="Read-only",
                severity="warning",
            )
            return []
        if self.backend is None:
            self.notify("Not connected yet; nothing was sent.", severity="warning")
            return []
        lost = self.table.take_lost_target()
        if lost is not None:
            self.notify(lost, title="Call ended", severity="warning", timeout=10)
            return []
        calls = self.table.target_calls()
        if not calls:
            self.notify(f"No call selected to {verb}.", severity="warning")
        return calls

    def action_inject_twiml(self) -> None:
        calls = self._targets("inject TwiML into")
        if not calls:
            return

        def send(twiml: str | None, live: list[Call]) -> None:
            if twiml is not None and self.backend is not None:
                self._perform(Action.INJECT_TWIML, self.backend.actions.inject_twiml, live, twiml)

        self._ask(TwimlEditorScreen(calls, self.settings.snippets), send)

    def action_redirect(self) -> None:
        calls = self._targets("transfer")
        if not calls:
            return

        def send(choice: tuple[str, str] | None, live: list[Call]) -> None:
            if choice is not None and self.backend is not None:
                url, method = choice
                self._perform(Action.REDIRECT, self.backend.actions.redirect, live, url, method)

        self._ask(TransferScreen(calls, self.settings.destinations), send)

    def action_hang_up(self) -> None:
        calls = self._targets("hang up")
        if not calls:
            return

        def send(confirmed: bool, live: list[Call]) -> None:
            if self.backend is not None:
                self._perform(Action.HANG_UP, self.backend.actions.hang_up, live)

        self._ask(ConfirmHangupScreen(calls), send)

    def _ask(
        self, dialog: ActionDialog[ResultT], send: Callable[[ResultT, list[Call]], None]
    ) -> None:
        """Open an action's dialog; ``send`` runs as it closes (``CallboardModal.on_result``).

        ``send`` gets the dialog's answer and the calls still live as last polled: a call that
        ended while the dialog was open is never sent anything, and the supervisor is told.
        """

        def answered(result: ResultT | None) -> None:
            if result is None or result is False:
                return
            ended = dialog.ended_calls()
            if ended:
                self.notify(
                    f"Not sent to {describe_targets(ended)}: ended while the dialog was open.",
                    title="Not sent",
                    severity="warning",
                    timeout=10,
                )
            live = dialog.live_calls()
            if live:
                send(result, live)

        dialog.on_result = answered
        verb = {TwimlEditorScreen: "TwiML injection", TransferScreen: "transfer"}.get(type(dialog))
        calls = list(dialog.calls)
        if verb and self.guard_room_exit(calls, verb, lambda: self.app.push_screen(dialog)):
            return
        self.app.push_screen(dialog)

    @work(group="actions")
    async def _perform(
        self,
        action: Action,
        send: Callable[..., Awaitable[list[ActionResult]]],
        calls: list[Call],
        *args: str,
    ) -> None:
        """Send once, report once, then ask for a fresh poll so the table shows the effect."""
        presence = self.backend.presence if self.backend is not None else None
        if presence is not None:
            for call in calls:
                presence.acting(call.sid)
        try:
            results = await send(calls, *args)
        except CallboardError as error:
            self.notify(str(error), title="Not sent", severity="error", timeout=10)
            return
        toast = summarize(action, results)
        self.notify(
            toast.message,
            title=toast.title,
            severity=toast.severity,
            timeout=10 if toast.severity != "information" else 5,
        )
        # Only the calls the action was applied to lose their mark: refused or unknown ones stay
        # marked, so the next key still points at them and never falls back to another call.
        self.table.unmark({r.sid for r in results if r.outcome is Outcome.APPLIED})
        if self.backend is not None:
            self.backend.poller.poll_now()

    @on(CallTable.Opened)
    def _open_detail(self, message: CallTable.Opened) -> None:
        self._show_detail(message.call)

    @work(group="detail", exclusive=True)
    async def _show_detail(self, call: Call) -> None:
        """Open the call's detail with its history, read from the audit log off the event loop.

        The log holds every action of every shift on this machine; reading it must not stall
        the keys, however long it has grown.
        """
        history: list[dict[str, object]] = []
        others: list[str] = []
        presence = self.backend.presence if self.backend is not None else None
        if self.backend is not None:
            history = await asyncio.to_thread(self.backend.audit.entries, call.sid)
        if presence is not None:
            presence.viewing(call.sid)
            others = [f"{mark.operator} ({mark.activity})" for mark in presence.others(call.sid)]
        screen = CallDetailScreen(call, self.table.children_of(call.sid), history, others)
        self.app.push_screen(
            screen, callback=lambda _result: presence.viewing(None) if presence else None
        )

    # -- view ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self.query_one(StatusHeader).shown = self.table.row_count

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()

    def action_clear(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value or box.display:
            box.value = ""
            box.display = False
            self.table.set_filter("")
            self.table.focus()
        else:
            self.table.clear_marks()
        self.query_one(StatusHeader).shown = self.table.row_count

    def sort_by(self, column: str) -> None:
        cycle = sortable_keys()
        self._sort_index = cycle.index(column) if column in cycle else self._sort_index
        self.table.sort_by(column)

    def action_cycle_sort(self) -> None:
        cycle = sortable_keys()
        self._sort_index = (self._sort_index + 1) % len(cycle)
        self.table.sort_by(cycle[self._sort_index], descending=False)

    def action_reverse_sort(self) -> None:
        self.table.sort_by(sortable_keys()[self._sort_index])

    def action_poll_now(self) -> None:
        if self.backend is not None:
            self.backend.poller.poll_now()
            self.notify("Polling now…", timeout=2)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, str]]:
        """Every key of this screen and its table, from their BINDINGS: one source for all."""
        keys: list[tuple[str, str]] = []
        for binding in [*self.table.BINDINGS, *self.BINDINGS]:
            if not isinstance(binding, Binding):
                continue
            if self.read_only and binding.action in ACTIONS_THAT_WRITE:
                continue
            keys.append((keys_in_force(self.app, binding), binding.description or binding.action))
        return keys

    async def action_quit(self) -> None:
        await self.app.action_quit()
