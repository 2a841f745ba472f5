"""CSV diff view: what an import plan would do, checked by core, applied only on enter.

Used to create an audience from a file (`audience=None`) and to add a file's rows to an
audience. Shows the header comparison, the counts with capacity, every incoming row with
its status; writes nothing until the user confirms, and nothing at all on escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Static
from textual.worker import Worker, WorkerState

from core.audience import MEMBER_LIMIT
from core.errors import AudiencesError, LimitExceeded
from core.history import History
from core.plan import STATUS_NEW, ImportPlan
from core.store import Store
from core.words import plural
from tui.display import clean, error_text
from tui.widgets.frame_table import FrameTable
from tui.workers import WRITE

# Checked-row columns; a file's columns are letters, digits and _ here, so never these.
ROW, STATUS, HINT, REGION = "(row)", "(status)", "(hint)", "(region)"
ROW_LABELS = {ROW: "Row", STATUS: "Status", HINT: "Hint", REGION: "Region"}
DUPLICATE_STATUSES = ("duplicate_in_file", "already_in_audience")


def header_rows(plan: ImportPlan, create: bool) -> pl.DataFrame:
    """The header comparison as rows: audience column, file column, verdict."""
    audience: list[str] = []
    incoming: list[str] = []
    verdict: list[str] = []
    diff = plan.header_diff
    if create or diff is None:
        for header in plan.table.headers:
            saved = plan.header_fixes.get(header, header)
            audience.append(saved)
            incoming.append(header)
            verdict.append("match" if saved == header else "renamed")
    else:
        near = dict(diff.near)  # incoming -> existing
        near_existing = {e: i for i, e in diff.near}
        for name in diff.matched:
            audience.append(name), incoming.append(name), verdict.append("match")
        for name in diff.missing:
            if name in near_existing:
                audience.append(name)
                incoming.append(near_existing[name])
                verdict.append("near match")
            else:
                audience.append(name), incoming.append(""), verdict.append("missing")
        for name in diff.extra:
            if name not in near:
                audience.append(""), incoming.append(name), verdict.append("extra")
    # The verdict first: names may be cut to fit, the verdict never is.
    return pl.DataFrame(
        {"verdict": verdict, "audience": audience, "file": incoming},
        schema={"verdict": pl.String, "audience": pl.String, "file": pl.String},
    )


def rows_frame(plan: ImportPlan) -> pl.DataFrame:
    """Every checked row: its status, hint and region, then the file's own columns.

    The plan's hints are made here if the worker that made the plan did not make them.
    """
    checked = plan.with_hints().select(
        pl.col("row").alias(ROW),
        pl.col("status").alias(STATUS),
        pl.col("hint").fill_null("").alias(HINT),
        pl.col("region").fill_null("").alias(REGION),
    )
    if plan.rows.height != plan.table.frame.height:
        return checked
    values = plan.table.frame.rename(plan.header_fixes) if plan.header_fixes else plan.table.frame
    values = values.select([c for c in plan.columns if c in values.columns])
    phone = values.select(plan.phone_column)
    others = values.drop(plan.phone_column)
    return pl.concat(
        [
            checked.select(ROW, STATUS),
            phone,
            checked.select(REGION),
            others,
            checked.select(HINT),
        ],
        how="horizontal",
    )


COUNTS_WIDTH = 34  # the counts panel's text width (36 less its padding)
REASON_LINES = 3  # so the panel (at most 11 lines) always shows the capacity lines


def reason_lines(by_reason: dict[str, int], width: int, most: int) -> list[str]:
    """Invalid rows by reason, most common first, packed into at most `most` lines of
    `width`; what does not fit is counted at the end ("+2 more")."""

    def line(parts: list[str]) -> str:
        return "  " + " · ".join(parts)

    rows: list[list[str]] = []
    for reason, n in sorted(by_reason.items(), key=lambda item: -item[1]):
        piece = f"{reason} {n:,}"
        if rows and len(line([*rows[-1], piece])) <= width:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    if len(rows) > most:
        rest = sum(len(r) for r in rows[most:])
        rows = rows[:most]
        while rows[-1] and len(line([*rows[-1], f"+{rest} more"])) > width:
            rows[-1].pop()
            rest += 1
        rows[-1].append(f"+{rest} more")
    return [line(r) for r in rows]


@dataclass(frozen=True)
class PlanCounts:
    """The plan's counts, read once (each is a scan of up to a million statuses)."""

    total: int
    new: int
    invalid: int
    duplicates_in_file: int
    already_in_audience: int
    by_reason: dict[str, int]

    @classmethod
    def of(cls, plan: ImportPlan) -> PlanCounts:
        return cls(
            plan.total,
            plan.new,
            plan.invalid,
            plan.duplicates_in_file,
            plan.already_in_audience,
            plan.invalid_by_reason(),
        )

    @property
    def duplicates(self) -> int:
        return self.duplicates_in_file + self.already_in_audience


