"""New audience: choose a CSV, see its columns profiled, pick the phone column and a name.

Nothing is written here: the CSV diff view (pushed last) shows what would be created and
writes only when the user confirms there.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    ProgressBar,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from core.audience import check_name
from core.encodings import encoding_label
from core.errors import RuleViolation
from core.history import History
from core.plan import ImportPlan, plan_create
from core.profile import TableProfile, profile_table
from core.reading import CsvTable, left_out_text
from core.store import Store
from core.text import fixed_column_names, header_problems, strip_controls
from core.words import plural
from tui.dialogs.encoding import EncodingConsentModal, EncodingQuestioned
from tui.display import clean, error_text
from tui.widgets.file_picker import FilePicker
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput
from tui.workers import PLAN, READ, read_in_worker

FIXES_LABELS = {
    True: "Using the proposed column names (f keeps the file's)",
    False: "Not using the proposed column names (f uses them)",
}
PROFILE_LABELS = {
    "column": "Column",
    "saved_as": "Saved as",
    "valid": "Valid phones",
    "regions": "Top regions",
    "empty": "Empty",
    "example": "Example",
}


def default_name(path: Path) -> str:
    """An audience name proposed from a file name: `india_leads.csv` -> `India leads`."""
    words = strip_controls(path.stem).replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def profile_frame(table: CsvTable, profile: TableProfile, fixes: list[str]) -> pl.DataFrame:
    """One row per column of the file: its profile, as text for the columns table."""
    frame = table.frame
    rows: dict[str, list[str]] = {key: [] for key in PROFILE_LABELS}
    for header, column, saved in zip(table.headers, profile.columns, fixes, strict=True):
        non_empty = column.non_empty
        share = f"{column.valid_share:.0%}" if non_empty else "-"
        examples = frame[column.name].filter(frame[column.name].str.strip_chars() != "")
        rows["column"].append(header)
        rows["saved_as"].append(saved if saved != header else "")
        rows["valid"].append(f"{column.valid_phones:,} of {non_empty:,} ({share})")
        rows["regions"].append(", ".join(f"{r} {n:,}" for r, n in column.top_regions[:3]))
        rows["empty"].append(f"{column.empty:,}")
        rows["example"].append(examples[0] if examples.len() else "")
    return pl.DataFrame(rows, schema={key: pl.String for key in rows})


class NewAudienceScreen(Screen[str | None]):
    """Create an audience from a CSV file; dismisses with its name (None if cancelled)."""

    CSS_PATH = "../styles/new_audience.tcss"
    HELP_TITLE = "New audience"
    BINDINGS = [
        Binding("escape", "go_back", "Back"),
        Binding("space", "choose_phone_column", "Phone column"),
        Binding("f", "toggle_header_fixes", "Fix names"),
        Binding("ctrl+n", "focus_name", "Name", key_display="^n"),
        # A priority binding so enter continues from the table and the name box alike.
        Binding("enter", "check_file", "Check", priority=True),
    ]

    phase: reactive[str] = reactive("pick")
    """Where the user is: "pick" a file, "read" it, "preview" it, "plan" the import."""
    phone_column: reactive[str | None] = reactive(None)
    """The frame column chosen as the phone column."""
    accept_fixes: reactive[bool] = reactive(False, init=False)
    """Whether the proposed column names are used (ticked as soon as they are needed)."""

    class FileProfiled(Message):
        """A file was read and its columns profiled."""

        def __init__(self, table: CsvTable, profile: TableProfile) -> None:
            super().__init__()
            self.table = table
            self.profile = profile

    class ImportPlanned(Message):
        """The file was judged as a new audience, ready for the diff view."""

        def __init__(self, plan: ImportPlan, name: str) -> None:
            super().__init__()
            self.plan = plan
            self.name = name

    def __init__(
        self, store: Store, start_dir: Path | None = None, *, history: History | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.start_dir = start_dir if start_dir is not None else Path(".")
        self.history = history
        """Where the creation is recorded, so that u on the audience list undoes it."""
        self.table: CsvTable | None = None
        self.profile: TableProfile | None = None
        self.fixed_names: list[str] = []

    # layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("New audience from a CSV file", id="new-audience-title")
        with ContentSwitcher(initial="pick-pane", id="new-audience-panes"):
            with Vertical(id="pick-pane"):
                yield FilePicker(self.start_dir, id="file-picker")
            with Vertical(id="preview-pane"):
                yield Static("", id="file-summary")
                yield Label(
                    "Columns (● = phone column: space chooses the highlighted one)",
                    id="columns-label",
                )
                yield FrameTable(
                    id="column-profiles",
                    labels=PROFILE_LABELS,
                    columns=list(PROFILE_LABELS),
                    max_column_width=28,
                )
                yield Checkbox(FIXES_LABELS[False], id="fix-headers")
                with Horizontal(id="name-row"):
                    yield Label("Name", id="name-label")
                    yield TypedInput(id="audience-name", placeholder="audience name")
        yield Static("", id="new-audience-problem", markup=False)
        with Horizontal(id="new-audience-progress"):
            yield ProgressBar(total=None, show_eta=False, id="reading-progress")
            yield Static("", id="progress-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fix-headers", Checkbox).can_focus = False
        self.query_one("#new-audience-progress").display = False

    # phases -------------------------------------------------------------------------------
    def watch_phase(self, phase: str) -> None:
        busy = phase in ("read", "plan")
        self.query_one("#new-audience-progress").display = busy
        text = "Reading and profiling the file" if phase == "read" else "Checking every row"
        self.query_one("#progress-text", Static).update(f"{text}… esc cancels")
        pane = "pick-pane" if phase in ("pick", "read") else "preview-pane"
        self.query_one(ContentSwitcher).current = pane
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("choose_phone_column", "focus_name", "check_file"):
            return self.phase == "preview"
        if action == "toggle_header_fixes":
            return self.phase == "preview" and bool(self.needs_fixes)
        return True

    @property
    def needs_fixes(self) -> bool:
        return self.table is not None and bool(header_problems(self.table.headers))

    def show_problem(self, text: str) -> None:
        """Say what is wrong (an empty string clears it)."""
        self.query_one("#new-audience-problem", Static).update(Content(clean(text)))

    # reading ------------------------------------------------------------------------------
    @on(Input.Changed, "#file-path")
    def path_edited(self) -> None:
        """A new path is being typed: the last file's problem no longer applies (the
        picker says what is wrong with the path itself)."""
        if self.phase == "pick":
            self.show_problem("")

    @on(FilePicker.FileChosen)
    def file_chosen(self, event: FilePicker.FileChosen) -> None:
        event.stop()
        self.read(event.path)

    def read(self, path: Path, encoding: str | None = None) -> None:
        """Read and profile a file in a worker (cancelled by escape)."""
        self.show_problem("")
        self.phase = "read"
        self.read_file(path, encoding)

    @work(thread=True, exclusive=True, exit_on_error=False, group=READ)
    def read_file(self, path: Path, encoding: str | None) -> None:
        worker = get_current_worker()
        table = read_in_worker(self, path, encoding)
        if table is None:
            return
        profile = profile_table(table)
        if not worker.is_cancelled:
            self.post_message(self.FileProfiled(table, profile))

    @on(EncodingQuestioned)
    def encoding_questioned(self, event: EncodingQuestioned) -> None:
        self.phase = "pick"
        path = event.question.path

        def answered(encoding: str | None) -> None:
            if encoding:
                self.read(path, encoding)
            else:
                self.show_problem("The file was not read: its encoding needs your consent")

        self.app.push_screen(EncodingConsentModal(event.question), answered)

    @on(FileProfiled)
    def file_profiled(self, event: FileProfiled) -> None:
        table, profile = event.table, event.profile
        self.table, self.profile = table, profile
        self.fixed_names = fixed_column_names(table.headers)
        # The file's names cannot be used as they are: start with the proposed ones.
        self.accept_fixes = self.needs_fixes
        self.watch_accept_fixes(self.accept_fixes)
        self.query_one("#fix-headers", Checkbox).display = self.needs_fixes
        columns = self.query_one("#column-profiles", FrameTable)
        shown = (
            list(PROFILE_LABELS)
            if self.needs_fixes
            else [c for c in PROFILE_LABELS if c != "saved_as"]
        )
        columns.set_frame(profile_frame(table, profile, self.fixed_names), columns=shown)
        self.query_one("#file-summary", Static).update(self.summary(table))
        self.query_one("#audience-name", Input).value = default_name(Path(table.source))
        self.phone_column = profile.suggested_phone_column
        if self.phone_column is not None:
            columns.move_cursor(row=table.frame.columns.index(self.phone_column))
        self.phase = "preview"
        columns.focus()
        if self.phone_column is None:
            self.show_problem("No column holds phone numbers: choose one with space")

    def fixes_needed_text(self) -> str:
        assert self.table is not None
        count = len(header_problems(self.table.headers))
        return (
            "Column names must be unique and hold only ASCII letters, digits and _ "
            f"({plural(count, 'problem')}): press f to use the names under Saved as"
        )

    def summary(self, table: CsvTable) -> Content:
        """One line about the file: name, rows, columns, delimiter, encoding, notes."""
        parts = [plural(table.rows, "row"), plural(len(table.headers), "column")]
        if table.sheet is not None:
            # The app reads a workbook's first sheet; the CLI's --sheet chooses another.
            sheet = f"Excel sheet {clean(table.sheet)!r}"
            if len(table.sheets) > 1:
                sheet += f" (the first of {len(table.sheets)})"
            parts.append(sheet)
            if table.numeric_columns:
                columns = table.frame.columns
                names = ", ".join(
                    clean(table.headers[columns.index(c)]) for c in table.numeric_columns
                )
                parts.append(f"numbers, not text, in {names}: leading + and 0 are lost")
        elif table.converted_from:
            name = encoding_label(table.converted_from)
            parts.append(f"{table.delimiter_name}-separated")
            parts.append(f"converted from {name} to UTF-8")
        else:
            parts.append(f"{table.delimiter_name}-separated")
            parts.append(encoding_label(table.encoding))
        if table.cleaned_cells:
            parts.append(f"{table.cleaned_cells:,} cells had control characters removed")
        left_out = left_out_text(table)
        if left_out:
            parts.append(left_out)
        name = Content(clean(Path(table.source).name)).stylize("bold")
        return Content.assemble(name, " · " + " · ".join(parts))

    def watch_phone_column(self, column: str | None) -> None:
        if self.table is None:
            return
        marked = set() if column is None else {self.table.frame.columns.index(column)}
        self.query_one("#column-profiles", FrameTable).set_marked(marked)

    # choices ------------------------------------------------------------------------------
    def action_choose_phone_column(self) -> None:
        """Use the highlighted column as the phone column."""
        if self.table is None:
            return
        row = self.query_one("#column-profiles", FrameTable).cursor_row
        self.phone_column = self.table.frame.columns[row]
        self.show_problem("")

    def action_toggle_header_fixes(self) -> None:
        """Use (or not) the proposed column names."""
        # The state changes here, not when the checkbox's message arrives: a key typed
        # right after f (enter) must see it.
        self.accept_fixes = not self.accept_fixes
        self.show_problem("")

    def watch_accept_fixes(self, accept: bool) -> None:
        box = self.query_one("#fix-headers", Checkbox)
        with box.prevent(Checkbox.Changed):
            box.value = accept
        box.label = FIXES_LABELS[accept]  # said in words, not by colour alone

    @on(Checkbox.Changed, "#fix-headers")
    def fixes_changed(self, event: Checkbox.Changed) -> None:
        self.accept_fixes = event.value  # a click
        self.show_problem("")

    def action_focus_name(self) -> None:
        """Type the audience's name."""
        self.query_one("#audience-name", Input).focus()

    # planning -----------------------------------------------------------------------------
    def action_check_file(self) -> None:
        """Check every row against the rules, then show the diff view."""
        if self.table is None or self.phase != "preview":
            return
        if self.phone_column is None:
            self.show_problem("Choose the phone column first (space on its row)")
            return
        if self.needs_fixes and not self.accept_fixes:
            self.show_problem(self.fixes_needed_text())
            self.notify(
                "The file's column names cannot be used as they are: press f to use the "
                "proposed names, then enter",
                title="Not checked",
                severity="warning",
                markup=False,
            )
            return
        name = self.query_one("#audience-name", Input).value
        self.show_problem("")
        self.phase = "plan"
        self.make_plan(self.table, self.profile, self.phone_column, name, self.accept_fixes)

    @work(thread=True, exclusive=True, exit_on_error=False, group=PLAN)
    def make_plan(
        self,
        table: CsvTable,
        profile: TableProfile | None,
        phone_column: str,
        name: str,
        fix: bool,
    ) -> None:
        worker = get_current_worker()
        name = check_name(name)
        if any(a.name == name for a in self.store.list_audiences()):
            raise RuleViolation(f"an audience named {name!r} already exists; choose another name")
        from core.suppress import SuppressionList

        suppressed = SuppressionList.load(self.store).keys()
        plan = plan_create(
            table, phone_column, fix_headers=fix, profile=profile, suppressed=suppressed
        )
        if worker.is_cancelled:
            return
        plan.with_hints()  # here, not in the diff view's first paint
        if not worker.is_cancelled:
            self.post_message(self.ImportPlanned(plan, name))

    @on(ImportPlanned)
    def import_planned(self, event: ImportPlanned) -> None:
        from tui.screens.csv_diff import CsvDiffScreen

        self.phase = "preview"
        name = event.name

        def applied(summary: str | None) -> None:
            if summary:
                self.notify(clean(summary), title="Created", markup=False)
                self.dismiss(name)

        screen = CsvDiffScreen(
            self.store, event.plan, audience=None, new_name=name, history=self.history
        )
        self.app.push_screen(screen, applied)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        if event.worker.group == READ:
            self.phase = "pick"
        elif event.worker.group == PLAN:
            self.phase = "preview"
        self.show_problem(error_text(event.worker.error))

    # leaving ------------------------------------------------------------------------------
    def action_go_back(self) -> None:
        """Stop reading, go back to choosing a file, or close without creating anything."""
        if self.phase == "read":
            self.workers.cancel_group(self, READ)
            self.phase = "pick"
            self.show_problem("Stopped reading the file")
        elif self.phase == "plan":
            self.workers.cancel_group(self, PLAN)
            self.phase = "preview"
            self.show_problem("Stopped checking the file; nothing was written")
        elif self.phase == "preview":
            self.phase = "pick"
            self.show_problem("")
            picker = self.query_one(FilePicker)
            picker.reload_listing()  # files written meanwhile (a problems CSV) show up
            box = self.query_one("#file-path", Input)
            box.focus()
            box.cursor_position = len(box.value)  # typing goes on after the path
        else:
            self.dismiss(None)
