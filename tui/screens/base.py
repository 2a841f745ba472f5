"""What the audience list and the member grid share: the places files come from and go
to, and a screen that changes the store (one writer worker, undo and redo, export,
errors said once)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from core.audience import Audience, Member
from core.errors import AudiencesError
from core.export import (
    export_to_file,
    leave_out,
    limits_text,
    part_paths,
    platform_export,
    stale_parts,
    write_parts,
)
from core.history import History, Session
from core.store import Store
from core.words import plural
from tui.dialing import LIST_DAMAGED_NOTICE, Dialing, read_listed
from tui.dialogs.export import ExportModal, ExportRequest, ExportScope
from tui.display import clean, show_error
from tui.workers import WRITE

UNDO = Binding.Group("Undo", compact=True)
UNDO_BINDINGS = [
    Binding("u", "undo_change", "Undo", group=UNDO, tooltip="Undo the last change"),
    Binding("ctrl+r", "redo_change", "Redo", group=UNDO, tooltip="Redo the last change undone"),
]


@dataclass(frozen=True)
class Places:
    """Where the file picker starts, where exports are proposed, and the demo's folder."""

    start_dir: Path
    export_dir: Path
    throwaway: Path | None = None
    """A folder deleted when the app ends (the demo's), or None."""

    @classmethod
    def of(
        cls,
        *,
        demo_folder: Path | None = None,
        start_dir: Path | None = None,
        export_dir: Path | None = None,
        store_path: Path | None = None,
    ) -> Places:
        """The demo's samples folder (and the store beside it) are thrown away at the end,
        so exports are proposed elsewhere: `export_dir`, else the current folder."""
        throwaway = demo_folder
        if (
            demo_folder is not None
            and store_path is not None
            and store_path.resolve().parent == demo_folder.resolve().parent
        ):
            throwaway = demo_folder.parent  # the demo's temporary folder holds both
        export = export_dir or Path.cwd()
        if throwaway is not None and is_inside(export, throwaway):
            export = Path.home()
        return cls(start_dir or demo_folder or Path.cwd(), export, throwaway)

    def thrown_away(self, path: Path) -> bool:
        """Whether `path` is in the folder deleted when the app ends."""
        return self.throwaway is not None and is_inside(path, self.throwaway)


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.expanduser().resolve().relative_to(folder.expanduser().resolve())
    except ValueError:
        return False
    return True


