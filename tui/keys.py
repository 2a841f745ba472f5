"""Keys: the help rows of a screen (one source for help, footer and palette), and typed
keys handled one at a time, in order."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.worker import WorkerCancelled, WorkerFailed

from tui.workers import KEYS, keys_wait_for

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.worker import Worker


@dataclass(frozen=True)
class KeyHelp:
    """One line of help: the keys, what they do, and the action they run (and where)."""

    keys: str
    description: str
    action: str
    node: DOMNode
    moves: bool = False
    """A key of the focused widget that only moves around (arrows, pages)."""


def key_help(screen: Screen[object]) -> list[KeyHelp]:
    """The keys active on `screen`, its own first, then the app's and the focused widget's,
    then the focused widget's hidden keys that have a tooltip (page up/down, home, end:
    they only move around, so the footer leaves them out).

    A screen binding shadowed by the focused widget (such as `enter` on a table) is still
    listed under the screen's description, because that is what the key does there.
    """
    app = screen.app
    by_action: dict[tuple[str, str], tuple[list[str], DOMNode, bool]] = {}

    def add(binding: Binding, node: DOMNode, moves: bool = False) -> None:
        if not binding.description:
            return
        description = binding.tooltip or binding.description
        keys, _, _ = by_action.setdefault((binding.action, description), ([], node, moves))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)

    seen_keys: set[str] = set()
    for binding in Binding.make_bindings(type(screen).BINDINGS):
        add(binding, screen)
        seen_keys.add(binding.key)
    moving: list[tuple[Binding, DOMNode]] = []
    for key, active in screen.active_bindings.items():
        if key in seen_keys:
            continue
        own = active.node is screen or active.node is app
        if own or active.binding.show:
            add(active.binding, active.node)
        elif active.node is screen.focused and active.binding.tooltip:
            moving.append((active.binding, active.node))
    if screen.is_modal:  # the app's priority keys still work in a dialog
        for binding in Binding.make_bindings(type(app).BINDINGS):
            if binding.priority and binding.key not in seen_keys:
                add(binding, app)
    for binding, node in moving:
        add(binding, node, moves=True)
    return [
        KeyHelp(", ".join(keys), description, action, node, moves)
        for (action, description), (keys, node, moves) in by_action.items()
    ]


# --- typed keys, in order -------------------------------------------------------------------
STALL_SECONDS = 1.0
"""A key whose trip was lost (the widget it went to closed meanwhile) blocks no longer."""
HOLD_SECONDS = 5.0
"""Longest a key waits for store work (another process may hold the store's lock) or work
on a file (a big one may take longer: keys then act on what is shown)."""


def _stops(event: events.Event) -> bool:
    """Escape stops work on a file (reading, checking): it does not wait for it."""
    return isinstance(event, events.Key) and event.key == "escape"


def escape_then_key(event: events.Event) -> list[events.Event]:
    """Escape and a key typed quickly, or sent over a slow SSH link in one packet, reach
    Textual as one Alt+key (terminals send Alt+c as ESC c): the escape was lost and the
    key typed into the focused box (`esc c` in the export dialog replaced its path with
    `c`). The app binds no Alt key, so an Alt with a printable character is read as the
    two keys it most likely was. Alt with a key of its own (alt+left) is left alone."""
    if not isinstance(event, events.Key) or not event.key.startswith("alt+"):
        return [event]
    character = event.character
    if character is None or len(character) != 1 or not character.isprintable():
        return [event]
    key = event.key.removeprefix("alt+")
    if key.startswith("shift+") and character.isupper():
        key = character  # `ESC D` reads as alt+shift+d; D alone is "D"
    return [events.Key("escape", "\x1b"), events.Key(key, character)]


class TypedKeys:
    """Typed keys (and pastes) handed to Textual one at a time, each once the one before
    it is done with.

    Textual runs a priority binding (enter on the audience list, say) the moment its key
    arrives, while the keys typed before it may still be on their way from the focused
    widget up to the app: `down enter`, typed quickly or sent over a slow SSH link in one
    packet, opened the audience the cursor had been on. A key's action may also leave
    work behind: a message posted to a widget, a dialog's answer run once the app is
    idle, a store write in a worker. Here the next key waits until the one before it
    has travelled up from the widget it went to, until what it left has been handled
    along the focus chain and by the app, and until store work (loading, writing) and
    work on a file the user chose (reading, checking) have ended, so that every key acts
    on the state the key before it left. Escape does not wait for work on a file: it
    stops it.
    """

    def __init__(self, app: App[object], handle: Callable[[events.Event], Awaitable[None]]):
        self.app = app
        self.handle = handle
        """Textual's own handling of one key: priority bindings, else to the focused widget."""
        self.waiting: deque[events.Event] = deque()
        self.trip = 0
        """Number of the key being followed, or of the wait for store work (0: none)."""
        self._trips = 0
        self._since = 0.0
        self._skip_work_check = False
        self._watchdog: Timer | None = None

    @property
    def idle(self) -> bool:
        """No key is waiting or on its way."""
        return not self.trip and not self.waiting

    async def arrived(self, event: events.Event) -> None:
        """A key (or paste) came from the terminal."""
        self.waiting.extend(escape_then_key(event))
        if not self.trip:
            await self.next()

    async def next(self) -> None:
        """Hand the waiting keys on, one at a time."""
        while self.waiting and not self.trip:
            stopping = _stops(self.waiting[0])
            work = [] if self._skip_work_check else keys_wait_for(self.app, stopping=stopping)
            trip = self._start()
            if work:
                self.app.run_worker(self._after_work(trip, work), group=KEYS)
                return
            self._skip_work_check = False
            event = self.waiting.popleft()
            target = self.app.focused or self.app.screen
            await self.handle(event)
            if event.is_forwarded:  # on its way up from `target`: follow it, then sweep
                self._follow(trip, target.ancestors_with_self, self._sweep)
            else:  # a priority binding ran it here; sweep what it left
                self._sweep(trip)

    def _start(self) -> int:
        self._trips += 1
        self.trip = self._trips
        self._since = time.monotonic()
        if self._watchdog is None:
            self._watchdog = self.app.set_interval(
                STALL_SECONDS, self._stalled, name="typed keys", pause=True
            )
        self._watchdog.reset()
        self._watchdog.resume()
        return self.trip

    def _follow(self, trip: int, nodes: Sequence[DOMNode], then: Callable[[int], object]) -> None:
        """Call `then(trip)` in the app once each of `nodes` (a widget, then its ancestors)
        has handled what it held before this call."""
        if trip != self.trip:
            return
        for index, node in enumerate(nodes):
            if node is self.app:
                break
            # False when the node is closing: what it held will not travel further.
            if node.call_later(self._follow, trip, nodes[index + 1 :], then):
                return
        self.app.call_later(then, trip)

    def _sweep(self, trip: int) -> None:
        """Follow what the key's action posted along the focus chain it left, then let
        the app run its pending callbacks (a dialog's answer) before the next key."""
        focused = self.app.focused or self.app.screen
        self._follow(trip, focused.ancestors_with_self, self._finish)

    def _finish(self, trip: int) -> None:
        if trip == self.trip:
            self.app.call_next(self._done, trip)

    async def _done(self, trip: int) -> None:
        if trip != self.trip:
            return
        self.trip = 0
        if self._watchdog is not None:
            self._watchdog.pause()
        await self.next()

    async def _stalled(self) -> None:
        """Checked every STALL_SECONDS while a key is followed: a trip lost on the way (its
        widget closed) or store work that takes too long no longer holds the keys."""
        if not self.trip:
            return
        if keys_wait_for(self.app):
            if time.monotonic() - self._since < HOLD_SECONDS:
                return
            self._skip_work_check = True
        await self._done(self.trip)

    async def _after_work(self, trip: int, work: list[Worker[object]]) -> None:
        """Wait for store work, then for what it posted to its screen, then go on."""
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await self.app.workers.wait_for_complete(work)
        nodes = [w.node for w in work if w.node.is_attached] or [self.app.screen]
        self._follow(trip, nodes[0].ancestors_with_self, self._finish)
