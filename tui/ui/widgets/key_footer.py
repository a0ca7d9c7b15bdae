"""The footer of key bindings, rebuilt only when the keys it shows change.

Textual's ``Footer`` removes and mounts all its keys again each time its screen's bindings are
refreshed, which Textual does whenever that screen is covered or uncovered by a dialog, or
focus moves, even when the keys shown stay the same. The calls screen shows about fifteen keys:
every dialog opened and closed rebuilt all of them twice (each mount applies the stylesheet,
binds to the footer and repaints the line), tens of milliseconds of the time the dialog took to
open and close in a terminal at 10,000 calls (``tests/benchmarks/bench_terminal.py``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class KeyFooter(Footer):
    """A ``Footer`` that keeps its keys while the bindings it would show are the same."""

    _shown: tuple[Hashable, ...] | None = None
    """What the keys on display were built from (``None``: nothing built yet)."""

    def _keys_to_show(self) -> tuple[Hashable, ...]:
        """Everything ``Footer.compose`` reads: each shown binding, its state and its display."""
        app = self.app
        keys: list[Hashable] = [self.show_command_palette, app.ENABLE_COMMAND_PALETTE]
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.show or key == app.COMMAND_PALETTE_BINDING:
                keys.append(
                    (
                        key,
                        binding.key,
                        app.get_key_display(binding),
                        binding.description,
                        binding.action,
                        binding.group,
                        binding.show,
                        active.enabled,
                        active.tooltip,
                        binding.tooltip,
                    )
                )
        return tuple(keys)

    def compose(self) -> ComposeResult:
        self._shown = self._keys_to_show() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and self._keys_to_show() == self._shown
        ):
            return
        super().bindings_changed(screen)