class StoreScreen(Screen[None]):
    """A screen whose keys change the store: each change runs in a worker, is reported
    once, and is undone or redone from this screen's stack of the session."""

    class StoreChanged(Message):
        """A change was written (or undone); `summary` says what happened."""

        def __init__(self, summary: str, select: str | None = None) -> None:
            super().__init__()
            self.summary = summary
            self.select = select
            """What to put the cursor on once the screen reloads (a name or a number)."""

    def __init__(
        self, store: Store, session: Session, places: Places, *, dialing: Dialing | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.places = places
        self.dialing = dialing or Dialing()
        """The clock and window calling hours are judged by."""
        self.list_damaged = False
        """The do-not-call list could not be read at the last look (said once)."""

    def listed(self) -> frozenset[str] | None:
        """The do-not-call list (in a worker); when it is damaged, said once, and the
        members are shown with no one callable."""
        suppressed = read_listed(self.store)
        if suppressed is None and not self.list_damaged:
            self.list_damaged = True
            self.app.call_from_thread(
                self.notify,
                LIST_DAMAGED_NOTICE,
                severity="error",
                timeout=30,
                markup=False,
            )
        elif suppressed is not None:
            self.list_damaged = False
        return suppressed

    @property
    def history(self) -> History:
        """The undo stack this screen's u and ctrl+r step through."""
        raise NotImplementedError

    # --- one writer ---------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group=WRITE)
    def change_store(self, change: Callable[[], str], select: str | None = None) -> None:
        """Run one change against the store off the UI thread, then report it (a change
        that returns "" has reported in its own way)."""
        summary = change()
        if summary:
            self.post_message(self.StoreChanged(summary, select))

    @on(StoreChanged)
    def _store_changed(self, event: StoreChanged) -> None:
        self.notify(event.summary, markup=False)
        self.store_changed(event.select)

    def store_changed(self, select: str | None) -> None:
        """Show the store as it is now (the screen reloads)."""

    def calling_rules_changed(self, dialing: Dialing) -> None:
        """Judge calling hours by `dialing` from now on (screens that show them judge
        again)."""
        self.dialing = dialing

    # --- undo and redo ------------------------------------------------------------------
    def action_undo_change(self) -> None:
        """Undo the last change (several levels); the cursor goes to what came back."""
        history = self.history
        self.change_store(lambda: self._step(history, history.undo, "Undid", "Nothing to undo"))

    def action_redo_change(self) -> None:
        """Redo the last change undone; the cursor goes to what came back."""
        history = self.history
        self.change_store(lambda: self._step(history, history.redo, "Redid", "Nothing to redo"))

    def _step(
        self, history: History, step: Callable[[], str | None], done: str, nothing: str
    ) -> str:
        description = step()
        summary = f"{done}: {clean(description)}" if description else nothing
        self.post_message(self.StoreChanged(summary, history.focus))
        return ""  # reported, with what to put the cursor on

    # --- export -------------------------------------------------------------------------
    def export(self, audience: Audience, scope: ExportScope) -> None:
        """Ask where to write (saying which members), then write them in the worker."""

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.change_store(lambda: self._export(audience.name, scope, request))

        columns = (list(audience.columns), audience.phone_column)
        self.app.push_screen(ExportModal(audience.name, scope, self.places, columns), chosen)

    def _export(self, name: str, scope: ExportScope, request: ExportRequest) -> str:
        """Write the export; members on the do-not-call list are left out (and counted)."""
        from core.suppress import SuppressionList

        audience, members = self.store.load(name)
        if scope.keys is not None:
            wanted = set(scope.keys)
            members = [m for m in members if m.e164 in wanted]
        members, left_out = leave_out(members, SuppressionList.load(self.store).keys())
        said = f"Exported {scope.label} of {clean(name)!r}"
        if request.platform is None:
            path = export_to_file(
                audience, members, request.path, excel_safe_cells=request.excel_safe
            )
            said += f" to {path}"
        else:
            said += self._export_for(audience, members, request)
        if left_out:
            said += (
                f"; left out {plural(left_out, 'member')} on the do-not-call list, so "
                f"{plural(len(members), 'member')} {'was' if len(members) == 1 else 'were'} "
                "written"
            )
        return said

    @staticmethod
    def _export_for(audience: Audience, members: list[Member], request: ExportRequest) -> str:
        """Write the platform's file (or files, FILE-1.csv ... within its limits)."""
        from core.platforms import platform

        made = platform_export(
            audience, members, platform(str(request.platform)), excel_safe_cells=request.excel_safe
        )
        target = made.platform
        paths = part_paths(request.path, len(made.parts))
        taken = [p for p in paths if p != request.path and p.exists()]
        if taken:
            # The dialog asked about FILE.csv only: parts are never replaced unasked.
            raise AudiencesError(
                f"nothing was written: {taken[0]} already exists; choose another file name"
            )
        written = write_parts(made, request.path, overwrite=True)
        if len(written) == 1:
            said = f" for {target.name} to {written[0]}"
        else:
            said = (
                f" for {target.name} in {len(written)} files ({target.name} takes at most "
                f"{limits_text(made)} a file): "
                + ", ".join(f"{p.name} ({n:,})" for p, n in zip(written, made.rows, strict=True))
                + f" in {written[0].parent}"
            )
        old = stale_parts(request.path, len(written) if len(written) > 1 else 0)
        if old:
            said += (
                f"; {', '.join(p.name for p in old)} from an earlier export "
                f"{'is' if len(old) == 1 else 'are'} still there: do not upload "
                f"{'it' if len(old) == 1 else 'them'}"
            )
        return said

    # --- errors -------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            show_error(self.app, event.worker.error)
            self.work_failed(event.worker)

    def work_failed(self, worker: Worker[object]) -> None:
        """A worker of this screen failed (the error was shown)."""
