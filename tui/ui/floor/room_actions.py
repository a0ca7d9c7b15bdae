"""The room's actions as key handlers, shared by the conference screen and the main screen.

A screen that mixes this in says which room and which leg an action is about
(:meth:`RoomActions.room_target`); everything else — asking first where an action cannot be
undone, refusing in read-only mode with a note, sending once, reporting once — is here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from textual.screen import Screen

from tui.core.floor.actions import FloorActions
from tui.core.models import ActionResult, Call
from tui.core.text import display_text
from tui.ui.floor.control import FloorController
from tui.ui.floor.dialogs import DialScreen, FloorConfirmScreen
from tui.ui.floor.where import identity

Send = Callable[[FloorActions], Awaitable[ActionResult]]


def hide_floor_keys(screen: Screen[Any]) -> None:
    """Read-only: the floor's writing keys leave the footer but stay bound, so a press is
    answered with a note (as the main screen does for t, r and h)."""
    by_key = screen._bindings.key_to_bindings
    for key, bindings in by_key.items():
        by_key[key] = [
            replace(binding, show=False) if binding.action.startswith("floor_") else binding
            for binding in bindings
        ]


def _short(sid: str) -> str:
    return f"{sid[:2]}…{sid[-8:]}"


class RoomActions:
    """Mixed into a :class:`~textual.screen.Screen` that has a ``controller`` and a lookup."""

    controller: FloorController
    lookup: Callable[[str], Call | None]

    # ------------------------------------------------------------------ what the screen says

    def room_target(self) -> tuple[str, str | None] | None:
        """(Conference SID, selected leg's Call SID or ``None``); ``None`` after telling why."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers

    @property
    def _screen(self) -> Screen[Any]:
        assert isinstance(self, Screen)
        return self

    def _read_only_note(self) -> bool:
        """In read-only mode say so (nothing is sent) and return ``True``."""
        if not self.controller.read_only:
            return False
        self.controller.usable(self._screen)
        return True

    def _send(self, send: Send) -> None:
        actions = self.controller.usable(self._screen)
        if actions is not None:
            self.controller.perform(self._screen, lambda: send(actions))

    def _confirm(self, title: str, lines: list[str], verb: str, send: Send) -> None:
        if self.controller.usable(self._screen) is None:
            return
        dialog = FloorConfirmScreen(title, lines, verb=verb)

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(send)

        dialog.on_result = answered
        self._screen.app.push_screen(dialog)

    def _leg(self, verb: str) -> tuple[str, str] | None:
        target = self.room_target()
        if target is None:
            return None
        room, leg = target
        if leg is None:
            self._screen.notify(f"Select a participant to {verb}.", severity="warning")
            return None
        return room, leg

    def _who(self, call_sid: str) -> str:
        call = self.lookup(call_sid)
        name = identity(call)
        if name:
            return f"agent {display_text(name, limit=32)} ({_short(call_sid)})"
        if call is not None:
            number = call.from_ if call.direction == "inbound" else call.to
            return f"{display_text(number, limit=32)} ({_short(call_sid)})"
        return _short(call_sid)

    def _agent_for(self, room: str, selected: str | None) -> str | None:
        """The leg to coach: the selected leg if it is an agent, else the room's agent leg."""
        if selected is not None and identity(self.lookup(selected)):
            return selected
        view = self.controller.room(room)
        monitor = self.controller.monitor
        for participant in view.participants if view else ():
            if monitor is not None and participant.call_sid == monitor.call_sid:
                continue
            if identity(self.lookup(participant.call_sid)):
                return participant.call_sid
        return selected

    def _room_and_agent(self, verb: str) -> tuple[str, str] | None:
        """The room in view and the agent leg to act on, or None after saying why not."""
        if self._read_only_note():
            return None
        target = self.room_target()
        if target is None:
            return None
        room, selected = target
        agent = self._agent_for(room, selected)
        if agent is None:
            self._screen.notify(f"Select the agent to {verb}.", severity="warning")
            return None
        return room, agent

    def _room_name(self, room: str) -> str:
        return display_text(self.controller.room_name(room), limit=40)

    # ------------------------------------------------------------------ participants

    def _toggle_leg(self, verb: str, hold: bool, on: bool) -> None:
        """Hold/resume or mute/unmute the selected leg: undoable, so sent without asking."""
        if self._read_only_note():
            return
        if (target := self._leg(verb)) is not None:
            room, leg = target
            if hold:
                self._send(lambda a: a.hold(room, leg, on=on))
            else:
                self._send(lambda a: a.mute(room, leg, on=on))

    def action_floor_hold(self) -> None:
        self._toggle_leg("hold", hold=True, on=True)

    def action_floor_resume(self) -> None:
        self._toggle_leg("take off hold", hold=True, on=False)

    def action_floor_mute(self) -> None:
        self._toggle_leg("mute", hold=False, on=True)

    def action_floor_unmute(self) -> None:
        self._toggle_leg("unmute", hold=False, on=False)

    def action_floor_remove(self) -> None:
        if self._read_only_note():
            return
        if (target := self._leg("remove")) is not None:
            room, leg = target
            self._confirm(
                "Remove from conference",
                [
                    f"Take {self._who(leg)} out of {self._room_name(room)}?",
                    "Twilio ends that leg. This cannot be undone.",
                ],
                "Remove",
                lambda a: a.remove(room, leg),
            )

    def action_floor_end(self) -> None:
        if self._read_only_note():
            return
        target = self.room_target()
        if target is None:
            return
        room, _ = target
        view = self.controller.room(room)
        count = len(view.participants) if view else 0
        self._confirm(
            "End conference",
            [
                f"End {self._room_name(room)} for everyone in it ({count} on the line)?",
                "Every leg in the room is disconnected. This cannot be undone.",
            ],
            "End",
            lambda a: a.end_conference(room),
        )

    # ------------------------------------------------------------------ monitoring

    def _can_dial(self) -> bool:
        actions = self.controller.usable(self._screen)
        if actions is None:
            return False
        missing = actions.supervisor.missing()
        if missing is not None:
            self._screen.notify(missing, title="Cannot dial you in", severity="error", markup=False)
            return False
        return True

    def action_floor_listen(self) -> None:
        if self._read_only_note():
            return
        target = self.room_target()
        if target is None or not self._can_dial():
            return
        room, _ = target
        name = self.controller.room_name(room)
        self._send(lambda a: a.listen(room, room_name=name))

    def action_floor_whisper(self) -> None:
        if (found := self._room_and_agent("whisper to")) is None:
            return
        room, agent = found
        monitor = self.controller.monitor
        if (monitor is None or monitor.conference_sid != room) and not self._can_dial():
            return
        name = self.controller.room_name(room)
        self._send(lambda a: a.whisper(room, agent, room_name=name))

    def action_floor_barge(self) -> None:
        if self._read_only_note():
            return
        target = self.room_target()
        if target is None:
            return
        room, _ = target
        monitor = self.controller.monitor
        if (monitor is None or monitor.conference_sid != room) and not self._can_dial():
            return
        name = self.controller.room_name(room)
        self._confirm(
            "Barge in",
            [f"Speak into {self._room_name(room)}?", "Everyone in the room will hear you."],
            "Barge",
            lambda a: a.barge(room, room_name=name),
        )

    def action_floor_stop(self) -> None:
        if self._read_only_note():
            return
        if self.controller.monitor is None:
            self._screen.notify("You are not listening to any room.", severity="warning")
            return
        self._send(lambda a: a.stop_listening())

    # ------------------------------------------------------------------ warm transfer

    def action_floor_warm_transfer(self) -> None:
        if self._read_only_note():
            return
        target = self.room_target()
        if target is None or not self._can_dial():
            return
        room, _ = target
        dialog = DialScreen(
            "Warm transfer",
            f"Twilio dials the third party into {self._room_name(room)}; the agent stays until "
            "you drop them (D in the conference view).",
        )

        def answered(address: str | None) -> None:
            if address:
                self._send(lambda a: a.warm_transfer(room, address))

        dialog.on_result = answered
        self._screen.app.push_screen(dialog)

    def action_floor_drop_agent(self) -> None:
        if (found := self._room_and_agent("drop")) is None:
            return
        room, agent = found
        self._confirm(
            "Drop agent",
            [
                f"Take {self._who(agent)} out of {self._room_name(room)}?",
                "The room stays up for the caller and the third party. This cannot be undone.",
            ],
            "Drop",
            lambda a: a.drop_agent(room, agent),
        )

    # ------------------------------------------------------------------ recordings

    def _recording(self, paused: bool) -> None:
        target = self.room_target()
        if target is None:
            return
        room, leg = target
        self._send(lambda a: a.set_recording(leg, room, paused=paused))

    def action_floor_pause_recording(self) -> None:
        if self._read_only_note():
            return
        self._recording(True)

    def action_floor_resume_recording(self) -> None:
        if self._read_only_note():
            return
        self._recording(False)
