"""The Textual app: the audience list as home, help and command palette for every key."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from core.history import Session
from core.store import Store
from tui.dialing import CallingRulesChanged, Dialing
from tui.dialogs.help import HelpModal
from tui.keys import TypedKeys, key_help
from tui.screens.audience_list import AudienceListScreen
from tui.screens.base import Places, StoreScreen
from tui.workers import HANGUP, KEYS, running_work

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
HELP = "Every key of this screen"
CLEAN_EXIT_SECONDS = 3.0
"""How long the watchdog lets a clean exit (terminal restored) happen before ending."""
WRITE_GRACE_SECONDS = 30.0
"""How long a hang-up waits for writes in flight (a store write takes milliseconds)."""


class AudiencesApp(App[None]):
    """Build, check and edit audiences from the keyboard."""

    # The home screen is the default screen, whose own CSS_PATH Textual does not load.
    CSS_PATH = ["styles/app.tcss", "styles/audience_list.tcss"]
    TITLE = "audiences"
    BINDINGS = [
        Binding("question_mark", "show_help", "Help", key_display="?", tooltip=HELP),
        # f1 also in dialogs, where `?` is typed into fields and only priority keys reach here.
        Binding("f1", "show_help", "Help", show=False, priority=True, tooltip=HELP),
    ]

    def __init__(
        self, store: Store, session: Session, places: Places, dialing: Dialing | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.places = places
        self.dialing = dialing or Dialing()
        """The clock (and window) calling hours are judged by; tests give a fixed clock."""
        self.demo_folder = places.throwaway
        self.hangup: int | None = None
        """The signal that ended the session (SIGHUP or SIGTERM), once one arrived."""
        self.typed_keys = TypedKeys(self, super().on_event)
        if self.demo_folder is not None:
            self.sub_title = "demo (a throwaway store)"

    def _fatal_error(self) -> None:
        """An unexpected error ends the app (Textual's hook): its report says where it
        happened (file, line, function of each frame) and its type, never the values of
        local variables or the error's own text, which Textual's report shows and which
        may hold members' numbers and names. Store writes are atomic: nothing half
        written is left."""
        import sys
        import traceback

        from rich.text import Text

        error = sys.exc_info()[1] or self._exception
        frames = traceback.extract_tb(error.__traceback__) if error is not None else []
        where = "\n".join(f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-8:])
        kind = type(error).__name__ if error is not None else "unknown"
        self.bell()
        self._exit_renderables.append(
            Text(
                f"audiences stopped on an unexpected error ({kind}); what was saved stays "
                f"saved.\nWhere (last frames):\n{where}"
            )
        )
        self._close_messages_no_wait()

    def on_calling_rules_changed(self, event: CallingRulesChanged) -> None:
        """Every screen judges calling hours by the window and rules chosen last."""
        self.dialing = event.dialing
        for screen in self.screen_stack:
            if isinstance(screen, StoreScreen):
                screen.calling_rules_changed(event.dialing)

    def get_default_screen(self) -> Screen[None]:
        return AudienceListScreen(self.store, self.session, self.places, dialing=self.dialing)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal are handled in order (see `TypedKeys`)."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self.typed_keys.arrived(event)
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        if not self.is_headless:
            self.handle_hangups()
        if self.demo_folder is not None:
            self.notify(
                f"Sample CSVs to try are in {self.places.start_dir} (the file picker starts "
                "there). Changes vanish when you quit; exports are proposed in "
                f"{self.places.export_dir}.",
                title="Demo",
                timeout=15,
                markup=False,
            )

    # --- hang-ups: an SSH session dropping must not lose a change already confirmed ---
    def handle_hangups(self) -> None:
        """On SIGHUP or SIGTERM, let store writes in flight finish, then exit cleanly.

        A plain `signal.signal` handler, not the event loop's: when the terminal itself is
        gone, Textual's output thread dies and the loop can block on its full queue, so a
        loop callback would never run. The handler runs in the main thread regardless; it
        asks the loop to exit cleanly and starts a watchdog that ends the process once
        the writes are done, should the clean exit not happen.
        """
        loop = asyncio.get_running_loop()

        def on_signal(number: int, _frame: object) -> None:
            if self.hangup is not None:
                return
            threading.Thread(target=self._exit_when_written, args=(number,), daemon=True).start()
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.hung_up, number)

        for number in HANGUP_SIGNALS:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, on_signal)

    def _exit_when_written(self, number: int) -> None:
        """Watchdog thread: wait for writes in flight, give the clean exit a moment, end."""
        deadline = time.monotonic() + WRITE_GRACE_SECONDS
        while running_work(self, ignore=(HANGUP, KEYS)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(CLEAN_EXIT_SECONDS)
        os._exit(128 + number)

    def hung_up(self, number: int) -> None:
        if self.hangup is None:
            self.hangup = number
            self.run_worker(self.finish_writes_then_exit(number), group=HANGUP)

    async def finish_writes_then_exit(self, number: int) -> None:
        """Wait (bounded) for running workers, whose writes the user confirmed; exit."""
        running = running_work(self, ignore=(HANGUP, KEYS))
        if running:
            with contextlib.suppress(Exception):  # a failed write is already reported
                await asyncio.wait_for(
                    self.workers.wait_for_complete(running), timeout=WRITE_GRACE_SECONDS
                )
        self.exit(return_code=128 + number)

    def action_show_help(self) -> None:
        """Show every key of the current screen."""
        if isinstance(self.screen, HelpModal):
            return
        title = getattr(self.screen, "HELP_TITLE", None) or type(self.screen).__name__
        self.push_screen(HelpModal(str(title), key_help(self.screen)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette offers every key of the screen, then Textual's own."""
        for row in key_help(screen):
            if row.moves or row.action == "show_help" or row.action.startswith("command_palette"):
                continue
            yield SystemCommand(
                row.description,
                f"key {row.keys}",
                partial(self.run_action, row.action, row.node),
            )
        yield SystemCommand("Help", "Every key of this screen (key ?)", self.action_show_help)
        yield from super().get_system_commands(screen)


def make_app(
    store: Store,
    *,
    demo_folder: Path | None = None,
    start_dir: Path | None = None,
    export_dir: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AudiencesApp:
    """The app on `store`, with one undo session for its whole run.

    The file picker starts in `start_dir` (or the demo folder); exports are proposed in
    `export_dir` (or the current folder), never in the demo's throwaway folder, which is
    deleted when the demo ends. Calling hours are judged by `clock` (the real time when
    None; tests and screenshots give a fixed one).
    """
    places = Places.of(
        demo_folder=demo_folder, start_dir=start_dir, export_dir=export_dir, store_path=store.path
    )
    return AudiencesApp(store, Session(store), places, Dialing(clock=clock))
