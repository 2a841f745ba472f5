"""CSV diff view: what an import plan would do, checked by core, applied only on enter.

Used to create an audience from a file (`audience=None`) and to add a file's rows to an
audience. Shows the header comparison, the counts with capacity, every incoming row with
its status and repair; the user may repair every fixable row (`r`), say how numbers
that read as two countries' are read (`a`, asked once per file), read near-match column
names as the audience's (`m`) and add what fits under the limit (`l`). Writes nothing
until the user confirms, and nothing at all on escape.
"""

from __future__ import annotations

from collections.abc import Callable
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

from core.audience import MEMBER_LIMIT, Member
from core.errors import StoreLocked
from core.headers import near_mapping
from core.history import History
from core.plan import (
    STATUS_NEW,
    Ambiguity,
    Blocker,
    ImportPlan,
    describe,
    plan_add,
    plan_create,
    refused_rows_text,
)
from core.store import Store
from core.words import plural
from tui.dialogs.ambiguity import AmbiguityModal
from tui.dialogs.region import RegionModal
from tui.display import clean, error_text
from tui.screens.plan_view import (
    DUPLICATE_STATUSES,
    HINT,
    REPAIR,
    ROW,
    ROW_LABELS,
    STATUS,
    PlanCounts,
    counts_lines,
    header_rows,
    rows_frame,
)
from tui.widgets.frame_table import FrameTable
from tui.workers import LOAD, WRITE


