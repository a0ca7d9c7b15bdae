"""Switch profile inside the console: pick a configured account and reconnect to it.

The picker lists the profiles of ``config.toml`` (name, Account SID, how it logs in; never a
secret). Choosing one builds that profile's credentials with the same resolver the command line
uses, and the app replaces its calls screen and back end: the old connection is closed, the table
starts empty and fills from the new account's first poll, and the header names the profile.
Read-only mode stays as it was started.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.config import Profile, resolve_credentials
from tui.core.credentials import Credentials
from tui.core.errors import ConfigError
from tui.core.text import display_text
from tui.ui.screens._common import CallboardModal
from tui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from tui.ui.app import CallboardApp


def profile_label(credentials: Credentials) -> str:
    """What the header shows for a profile's connection ("" when not from a profile)."""
    if credentials.profile is None:
        return ""
    return f"profile {display_text(credentials.profile, limit=40)}"


class ProfilePickerScreen(CallboardModal[str]):
    """Dismisses the chosen profile's name, or ``None``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="profile-cancel")]

    def __init__(self, profiles: Mapping[str, Profile], current: str | None) -> None:
        super().__init__()
        self.names: tuple[str, ...] = tuple(sorted(profiles))
        self._profiles = profiles
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = "Switch profile"
            dialog.border_subtitle = "reconnects to the chosen account"
            yield OptionList(
                *(self._option(index, name) for index, name in enumerate(self.names)),
                id="profiles",
            )
            yield Static(
                "Marks and the filter are cleared; the table refills from the new account.",
                classes="muted",
                markup=False,
            )
        yield KeyFooter()

    def _option(self, index: int, name: str) -> Option:
        profile = self._profiles[name]
        login = f"API key {profile.api_key}" if profile.api_key else "auth token"
        where = f"  {profile.region or ''}{'/' + profile.edge if profile.edge else ''}"
        prompt = Text()
        prompt.append(display_text(name, limit=40), style="bold")
        if name == self._current:
            prompt.append("  (connected)", style="italic")
        prompt.append(f"\n{profile.account_sid}  {login}{where.rstrip('/ ')}", style="dim")
        return Option(prompt, id=f"profile-{index}")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current in self.names:
            options.highlighted = self.names.index(self._current)
        options.focus()

    @on(OptionList.OptionSelected, "#profiles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def connect_profile(app: CallboardApp, name: str) -> bool:
    """Close the current back end and open profile ``name``'s on a fresh calls screen.

    Refused (a toast, nothing changed) when the profile cannot be used.
    """
    from tui.core.session import backend_factory
    from tui.ui.screens.main import MainScreen

    try:
        credentials = resolve_credentials({}, app.settings, name)
    except ConfigError as error:
        app.notify(str(error), title="Cannot switch", severity="error", markup=False)
        return False
    assert credentials is not None
    read_only = app.started_read_only
    factory = backend_factory(credentials, app.settings, read_only=read_only)
    screen = MainScreen(app.settings, read_only=read_only, mode_label=profile_label(credentials))
    app.main_screen = screen
    app.switch_screen(screen)
    app.start_backend(factory, screen)
    app.notify(f"Connecting to {profile_label(credentials)}…", timeout=3, markup=False)
    return True