class CsvDiffScreen(Screen[str | None]):
    """Review an import plan; enter applies it, escape leaves everything as it was."""

    CSS_PATH = "../styles/csv_diff.tcss"
    HELP_TITLE = "CSV diff"
    BINDINGS = [
        Binding("enter", "apply_plan", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        # Short footer words, so every label shows whole at 80 columns; help has the rest.
        Binding("n", "next_problem", "Next", tooltip="Next problem row"),
        Binding("N", "previous_problem", "Previous problem", key_display="N", show=False),
        Binding("f", "cycle_filter", "Filter", tooltip="Filter rows by status, in turn"),
        Binding("i", "toggle_skip_invalid", "Invalid", tooltip="Skip invalid rows (or not)"),
        Binding("d", "toggle_skip_duplicates", "Dups", tooltip="Skip duplicates (or not)"),
        Binding(
            "w",
            "write_problems",
            "Save",
            tooltip="Write the problem rows with reasons to a CSV beside the input",
        ),
    ]

    status_filter: reactive[str] = reactive("all")
    """Which rows are listed: "all", "problems", "new" or one reason."""
    skip_invalid: reactive[bool] = reactive(False)
    """The user chose to leave invalid rows out."""
    skip_duplicates: reactive[bool] = reactive(False)
    """The user chose to leave duplicates (in the file or already members) out."""
    busy: reactive[bool] = reactive(False)
    """The store is being written."""

    class PlanApplied(Message):
        """The plan was written to the store."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class ProblemsWritten(Message):
        """The problem rows were written to a CSV file."""

        def __init__(self, path: str, count: int) -> None:
            super().__init__()
            self.path = path
            self.count = count

    def __init__(
        self,
        store: Store,
        plan: ImportPlan,
        *,
        audience: str | None,
        new_name: str | None = None,
        history: History | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.plan = plan
        self.audience = audience
        self.new_name = new_name
        self.history = history
        self.all_rows = rows_frame(plan)
        self.counts = PlanCounts.of(plan)
        self.problem_rows: pl.Series = pl.Series([], dtype=pl.UInt32)
        self.shown_statuses: pl.Series = self.all_rows[STATUS]

    @property
    def creating(self) -> bool:
        return self.audience is None

    # layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="diff-title")
        with Horizontal(id="diff-top"):
            yield FrameTable(
                header_rows(self.plan, self.creating),
                labels={
                    "audience": "Audience" if not self.creating else "Saved as",
                    "file": "File",
                    "verdict": "Verdict",
                },
                show_marks=False,
                show_cursor=False,
                id="header-diff",
            )
            yield Static(self.counts_text(), id="diff-counts")
        with Horizontal(id="diff-choices"):
            yield Static("", id="diff-filter")
            yield Checkbox(f"Skip {self.counts.invalid:,} invalid (i)", id="skip-invalid")
            yield Checkbox(
                f"Skip {plural(self.duplicates, 'duplicate')} (d)",
                id="skip-duplicates",
            )
        yield FrameTable(
            self.all_rows,
            labels=ROW_LABELS,
            placeholder="",
            id="diff-rows",
        )
        yield Static("", id="diff-verdict")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        header = self.query_one("#header-diff", FrameTable)
        header.can_focus = False
        verdicts = header.frame["verdict"].to_list()
        header.row_style = lambda i: (
            "success"
            if verdicts[i] == "match"
            else "warning"
            if verdicts[i] in ("near match", "renamed")
            else "error"
        )
        for box_id, count in (
            ("#skip-invalid", self.counts.invalid),
            ("#skip-duplicates", self.duplicates),
        ):
            box = self.query_one(box_id, Checkbox)
            box.can_focus = False
            box.display = count > 0
        rows = self.query_one("#diff-rows", FrameTable)
        rows.row_style = self.row_style
        rows.focus()
        self.show_rows()
        self.show_verdict()

    @property
    def duplicates(self) -> int:
        return self.counts.duplicates

    def title_text(self) -> Content:
        source = Content(clean(Path(self.plan.table.source or "input.csv").name)).stylize("bold")
        if self.creating:
            name = Content(clean(self.new_name or "")).stylize("bold")
            return Content.assemble("New audience ", name, " from ", source)
        name = Content(clean(self.audience or "")).stylize("bold")
        return Content.assemble("Add to ", name, " from ", source)

    def counts_text(self) -> Content:
        plan, counts = self.plan, self.counts
        lines = [f"Rows in the file       {plan.table.rows:>8,}"]
        if plan.header_diff is not None and not plan.header_diff.ok:
            lines.append("Rows are checked once the column names match.")
        else:
            lines += [
                f"Valid and new          {counts.new:>8,}",
                f"Invalid                {counts.invalid:>8,}",
                *reason_lines(counts.by_reason, COUNTS_WIDTH, REASON_LINES),
                f"Duplicates in the file {counts.duplicates_in_file:>8,}",
                f"Already in audience    {counts.already_in_audience:>8,}",
            ]
        total = plan.existing + counts.new
        capacity = [
            f"Capacity (limit {MEMBER_LIMIT:,})",
            f"  {plan.existing:,} + {counts.new:,} = {total:,}",
            f"  May still be added   {plan.room:>8,}",
        ]
        content = Content("\n".join(lines + capacity))
        if total > MEMBER_LIMIT:
            content = content.stylize("$text-error", len(content) - len("\n".join(capacity)))
        return content

    # rows and filters ---------------------------------------------------------------------
    def filters(self) -> list[str]:
        statuses = self.all_rows[STATUS].unique().to_list()
        reasons = [r for r in statuses if r != STATUS_NEW]
        return ["all", "problems", "new", *sorted(reasons)]

    def show_rows(self) -> None:
        """List the rows the filter lets through."""
        rows = self.all_rows
        wanted = self.status_filter
        if wanted == "problems":
            rows = rows.filter(pl.col(STATUS) != STATUS_NEW)
        elif wanted != "all":
            rows = rows.filter(pl.col(STATUS) == wanted)
        self.shown_statuses = rows[STATUS]
        self.problem_rows = (self.shown_statuses != STATUS_NEW).arg_true()
        table = self.query_one("#diff-rows", FrameTable)
        label = {"all": "all rows", "problems": "problem rows", "new": "valid and new rows"}
        headers_ok = self.plan.header_diff is None or self.plan.header_diff.ok
        in_file = plural(self.plan.table.rows, "row")
        if not headers_ok:
            text = f"{in_file} in the file, checked once the column names match"
            table.placeholder = "No row is checked until the column names match"
        elif not self.plan.table.rows:
            text = "The file has no rows"
            table.placeholder = "The file has a header but no rows"
        else:
            text = f"Showing {label.get(wanted, wanted)}: {rows.height:,} of {in_file} · f filter"
            table.placeholder = (
                f"No {label.get(wanted, wanted + ' rows')} (f shows the next filter)"
            )
        table.set_frame(rows)
        self.query_one("#diff-filter", Static).update(Content(clean(text)))

    def row_style(self, index: int) -> str | None:
        status = self.shown_statuses[index]
        if status == STATUS_NEW:
            return None
        return "warning" if status in DUPLICATE_STATUSES else "error"

    def watch_status_filter(self) -> None:
        if self.is_mounted:
            self.show_rows()

    def action_cycle_filter(self) -> None:
        """Show all rows, then only problems, only new rows, each reason in turn."""
        choices = self.filters()
        at = choices.index(self.status_filter) if self.status_filter in choices else -1
        self.status_filter = choices[(at + 1) % len(choices)]

    def jump(self, forward: bool) -> None:
        table = self.query_one("#diff-rows", FrameTable)
        here = table.cursor_row
        problems = self.problem_rows  # sorted row positions
        if forward:
            at = int(problems.search_sorted(here, side="right"))
        else:
            at = int(problems.search_sorted(here, side="left")) - 1
        if not 0 <= at < problems.len():
            self.notify("No more problem rows this way", timeout=2)
            return
        table.move_cursor(row=int(problems[at]))

    def action_next_problem(self) -> None:
        """Move to the next row with a problem."""
        self.jump(True)

    def action_previous_problem(self) -> None:
        """Move to the previous row with a problem."""
        self.jump(False)

    # skip choices and the verdict ---------------------------------------------------------
    def action_toggle_skip_invalid(self) -> None:
        """Leave invalid rows out (or not)."""
        if self.counts.invalid:
            self.skip_invalid = not self.skip_invalid
            self.show_skip_choices()

    def action_toggle_skip_duplicates(self) -> None:
        """Leave duplicate rows out (or not)."""
        if self.duplicates:
            self.skip_duplicates = not self.skip_duplicates
            self.show_skip_choices()

    def show_skip_choices(self) -> None:
        """The boxes and the verdict follow the choices at once: a key typed right after
        (enter) must see them, not wait for the boxes' messages."""
        for box_id, value in (
            ("#skip-invalid", self.skip_invalid),
            ("#skip-duplicates", self.skip_duplicates),
        ):
            box = self.query_one(box_id, Checkbox)
            with box.prevent(Checkbox.Changed):
                box.value = value
        self.show_verdict()

    @on(Checkbox.Changed)
    def skip_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "skip-invalid":
            self.skip_invalid = event.value
        elif event.checkbox.id == "skip-duplicates":
            self.skip_duplicates = event.value
        self.show_verdict()

    def blocked(self) -> str | None:
        """Why enter would write nothing (core decides), or None when it may apply."""
        plan, counts = self.plan, self.counts
        try:
            chosen = plan.selected(
                skip_invalid=self.skip_invalid, skip_duplicates=self.skip_duplicates
            )
        except LimitExceeded as exc:
            return exc.message
        except AudiencesError as exc:
            if plan.header_diff is not None and not plan.header_diff.ok:
                return plan.header_diff.message()
            reasons = []
            if counts.invalid and not self.skip_invalid:
                reasons.append(f"{plural(counts.invalid, 'invalid row')} (press i to skip them)")
            if self.duplicates and not self.skip_duplicates:
                kinds = []
                if counts.already_in_audience:
                    kinds.append(f"{counts.already_in_audience:,} already in the audience")
                if counts.duplicates_in_file:
                    kinds.append(f"{counts.duplicates_in_file:,} repeated in the file")
                reasons.append(" and ".join(kinds) + " (press d to skip them)")
            if not reasons:
                return exc.message
            return "nothing can be written yet: " + " and ".join(reasons)
        if chosen.height == 0:
            return "no valid new rows to write"
        return None

    def show_verdict(self) -> None:
        why = self.blocked()
        verdict = self.query_one("#diff-verdict", Static)
        verdict.set_class(why is not None, "-blocked")
        if why is not None:
            verdict.update(Content(clean(why[:1].upper() + why[1:])))
        else:
            count = self.counts.new
            what = "create the audience with" if self.creating else "add"
            verdict.update(
                Content(f"Press enter to {what} {plural(count, 'member')} · escape cancels")
            )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy and action != "cancel":
            return False
        headers_ok = self.plan.header_diff is None or self.plan.header_diff.ok
        if action in ("next_problem", "previous_problem", "cycle_filter", "write_problems"):
            return headers_ok
        if action == "toggle_skip_invalid":
            return bool(self.counts.invalid)
        if action == "toggle_skip_duplicates":
            return bool(self.duplicates)
        return True

    # applying -----------------------------------------------------------------------------
    def action_apply_plan(self) -> None:
        """Write the rows (only when the rules allow)."""
        why = self.blocked()
        if why is not None:
            self.notify(
                clean(why[:1].upper() + why[1:]),
                title="Nothing written",
                severity="warning",
                markup=False,
            )
            return
        self.busy = True
        self.query_one("#diff-verdict", Static).update("Writing…")
        self.write_plan(self.skip_invalid, self.skip_duplicates)

    @work(thread=True, exclusive=True, exit_on_error=False, group=WRITE)
    def write_plan(self, skip_invalid: bool, skip_duplicates: bool) -> None:
        plan, counts = self.plan, self.counts
        members = plan.members(skip_invalid=skip_invalid, skip_duplicates=skip_duplicates)
        skipped = []
        if skip_invalid and counts.invalid:
            skipped.append(f"{counts.invalid:,} skipped as invalid")
        if skip_duplicates and self.duplicates:
            as_what = "duplicates" if self.duplicates != 1 else "a duplicate"
            skipped.append(f"{self.duplicates:,} skipped as {as_what}")
        count = plural(len(members), "member")
        if self.creating:
            assert self.new_name is not None
            create = self.history.create_audience if self.history else self.store.create
            created = create(
                self.new_name, plan.columns, plan.phone_column, members, plan.required_columns()
            )
            summary = f"Created {created.name!r} with {count}"
        else:
            assert self.audience is not None
            if self.history is not None:
                source = Path(plan.table.source or "a file").name
                self.history.add_members(self.audience, members, f"add {count} from {source}")
            else:
                self.store.add_members(self.audience, members)
            summary = f"Added {count}"
        self.post_message(self.PlanApplied("; ".join([summary, *skipped])))

    @on(PlanApplied)
    def plan_applied(self, event: PlanApplied) -> None:
        self.dismiss(event.summary)

    def action_write_problems(self) -> None:
        """Write the problem rows with their reasons to a CSV beside the input."""
        if not self.problem_count():
            self.notify("There are no problem rows to write", timeout=3)
            return
        self.write_problem_file()

    def problem_count(self) -> int:
        return self.counts.total - self.counts.new

    @work(thread=True, exclusive=True, exit_on_error=False, group="problems")
    def write_problem_file(self) -> None:
        path = self.plan.write_problems()
        self.post_message(self.ProblemsWritten(path, self.problem_count()))

    @on(ProblemsWritten)
    def problems_written(self, event: ProblemsWritten) -> None:
        self.notify(
            f"Wrote {plural(event.count, 'problem row')} with reasons to "
            f"{clean(Path(event.path).name)} "
            "beside the input file",
            title="Problems written",
            markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        self.busy = False
        message = error_text(event.worker.error)
        self.notify(message, title="Nothing written", severity="error", markup=False, timeout=8)
        verdict = self.query_one("#diff-verdict", Static)
        verdict.add_class("-blocked")
        verdict.update(Content(message))
        self.refresh_bindings()

    def action_cancel(self) -> None:
        """Close without writing anything."""
        if self.busy:
            self.notify("Writing; it will finish in a moment", timeout=2)
            return
        self.dismiss(None)