class CsvDiffScreen(Screen[str | None]):
    """Review an import plan; enter applies it, escape leaves everything as it was."""

    CSS_PATH = "../styles/csv_diff.tcss"
    HELP_TITLE = "CSV diff"
    BINDINGS = [
        Binding("enter", "apply_plan", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
        # Short footer words, so every label shows whole at 80 columns; help has the rest.
        Binding("n", "next_problem", "Next", tooltip="Next problem row", show=False),
        Binding("N", "previous_problem", "Previous problem", key_display="N", show=False),
        Binding("f", "cycle_filter", "Filter", tooltip="Filter rows by status, in turn"),
        Binding("r", "toggle_repair", "Repair", tooltip="Apply every fix (r again: undo them)"),
        Binding(
            "a",
            "choose_ambiguity",
            "Countries",
            tooltip="Choose how numbers that read as two countries' numbers are read",
        ),
        Binding(
            "g",
            "choose_region",
            "Region",
            tooltip="Read numbers without a country code as national numbers of a region",
        ),
        Binding("i", "toggle_skip_invalid", "Invalid", tooltip="Skip invalid rows (or not)"),
        Binding("d", "toggle_skip_duplicates", "Dups", tooltip="Skip duplicates (or not)"),
        Binding(
            "m",
            "toggle_mapping",
            "Map",
            tooltip="Read near-match column names as the audience's (m again: undo)",
        ),
        Binding("l", "toggle_up_to_limit", "Fit", tooltip="Add only the rows that fit the limit"),
        Binding(
            "s",
            "split",
            "Split",
            tooltip="Create audiences of at most 10,000 members each from this file",
        ),
        Binding(
            "u",
            "toggle_update",
            "Update",
            tooltip="Rows whose number is already a member update that member (u again: not)",
        ),
        Binding(
            "w",
            "write_problems",
            "Save problems",
            tooltip="Write the problem rows with reasons to a CSV beside the input",
            show=False,
        ),
    ]

    status_filter: reactive[str] = reactive("all")
    """Which rows are listed: "all", "problems", "new" or one reason."""
    busy: reactive[bool] = reactive(False)
    """The store is being written."""

    class PlanApplied(Message):
        """The plan was written to the store."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class PlanChosen(Message):
        """The plan was made again with the user's choices (repair, names, ambiguity)."""

        def __init__(
            self,
            base: ImportPlan,
            plan: ImportPlan,
            rows: pl.DataFrame,
            updates: list[tuple[Member, Member]],
            choices: tuple[bool, bool, Ambiguity | None],
            judged: ImportPlan | None = None,
        ) -> None:
            super().__init__()
            self.base = base
            self.plan = plan
            self.rows = rows
            self.updates = updates
            self.choices = choices  # (repair, update, ambiguity) the plan was made with
            self.judged = judged  # the file judged again (another region), if it was

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
        self.judged = plan  # as the file was judged: `m` goes back to it
        self.base = plan  # the plan the choices apply to (names mapped or not)
        self.plan = plan  # with the choices applied
        self.audience = audience
        self.new_name = new_name
        self.history = history
        self.repair = False
        self.ambiguity: Ambiguity | None = None
        self.asked = False  # the ambiguity question is asked once per file
        self.national_region: str | None = None  # chosen with g (the app's --default-region)
        self.skip_invalid = False
        self.skip_duplicates = False
        self.up_to_limit = False
        self.update = False
        self.updates: dict[str, tuple[Member, Member]] = {}
        """(member now, member after) by E.164 key, of the members the file updates."""
        self.shown_choices: tuple[bool, bool, Ambiguity | None] = (False, False, None)
        """(repair, update, ambiguity) of the plan shown: a failed choice goes back to it."""
        self.all_rows = rows_frame(plan)
        self.counts = PlanCounts.of(plan)
        self.problem_rows: pl.Series = pl.Series([], dtype=pl.UInt32)
        self.shown_rows: pl.DataFrame = self.all_rows
        self.choosing = False
        """A choice (repair, names, ambiguity) is being applied in a worker."""
        self.pending: list[Callable[[], None]] = []
        """Keys that arrived while choosing: they act on the plan the choice makes."""

    @property
    def creating(self) -> bool:
        return self.audience is None

    @property
    def headers_ok(self) -> bool:
        return self.plan.header_diff is None or self.plan.header_diff.ok

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
            yield Static("", id="diff-counts")
        with Horizontal(id="diff-choices"):
            yield Static("", id="diff-filter")
            yield Checkbox("", id="skip-invalid")
            yield Checkbox("", id="skip-duplicates")
        yield FrameTable(self.all_rows, labels=ROW_LABELS, placeholder="", id="diff-rows")
        yield Static("", id="diff-detail")
        yield Static("", id="diff-verdict")
        # n, w and the palette are in help (?): the footer keeps the keys that change
        # what enter writes, whole at 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        header = self.query_one("#header-diff", FrameTable)
        header.can_focus = False
        for box in self.query(Checkbox):
            box.can_focus = False
        rows = self.query_one("#diff-rows", FrameTable)
        rows.row_style = self.row_style
        rows.focus()
        self.show_plan()
        self.call_after_refresh(self.ask_ambiguity)

    def title_text(self) -> Content:
        source = Content(clean(Path(self.plan.table.source or "input.csv").name)).stylize("bold")
        if self.creating:
            name = Content(clean(self.new_name or "")).stylize("bold")
            return Content.assemble("New audience ", name, " from ", source)
        name = Content(clean(self.audience or "")).stylize("bold")
        return Content.assemble("Add to ", name, " from ", source)

    def show_plan(self) -> None:
        """Show the current plan: names, counts, choices, rows and the verdict."""
        header = self.query_one("#header-diff", FrameTable)
        header.set_frame(header_rows(self.plan, self.creating))
        verdicts = header.frame["verdict"].to_list()
        header.row_style = lambda i: (
            "success"
            if verdicts[i] == "match"
            else "warning"
            if verdicts[i] in ("near match", "renamed")
            else "error"
        )
        self.show_counts()
        self.show_choices()
        self.show_rows()

    def show_counts(self) -> None:
        """The counts and the capacity, which `l` (add what fits) changes."""
        fitting = self.up_to_limit and not self.creating
        lines, capacity = counts_lines(self.plan, self.counts, up_to_limit=fitting)
        content = Content("\n".join(lines + capacity))
        if self.plan.existing + self.counts.new > MEMBER_LIMIT and not fitting:
            content = content.stylize("$text-error", len(content) - len("\n".join(capacity)))
        self.query_one("#diff-counts", Static).update(content)

    def show_choices(self) -> None:
        """The boxes and the verdict follow the choices at once: a key typed right after
        (enter) must see them, not wait for the boxes' messages."""
        counts = self.counts
        for box_id, value, label, count in (
            (
                "#skip-invalid",
                self.skip_invalid,
                f"Skip {counts.invalid:,} invalid (i)",
                counts.invalid,
            ),
            (
                "#skip-duplicates",
                self.skip_duplicates,
                f"Skip {plural(counts.duplicates, 'duplicate')} (d)",
                counts.duplicates,
            ),
        ):
            box = self.query_one(box_id, Checkbox)
            with box.prevent(Checkbox.Changed):
                box.value = value
            box.label = label
            box.display = count > 0
        self.show_verdict()

    # rows and filters ---------------------------------------------------------------------
    def filters(self) -> list[str]:
        statuses = self.all_rows[STATUS].unique().to_list() if STATUS in self.all_rows else []
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
        self.shown_rows = rows
        self.problem_rows = (
            (rows[STATUS] != STATUS_NEW).arg_true() if STATUS in rows else self.problem_rows
        )
        table = self.query_one("#diff-rows", FrameTable)
        label = {"all": "all rows", "problems": "problem rows", "new": "valid and new rows"}
        in_file = plural(self.plan.table.rows, "row")
        if not self.headers_ok:
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
        self.show_detail(table.cursor_row)

    def row_style(self, index: int) -> str | None:
        status = self.shown_rows[STATUS][index] if STATUS in self.shown_rows else STATUS_NEW
        if status == STATUS_NEW:
            return None
        return "warning" if status in DUPLICATE_STATUSES else "error"

    @on(FrameTable.CursorMoved, "#diff-rows")
    def cursor_moved(self, event: FrameTable.CursorMoved) -> None:
        self.show_detail(event.row)

    def show_detail(self, index: int) -> None:
        """The row under the cursor, its repair and its hint in full (they may be cut in
        the table)."""
        rows = self.shown_rows
        detail = self.query_one("#diff-detail", Static)
        if STATUS not in rows or not 0 <= index < rows.height:
            detail.update("")
            return
        row = rows.row(index, named=True)
        parts = [f"Row {row[ROW]:,}", row[STATUS]]
        parts += [row[c] for c in (self.plan.phone_column, REPAIR, HINT) if row.get(c)]
        if self.update and row[STATUS] == "already_in_audience":
            parts[1] = "updates the member"
            e164 = self.plan.rows["e164"][row[ROW] - 1]
            change = self.updates.get(e164)
            parts = parts[:3] + [self.change_text(change)]
        detail.update(Content(clean(" · ".join(parts))))

    def change_text(self, change: tuple[Member, Member] | None) -> str:
        """A member's update, before -> after by column."""
        if change is None:
            return "no change"
        old, new = change
        return "; ".join(
            f"{c}: {old.values[c]} -> {v}" for c, v in new.values.items() if v != old.values[c]
        )

    def watch_status_filter(self) -> None:
        if self.is_mounted:
            self.show_rows()

    def action_cycle_filter(self) -> None:
        """Show all rows, then only problems, only new rows, each reason in turn."""
        if self.waits(self.action_cycle_filter):
            return
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
        if self.waits(self.action_next_problem):
            return
        self.jump(True)

    def action_previous_problem(self) -> None:
        """Move to the previous row with a problem."""
        if self.waits(self.action_previous_problem):
            return
        self.jump(False)

    # choices ------------------------------------------------------------------------------
    def action_toggle_skip_invalid(self) -> None:
        """Leave invalid rows out (or not)."""
        if self.waits(self.action_toggle_skip_invalid):
            return
        if self.counts.invalid:
            self.skip_invalid = not self.skip_invalid
            self.show_choices()

    def action_toggle_skip_duplicates(self) -> None:
        """Leave duplicate rows out (or not)."""
        if self.waits(self.action_toggle_skip_duplicates):
            return
        if self.counts.duplicates:
            self.skip_duplicates = not self.skip_duplicates
            self.show_choices()

    def action_toggle_up_to_limit(self) -> None:
        """Add only the rows that fit under the member limit (or not)."""
        if self.waits(self.action_toggle_up_to_limit):
            return
        self.up_to_limit = not self.up_to_limit
        self.show_counts()
        self.show_choices()

    @on(Checkbox.Changed)
    def box_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "skip-invalid":
            self.skip_invalid = event.value
        elif event.checkbox.id == "skip-duplicates":
            self.skip_duplicates = event.value
        self.show_verdict()

    def action_toggle_repair(self) -> None:
        """Apply every fix (or take them back): values become E.164 numbers."""
        if self.waits(self.action_toggle_repair):
            return
        self.repair = not self.repair
        self.rechoose(self.base)

    def rechoose(self, base: ImportPlan) -> None:
        self.choosing = True
        self.choose(base)

    def action_choose_ambiguity(self) -> None:
        """Ask how numbers that read as two countries' numbers are read."""
        if self.waits(self.action_choose_ambiguity):
            return
        rows = self.plan.with_hints(self.plan.ambiguous_rows().head(1))
        example, hint = "", ""
        if rows.height:
            example, hint = rows["value"][0], rows["hint"][0] or ""
        count = self.plan.ambiguous or self.plan.ambiguous_skipped

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.ambiguity = choice  # type: ignore[assignment]
                self.rechoose(self.base)
            else:
                self.run_pending()  # keys typed behind the question act now

        modal = AmbiguityModal(count, self.plan.fix_region or "", example, hint)
        self.app.push_screen(modal, chosen)

    def ask_ambiguity(self) -> None:
        """Ask once per file, as soon as the file has such numbers."""
        if not self.asked and self.ambiguity is None and self.plan.ambiguous:
            self.asked = True
            self.action_choose_ambiguity()

    def action_toggle_mapping(self) -> None:
        """Read the file's near-match column names as the audience's (or not)."""
        if self.waits(self.action_toggle_mapping):
            return
        if self.base is not self.judged:
            self.rechoose(self.judged)
            return
        diff = self.judged.header_diff
        mapping = near_mapping(diff) if diff is not None else {}
        if mapping:
            self.choosing = True
            self.remap(mapping)

    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def remap(self, mapping: dict[str, str]) -> None:
        assert self.audience is not None
        audience, members = self.store.load(self.audience)
        judged = self.judged
        base = plan_add(
            judged.table,
            audience,
            {m.e164 for m in members},
            lenient=judged.lenient,
            mapping=mapping,
            default_region=self.national_region,
            suppressed=judged.suppressed_keys,
        )
        self._chose(base)

    def action_choose_region(self) -> None:
        """Ask which region numbers without a country code belong to, then judge the
        file again with it (core's --default-region)."""
        if self.waits(self.action_choose_region):
            return
        regions = list(self.plan.regions())
        proposed = self.national_region or self.plan.fix_region or (regions[0] if regions else "")

        def chosen(region: str | None) -> None:
            if region is not None:
                self.national_region = region
                self.choosing = True
                self.rejudge(region)
            else:
                self.run_pending()

        self.app.push_screen(RegionModal(proposed, regions[:8]), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def rejudge(self, region: str | None, *, reread_list: bool = False) -> None:
        """Make the plan again with `region` for national numbers, against the store as
        it is now (and, when `reread_list`, its do-not-call list as it is now)."""
        judged = self.judged
        mapped = self.base is not self.judged
        suppressed = judged.suppressed_keys
        if reread_list:
            from core.suppress import SuppressionList

            suppressed = frozenset(SuppressionList.load(self.store).keys())
        if self.creating:
            new = plan_create(
                judged.table,
                judged.phone_column,
                fix_headers=bool(judged.header_fixes),
                lenient=judged.lenient,
                default_region=region,
                suppressed=suppressed,
            )
            base = new
        else:
            assert self.audience is not None
            audience, members = self.store.load(self.audience)
            keys = {m.e164 for m in members}
            options = {
                "lenient": judged.lenient,
                "default_region": region,
                "suppressed": suppressed,
            }
            new = plan_add(judged.table, audience, keys, **options)  # type: ignore[arg-type]
            base = new
            if mapped and new.header_diff is not None:
                mapping = near_mapping(new.header_diff)
                base = plan_add(judged.table, audience, keys, mapping=mapping, **options)  # type: ignore[arg-type]
        self._chose(base, judged=new)

    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def choose(self, base: ImportPlan) -> None:
        """Make the plan again from `base` with the current choices (in a worker: on a
        big file a repair judges every fixed row again)."""
        self._chose(base)

    def waits(self, action: Callable[[], None]) -> bool:
        """Keep a key for after the choice being made (keys typed ahead, as over a slow
        SSH link, act on the state the key before them left): True when kept.

        The app's TypedKeys already holds keys while store work runs, but for at most
        HOLD_SECONDS (a locked store must not freeze the keyboard); a repair of a big
        file can take longer, and the screen keeps its own keys past that."""
        if not self.choosing:
            return False
        self.pending.append(action)
        return True

    def run_pending(self) -> None:
        """Run the keys kept while choosing, each checked against the plan now shown
        (a key the new plan has no use for is dropped, as it would be when typed)."""
        while self.pending and not self.choosing and self.app.screen is self:
            action = self.pending.pop(0)
            if self.check_action(action.__name__.removeprefix("action_"), ()) is not False:
                action()

    def _chose(self, base: ImportPlan, judged: ImportPlan | None = None) -> None:
        choices = (self.repair, self.update, self.ambiguity)
        plan = base.chosen(repair=self.repair, ambiguity=self.ambiguity)
        rows = rows_frame(plan)
        updates: list[tuple[Member, Member]] = []
        if self.update and self.audience is not None:
            updates = plan.updates(self.store.load(self.audience)[1])
        self.post_message(self.PlanChosen(base, plan, rows, updates, choices, judged))

    def action_toggle_update(self) -> None:
        """Let rows whose number is already a member update it (or not)."""
        if self.waits(self.action_toggle_update):
            return
        self.update = not self.update
        self.rechoose(self.base)

    @on(PlanChosen)
    def plan_chosen(self, event: PlanChosen) -> None:
        self.base, self.plan, self.all_rows = event.base, event.plan, event.rows
        if event.judged is not None:
            self.judged = event.judged  # `m` goes back to this one now
        self.updates = {old.e164: (old, new) for old, new in event.updates}
        self.shown_choices = event.choices
        self.counts = PlanCounts.of(event.plan)
        self.choosing = False
        self.show_plan()
        self.ask_ambiguity()
        self.run_pending()  # not under the ambiguity question: after its answer

    # the verdict --------------------------------------------------------------------------
    def blocked(self) -> str | None:
        """Why enter would write nothing (core decides), or None when it may apply."""
        blockers = self.plan.blockers(
            skip_invalid=self.skip_invalid,
            skip_duplicates=self.skip_duplicates,
            up_to_limit=self.up_to_limit and not self.creating,
            update=self.update,
        )
        if not blockers and self.update and not self.counts.new and not self.updates:
            return "Nothing to write: every row's number is a member, and the file changes none"
        if not blockers:
            return None
        return "Nothing can be written yet: " + "; ".join(self.worded(b) for b in blockers)

    def worded(self, blocker: Blocker) -> str:
        """A blocker in the app's words: what it is, and the key that deals with it."""
        counts = self.counts
        if blocker.kind == "headers":
            diff = self.judged.header_diff
            near = diff is not None and bool(near_mapping(diff))
            return describe(blocker) + (" (press m to map them)" if near else "")
        if blocker.kind == "invalid":
            fix = counts.fixable and not self.repair
            keys = "press i to skip them" + (f", r to repair {counts.fixable:,}" if fix else "")
            if self.plan.fix_region is None:
                keys += ", g to name their region"
            return f"{refused_rows_text(counts.invalid, counts.by_reason)} ({keys})"
        if blocker.kind == "duplicates":
            kinds = []
            if counts.already_in_audience:
                kinds.append(f"{counts.already_in_audience:,} already in the audience")
            if counts.duplicates_in_file:
                kinds.append(f"{counts.duplicates_in_file:,} repeated in the file")
            keys = "press d to skip them"
            if counts.already_in_audience and not self.update:
                keys += ", u to update those members"
            return " and ".join(kinds) + f" ({keys})"
        if blocker.kind == "ambiguous":
            return describe(blocker) + " (press a to choose)"
        if blocker.kind == "limit" and not self.creating:
            return describe(blocker) + f" (press l to add the {self.plan.room:,} that fit)"
        if blocker.kind == "limit":
            return (
                f"{self.counts.new:,} valid new rows are more than one audience holds "
                f"({MEMBER_LIMIT:,}; press s to split them into several)"
            )
        if blocker.kind == "empty":
            return "no valid new rows to write"
        return describe(blocker)

    def show_verdict(self) -> None:
        why = self.blocked()
        verdict = self.query_one("#diff-verdict", Static)
        verdict.set_class(why is not None, "-blocked")
        if why is not None:
            verdict.update(Content(clean(why)))
        else:
            count = min(self.counts.new, self.plan.room)
            what = "create the audience with" if self.creating else "add"
            text = f"Press enter to {what} {plural(count, 'member')}"
            if self.update:
                text += f" and update {len(self.updates):,}"
            verdict.update(Content(f"{text} · escape cancels"))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy and action != "cancel":
            return False
        if self.choosing and action != "cancel":
            return True  # kept by `waits`, checked against the new plan by `run_pending`
        if action in ("next_problem", "previous_problem", "cycle_filter", "write_problems"):
            return self.headers_ok
        if action == "toggle_skip_invalid":
            return bool(self.counts.invalid)
        if action == "toggle_skip_duplicates":
            return bool(self.counts.duplicates)
        if action == "toggle_repair":
            return bool(self.counts.fixable or self.repair)
        if action == "choose_ambiguity":
            return bool(self.counts.ambiguous or self.ambiguity)
        if action == "toggle_mapping":
            diff = self.judged.header_diff
            return not self.creating and diff is not None and bool(near_mapping(diff))
        if action == "choose_region":
            return self.headers_ok and bool(self.counts.invalid or self.national_region)
        if action == "split":
            return self.creating and self.headers_ok and self.counts.new > MEMBER_LIMIT
        if action == "toggle_update":
            return not self.creating and bool(self.counts.already_in_audience or self.update)
        if action == "toggle_up_to_limit":
            return not self.creating and self.plan.existing + self.counts.new > MEMBER_LIMIT
        return True

    # applying -----------------------------------------------------------------------------
    def action_apply_plan(self) -> None:
        """Write the rows (only when the rules allow)."""
        if self.waits(self.action_apply_plan):
            return
        why = self.blocked()
        if why is not None:
            self.notify(clean(why), title="Nothing written", severity="warning", markup=False)
            return
        self.busy = True
        self.query_one("#diff-verdict", Static).update("Writing…")
        self.write_plan(
            self.plan, self.skip_invalid, self.skip_duplicates, self.up_to_limit, self.update
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group=WRITE)
    def write_plan(
        self,
        plan: ImportPlan,
        skip_invalid: bool,
        skip_duplicates: bool,
        up_to_limit: bool,
        update: bool,
    ) -> None:
        counts = PlanCounts.of(plan)
        members = plan.members(
            skip_invalid=skip_invalid,
            skip_duplicates=skip_duplicates,
            up_to_limit=up_to_limit and not self.creating,
            update=update and not self.creating,
        )
        notes = []
        if counts.repaired:
            notes.append(f"{counts.repaired:,} repaired")
        if skip_invalid and counts.invalid:
            notes.append(f"{counts.invalid:,} skipped as invalid")
        skipped = counts.duplicates - (counts.already_in_audience if update else 0)
        if skip_duplicates and skipped:
            as_what = "duplicates" if skipped != 1 else "a duplicate"
            notes.append(f"{skipped:,} skipped as {as_what}")
        if counts.ambiguous_skipped:
            notes.append(f"{counts.ambiguous_skipped:,} left out as ambiguous")
        over = len(members) < counts.new
        if over:
            notes.append(f"{counts.new - len(members):,} left out over the limit")
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
            source = Path(plan.table.source or "a file").name
            # The members as they are now (not as when the view opened) are updated.
            updated = [
                new
                for _, new in (plan.updates(self.store.load(self.audience)[1]) if update else [])
            ]
            if updated:
                notes.insert(0, f"updated {plural(len(updated), 'member')}")
                if self.history is not None:
                    what = f"add {count} and update {len(updated):,} from {source}"
                    self.history.merge_members(self.audience, members, updated, what)
                else:
                    self.store.merge_members(self.audience, add=members, update=updated)
            elif not members:
                # Every row is a member already, and the file changes none of them.
                self.post_message(self.PlanApplied("Nothing written: no new member, no change"))
                return
            elif self.history is not None:
                self.history.add_members(self.audience, members, f"add {count} from {source}")
            else:
                self.store.add_members(self.audience, members)
            summary = f"Added {count}"
        self.post_message(self.PlanApplied("; ".join([summary, *notes])))

    def action_split(self) -> None:
        """Create audiences `NAME 1`, `NAME 2`, ... of at most 10,000 members each from
        the valid new rows (all or none; the skip choices must be made first)."""
        if self.waits(self.action_split):
            return
        others = [
            b
            for b in self.plan.blockers(
                skip_invalid=self.skip_invalid, skip_duplicates=self.skip_duplicates
            )
            if b.kind != "limit"
        ]
        if others:
            why = "; ".join(self.worded(b) for b in others)
            self.notify(clean(why), title="Nothing split", severity="warning", markup=False)
            return
        self.busy = True
        self.query_one("#diff-verdict", Static).update("Creating the audiences…")
        self.write_split(self.plan, self.skip_invalid, self.skip_duplicates)

    @work(thread=True, exclusive=True, exit_on_error=False, group=WRITE)
    def write_split(self, plan: ImportPlan, skip_invalid: bool, skip_duplicates: bool) -> None:
        from core.split import new_audiences, split_of

        assert self.new_name is not None
        split = split_of(plan, self.new_name)
        audiences = new_audiences(split)
        count = plural(len(audiences), "audience")
        if self.history is not None:
            created = self.history.create_many(audiences, f"split into {count}")
        else:
            created = self.store.create_many(audiences)
        counts = PlanCounts.of(plan)
        notes = []
        if counts.repaired:
            notes.append(f"{counts.repaired:,} repaired")
        if skip_invalid and counts.invalid:
            notes.append(f"{counts.invalid:,} skipped as invalid")
        if skip_duplicates and counts.duplicates:
            notes.append(f"{plural(counts.duplicates, 'duplicate')} skipped")
        summary = (
            f"Created {count} ({created[0].name!r} to {created[-1].name!r}) "
            f"with {plural(split.members, 'member')}"
        )
        self.post_message(self.PlanApplied("; ".join([summary, *notes])))

    @on(PlanApplied)
    def plan_applied(self, event: PlanApplied) -> None:
        self.dismiss(event.summary)

    def action_write_problems(self) -> None:
        """Write the problem rows with their reasons to a CSV beside the input."""
        if self.waits(self.action_write_problems):
            return
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
            f"{clean(Path(event.path).name)} beside the input file",
            title="Problems written",
            markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        self.busy = False
        if self.choosing:
            self.repair, self.update, self.ambiguity = self.shown_choices
        self.choosing = False
        self.pending.clear()
        message = error_text(event.worker.error)
        title = "Nothing written" if event.worker.group == WRITE else "Not done"
        self.notify(message, title=title, severity="error", markup=False, timeout=8)
        verdict = self.query_one("#diff-verdict", Static)
        verdict.add_class("-blocked")
        verdict.update(Content(message))
        self.refresh_bindings()
        if (
            event.worker.group == WRITE
            and not self.creating
            and not isinstance(event.worker.error, StoreLocked)
        ):
            # Refused: another process changed the audience or the do-not-call list since
            # the plan was made. Made again against them (the choices kept), the next
            # enter writes what fits now (the notification says why the last did not).
            self.choosing = True
            self.rejudge(self.national_region, reread_list=True)

    def action_cancel(self) -> None:
        """Close without writing anything."""
        if self.busy:
            self.notify("Writing; it will finish in a moment", timeout=2)
            return
        self.dismiss(None)
