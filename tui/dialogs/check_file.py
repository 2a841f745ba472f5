"""Choose a CSV file (or workbook) to add to an audience, then read and judge it in a worker."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from core.plan import ImportPlan, plan_add
from core.store import Store
from tui.dialogs.encoding import EncodingConsentModal, EncodingQuestioned
from tui.display import error_text, plain
from tui.widgets.file_picker import FilePicker
from tui.workers import CHECK, read_in_worker


class CheckFileModal(ModalScreen[ImportPlan | None]):
    """Pick a file; returns its import plan against the audience (None if cancelled).

    Reading and judging run in a worker with a progress bar; escape stops them. A file
    that cannot be read is explained here, so another one can be chosen at once.
    """

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Add members from a CSV file"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Stop reading, or close")]

    class FileChecked(Message):
        """The file was read and every row judged against the audience."""

        def __init__(self, plan: ImportPlan) -> None:
            super().__init__()
            self.plan = plan

    def __init__(self, store: Store, audience: str, start_dir: Path) -> None:
        super().__init__(classes="dialog")
        self.store = store
        self.audience = audience
        self.start_dir = start_dir

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="check-file-box"):
            yield Static(
                Content.assemble(
                    "Add members to ", plain(self.audience, "bold"), " from a CSV or Excel file"
                ),
                classes="dialog-title",
            )
            yield FilePicker(self.start_dir, id="check-file-picker")
            with Horizontal(id="check-file-progress"):
                yield ProgressBar(total=None, show_eta=False)
                yield Static(Content(" Reading and checking every row… esc stops"))

    @property
    def working(self) -> bool:
        return any(w.node is self and w.group == CHECK and w.is_running for w in self.workers)

    def show_working(self, working: bool) -> None:
        self.query_one("#check-file-progress").display = working

    @on(FilePicker.FileChosen)
    def file_chosen(self, event: FilePicker.FileChosen) -> None:
        event.stop()
        self.check(event.path)

    def check(self, path: Path, encoding: str | None = None) -> None:
        """Read and judge the file off the UI thread."""
        self.show_working(True)
        self.check_file(path, encoding)

    @work(thread=True, exclusive=True, exit_on_error=False, group=CHECK)
    def check_file(self, path: Path, encoding: str | None) -> None:
        worker = get_current_worker()
        table = read_in_worker(self, path, encoding)
        if table is None:
            return
        audience, members = self.store.load(self.audience)
        if worker.is_cancelled:
            return
        from core.suppress import SuppressionList

        suppressed = SuppressionList.load(self.store).keys()
        plan = plan_add(table, audience, {m.e164 for m in members}, suppressed=suppressed)
        if worker.is_cancelled:
            return
        plan.with_hints()  # here, not in the diff view's first paint
        if not worker.is_cancelled:
            self.post_message(self.FileChecked(plan))

    @on(FileChecked)
    def file_checked(self, event: FileChecked) -> None:
        self.dismiss(event.plan)

    @on(EncodingQuestioned)
    def encoding_questioned(self, event: EncodingQuestioned) -> None:
        self.show_working(False)
        path = event.question.path

        def answered(encoding: str | None) -> None:
            if encoding:
                self.check(path, encoding)
            else:
                self.query_one(FilePicker).show_problem(
                    "The file was not read: its encoding needs your consent"
                )

        self.app.push_screen(EncodingConsentModal(event.question), answered)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != CHECK or event.state == WorkerState.RUNNING:
            return
        if event.state != WorkerState.SUCCESS:
            self.show_working(False)
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.query_one(FilePicker).show_problem(error_text(event.worker.error))

    def action_cancel(self) -> None:
        """Stop reading the file, or close without adding anything."""
        if self.working:
            self.workers.cancel_group(self, CHECK)
            self.show_working(False)
            self.query_one(FilePicker).show_problem("Stopped reading the file; nothing was written")
            return
        self.dismiss(None)
