"""An incoming file against an audience (or against nothing): row statuses, repairs,
ambiguous numbers, capacity, and what may be written.

A plan is computed without writing anything and is not changed afterwards: repairing
or resolving ambiguous numbers gives a new plan. The store applies the chosen members
after the user confirms, re-checking what other processes may have changed meanwhile.
Refusals are data (`Blocker`); the CLI and the app each word them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import polars as pl

from core.audience import MEMBER_LIMIT, Audience, Member, PhoneStyle
from core.errors import LimitExceeded, NotFound, RuleViolation
from core.headers import (
    HeaderDiff,
    diff_headers,
    ensure_header_row,
    incoming_names,
    near_mapping,
)
from core.phones import (
    AMBIGUOUS_COUNTRY,
    PHONE_REASONS,
    Reason,
    dominant_region,
    explain,
    fixes,
    judge_column,
)
from core.phones import vector as phones_vector
from core.phones.vector import first_of
from core.profile import TableProfile, profile_column
from core.reading import CsvTable, restore_left_out
from core.text import columns_text, fixed_column_names, header_problems
from core.words import plural

STATUS_NEW = "new"
# Statuses of rows that are refused as invalid (skipped by --skip-invalid).
INVALID_STATUSES: tuple[str, ...] = (
    *(str(r) for r in PHONE_REASONS),
    Reason.MISSING_REQUIRED,
    Reason.SUPPRESSED,
)
DUPLICATE_STATUSES: tuple[str, ...] = (Reason.DUPLICATE_IN_FILE, Reason.ALREADY_IN_AUDIENCE)
_PHONE_REASON_TEXTS = [str(r) for r in PHONE_REASONS]
# The hints of row statuses that are not about the phone value itself.
ROW_HINTS: dict[str, str] = {
    Reason.ALREADY_IN_AUDIENCE: "this number is already a member (compared in E.164 form)",
    Reason.DUPLICATE_IN_FILE: "the same number appears on an earlier row (compared in E.164 form)",
    Reason.SUPPRESSED: "this number is on the do-not-call list",
}


def problem_columns(phone_column: str) -> list[str | pl.Expr]:
    """A problem frame's columns (row, line, column, value, reason, hint, fix, fix_kind)
    from rows with a status: what `check` prints and the problems CSV holds."""
    return [
        "row",
        "line",
        pl.lit(phone_column).alias("column"),
        "value",
        pl.col("status").alias("reason"),
        "hint",
        "fix",
        "fix_kind",
    ]


Ambiguity = Literal["as-typed", "national", "skip"]
AMBIGUITY_CHOICES: tuple[str, ...] = ("as-typed", "national", "skip")

ROWS_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "line": pl.Int64(),
    "value": pl.String(),
    "original": pl.String(),
    "status": pl.String(),
    "hint": pl.String(),
    "e164": pl.String(),
    "region": pl.String(),
    "number_type": pl.String(),
    "fix": pl.String(),
    "fix_kind": pl.String(),
    "alternative": pl.String(),
}


@dataclass(slots=True)
class Problem:
    """One refused row: 1-based data row, file line, the phone value, reason, hint, fix."""

    row: int
    line: int
    column: str
    value: str
    reason: str
    hint: str | None
    fix: str | None = None
    fix_kind: str | None = None


BlockerKind = Literal["headers", "invalid", "duplicates", "ambiguous", "limit", "empty"]


@dataclass(frozen=True)
class Blocker:
    """One reason nothing may be written, with its counts; each front end words it.

    `count` is the number of rows concerned (for "limit": the rows that would be
    added); `by` breaks it down (reasons, or in-file/in-audience duplicates); `rows`
    are the first rows concerned (1-based), for messages that name them.
    """

    kind: BlockerKind
    count: int = 0
    by: dict[str, int] = field(default_factory=dict)
    rows: tuple[int, ...] = ()
    existing: int = 0
    headers: HeaderDiff | None = None


class HeadersRefused(RuleViolation):
    """A new audience's column names break the rules; `proposed` are names that pass
    (each front end says how to accept them)."""

    def __init__(self, message: str, proposed: list[str]) -> None:
        super().__init__(message)
        self.proposed = proposed


class PlanBlocked(RuleViolation):
    """The rules refuse the plan as the user chose it; nothing was written."""

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__("nothing was written: " + "; ".join(describe(b) for b in blockers))
        self.blockers = blockers

    @classmethod
    def of(cls, blockers: list[Blocker]) -> PlanBlocked:
        if any(b.kind == "limit" for b in blockers):
            return LimitBlocked(blockers)
        return cls(blockers)


class LimitBlocked(PlanBlocked, LimitExceeded):
    """The plan would take the audience past its member limit."""


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(f"{r:,}" for r in rows[:5])
    return (
        f"row {shown}" if len(rows) == 1 else f"rows {shown}" + (", ..." if len(rows) > 5 else "")
    )


def refused_rows_text(count: int, by: dict[str, int]) -> str:
    """Rows `--skip-invalid` leaves out, by kind: a valid number on the do-not-call list
    or a row leaving a required column empty is not called an invalid row."""
    listed = by.get(Reason.SUPPRESSED, 0)
    missing = by.get(Reason.MISSING_REQUIRED, 0)
    numbers = count - listed - missing
    parts = [plural(numbers, "invalid row")] if numbers else []
    if missing:
        parts.append(f"{plural(missing, 'row')} with a required column empty")
    if listed:
        parts.append(f"{plural(listed, 'row')} on the do-not-call list")
    return ", ".join(parts) or plural(count, "invalid row")


def describe(blocker: Blocker) -> str:
    """A blocker in neutral words (no flag or key: front ends add how to proceed)."""
    n = blocker.count
    if blocker.kind == "headers":
        assert blocker.headers is not None
        return blocker.headers.message()
    if blocker.kind == "invalid":
        return refused_rows_text(n, blocker.by)
    if blocker.kind == "duplicates":
        return f"{n:,} duplicate row{'s' if n != 1 else ''}"
    if blocker.kind == "ambiguous":
        return (
            f"{n:,} number{'s' if n != 1 else ''} without + read{'' if n != 1 else 's'} "
            f"as two countries' numbers ({_rows_text(blocker.rows)})"
        )
    if blocker.kind == "limit":
        room = max(MEMBER_LIMIT - blocker.existing, 0)
        return (
            f"the audience has {blocker.existing:,} member{'s' if blocker.existing != 1 else ''}"
            f": at most {room:,} more (limit {MEMBER_LIMIT:,}); this would add {n:,}"
        )
    if n:
        return f"none of the file's {n:,} rows is valid and new"
    return "the file has no rows to add"


@dataclass(frozen=True)
class ImportPlan:
    """Rows of an incoming table judged against an audience (or against nothing).

    `rows` (`ROWS_SCHEMA`) has one row per data row: row, line, value (the phone cell
    to store: repaired when `original` is set), status ("new" or a reason), hint, e164,
    region, number_type (null when judged without types, as a profile does; `members`
    judges the types of the rows it writes), fix and fix_kind (of invalid rows), and
    alternative (the other number an ambiguous valid value reads as).
    """

    table: CsvTable
    phone_column: str
    rows: pl.DataFrame
    existing: int = 0
    header_diff: HeaderDiff | None = None
    columns: list[str] = field(default_factory=list)
    header_fixes: dict[str, str] = field(default_factory=dict)
    lenient: bool = False
    hint_regions: tuple[str, ...] = ()
    fix_region: str | None = None
    style: PhoneStyle = "none"  # of the audience written to (repairs follow it)
    existing_keys: frozenset[str] = frozenset()
    suppressed_keys: frozenset[str] = frozenset()  # the store's do-not-call list
    required: tuple[str, ...] = ()  # columns a row may not leave empty (adding)
    ambiguity: Ambiguity | None = None  # how ambiguous numbers were resolved
    repairing: bool = False  # fixes were applied (`repaired_plan`)
    # Explanations (hints, fixes) are made when asked for: a count or a first screen
    # needs none, and judging the readings of every invalid row of a million-row file
    # costs about as much as judging the file itself.
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    # explanations ------------------------------------------------------------------
    @staticmethod
    def _unexplained(frame: pl.DataFrame) -> pl.Series:
        """Invalid rows whose explanation is not made yet (an invalid row's status is its
        reason; empty cells and repeats get theirs when judged)."""
        return frame["hint"].is_null() & frame["status"].is_in(_PHONE_REASON_TEXTS)

    def with_hints(self, rows: pl.DataFrame | None = None) -> pl.DataFrame:
        """`rows` (default: all of them) with every invalid row's hint, fix and fix_kind
        filled in. For all rows the result is kept, so later calls cost nothing."""
        if rows is None and "explained" in self._cache:
            return self._cache["explained"]  # type: ignore[return-value]
        frame = self.rows if rows is None else rows
        missing = self._unexplained(frame)
        if missing.any():
            explained = explain(
                frame["value"].filter(missing),
                frame["status"].filter(missing),  # an invalid row's status is its reason
                lenient=self.lenient,
                hint_regions=self.hint_regions,
                fix_region=self.fix_region,
            )
            index = missing.arg_true()
            frame = frame.with_columns(
                frame[c].scatter(index, explained[c])
                for c in ("hint", "fix", "fix_kind", "alternative")
            )
        ambiguous = frame["hint"].is_null() & frame["alternative"].is_not_null()
        if ambiguous.any() and self.fix_region:
            index = ambiguous.arg_true()
            hints = phones_vector.warning_hints(
                frame["e164"].gather(index),
                frame["region"].gather(index),
                frame["alternative"].gather(index),
                fix_region=self.fix_region,
            )
            frame = frame.with_columns(frame["hint"].scatter(index, hints))
        if rows is None:
            self._cache["explained"] = frame
        return frame

    # counts ------------------------------------------------------------------------
    def status_counts(self) -> dict[str, int]:
        """Rows per status, counted in one pass and kept (hints change, statuses never)."""
        if "counts" not in self._cache:
            counts = self.rows.get_column("status").value_counts()
            self._cache["counts"] = {s: int(n) for s, n in counts.iter_rows()}
        return self._cache["counts"]  # type: ignore[return-value]

    def count(self, status: str) -> int:
        return self.status_counts().get(status, 0)

    @property
    def total(self) -> int:
        return self.rows.height

    @property
    def new(self) -> int:
        return self.count(STATUS_NEW)

    @property
    def duplicates_in_file(self) -> int:
        return self.count(Reason.DUPLICATE_IN_FILE)

    @property
    def already_in_audience(self) -> int:
        return self.count(Reason.ALREADY_IN_AUDIENCE)

    @property
    def duplicates(self) -> int:
        return self.duplicates_in_file + self.already_in_audience

    @property
    def invalid(self) -> int:
        return sum(self.count(s) for s in INVALID_STATUSES)

    @property
    def ambiguous_skipped(self) -> int:
        return self.count(AMBIGUOUS_COUNTRY)

    def invalid_by_reason(self) -> dict[str, int]:
        by = self.status_counts()
        return {s: by[s] for s in INVALID_STATUSES if by.get(s)}

    @property
    def repaired(self) -> int:
        """Rows whose phone value was replaced by its fix (or its national reading)."""
        return self.total - self.rows.get_column("original").null_count()

    @property
    def fixable(self) -> int:
        """Invalid rows with a fix: from every row's explanation when it is made, else
        from the fixes alone (no hint worded, which costs a third as much), kept."""
        if "explained" in self._cache:
            frame = self.with_hints()
            invalid = frame["status"].is_in(_PHONE_REASON_TEXTS)
            return int((invalid & frame["fix"].is_not_null()).sum())
        if "fixable" not in self._cache:
            frame = self.rows
            missing = self._unexplained(frame)
            explained = frame["status"].is_in(_PHONE_REASON_TEXTS) & ~missing
            count = int((explained & frame["fix"].is_not_null()).sum())
            if missing.any():
                found = fixes(
                    frame["value"].filter(missing),
                    frame["status"].filter(missing),
                    lenient=self.lenient,
                    fix_region=self.fix_region,
                )
                count += int(found["fix"].is_not_null().sum())
            self._cache["fixable"] = count
        return self._cache["fixable"]  # type: ignore[return-value]

    def _ambiguous(self, frame: pl.DataFrame) -> pl.Expr:
        """Rows that read as two valid numbers, one of them national in the fix region:
        new rows, and, once repairing, invalid rows whose repair has two readings."""
        status = pl.col("status")
        waiting = status == STATUS_NEW
        if self.repairing:
            waiting = waiting | status.is_in(_PHONE_REASON_TEXTS)
        return waiting & pl.col("alternative").is_not_null()

    def ambiguous_rows(self) -> pl.DataFrame:
        """Rows whose number reads as two valid numbers (see `_ambiguous`). Once
        repairing, an invalid row's readings are in its explanation: every row's is made
        (kept for later calls)."""
        frame = self.with_hints() if self.repairing else self.rows
        return frame.filter(self._ambiguous(frame))

    @property
    def ambiguous(self) -> int:
        return self.ambiguous_rows().height

    def regions(self) -> dict[str, int]:
        counted = (
            self.rows.filter(pl.col("status") == STATUS_NEW)
            .group_by("region")
            .len()
            .drop_nulls("region")
            .sort(["len", "region"], descending=[True, False])
        )
        return {r: int(n) for r, n in counted.iter_rows()}

    @property
    def room(self) -> int:
        return max(MEMBER_LIMIT - self.existing, 0)

    # rows shown or written ---------------------------------------------------------
    def problems_frame(self) -> pl.DataFrame:
        """The problem rows: row, line, column, value, reason, hint, fix, fix_kind."""
        return (
            self.with_hints()
            .filter(pl.col("status") != STATUS_NEW)
            .select(problem_columns(self.phone_column))
        )

    def problems(self, limit: int | None = None, *, updating: bool = False) -> list[Problem]:
        """The problem rows in file order (the first `limit` of them, when given). Only
        those are explained, unless every row's explanation is made already (a count
        of fixes made them): then they are taken from it. When `updating`, rows whose
        number is already a member update it: they are not problems."""
        explained = "explained" in self._cache
        kept = [STATUS_NEW, str(Reason.ALREADY_IN_AUDIENCE)] if updating else [STATUS_NEW]
        bad = (self.with_hints() if explained else self.rows).filter(~pl.col("status").is_in(kept))
        if limit is not None:
            bad = bad.head(limit)
        if not explained:
            bad = self.with_hints(bad)
        return [Problem(*row) for row in bad.select(problem_columns(self.phone_column)).iter_rows()]

    def warnings_frame(self) -> pl.DataFrame:
        """Valid rows to look at: row, column, value, reason, readings, hint."""
        rows = self.with_hints(self.ambiguous_rows())
        # A formatted value with two readings is invalid as typed (no e164): its reading
        # as typed is its digits with a + (`resolved("as-typed")` stores that).
        typed = phones_vector.typed_numbers(rows["value"], lenient=self.lenient)
        first = rows["e164"].fill_null(typed)
        return rows.select(
            "row",
            pl.lit(self.phone_column).alias("column"),
            "value",
            pl.lit(AMBIGUOUS_COUNTRY).alias("reason"),
            pl.concat_list(first, "alternative").list.drop_nulls().alias("readings"),
            "hint",
        )

    def write_problems(self, path: str | None = None) -> str:
        """Write the problem rows with reasons and fixes to a CSV (default: beside the
        input)."""
        import csv
        import io
        from pathlib import Path

        from core.atomic import atomic_write

        if path is None:
            source = Path(self.table.source or "input.csv")
            path = str(source.with_name(source.stem + ".problems.csv"))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["row", "line", "column", "value", "reason", "hint", "fix", "fix_kind"])
        for p in self.problems():
            writer.writerow(
                [
                    p.row,
                    p.line,
                    p.column,
                    p.value,
                    p.reason,
                    p.hint or "",
                    p.fix or "",
                    p.fix_kind or "",
                ]
            )
        atomic_write(Path(path), out.getvalue().encode(), kept=f"{Path(path).name} was not written")
        return path

    # repairs and ambiguous numbers -------------------------------------------------
    def repaired_plan(self) -> ImportPlan:
        """The plan with every fix applied and the rows judged again (a fixed number can
        repeat another row). Values become E.164 with +, or without it for an audience
        written that way."""
        frame = self.with_hints()
        fixed = frame["fix"].is_not_null() & frame["status"].is_in(_PHONE_REASON_TEXTS)
        return replace(self._replaced(frame, fixed, frame["fix"]), repairing=True, _cache={})

    def resolved(self, ambiguity: Ambiguity) -> ImportPlan:
        """The plan with ambiguous numbers kept as typed, read as national numbers of the
        fix region, or left out."""
        frame = self.with_hints()
        ambiguous = frame.select(self._ambiguous(frame)).to_series()
        if ambiguity == "as-typed":
            # Valid rows are kept as they are; formatted ones (no fix: two readings)
            # become their reading as typed (their digits with a +, other scripts'
            # digits made ASCII), judged again like any repair.
            typed = phones_vector.typed_numbers(frame["value"], lenient=self.lenient)
            formatted = ambiguous & frame["status"].is_in(_PHONE_REASON_TEXTS) & typed.is_not_null()
            if formatted.any():
                plan = self._replaced(frame, formatted, typed)
                return replace(plan, ambiguity=ambiguity, _cache={})
        if ambiguity == "as-typed" or not ambiguous.any():
            return replace(self, ambiguity=ambiguity, _cache={})
        if ambiguity == "skip":
            status = frame["status"].scatter(ambiguous.arg_true(), AMBIGUOUS_COUNTRY)
            return replace(self, rows=frame.with_columns(status), ambiguity=ambiguity, _cache={})
        return replace(self._replaced(frame, ambiguous, frame["alternative"]), ambiguity=ambiguity)

    def chosen(self, *, repair: bool = False, ambiguity: Ambiguity | None = None) -> ImportPlan:
        """The plan with the user's choices applied to this one (as judged): every fix
        when `repair`, then ambiguous numbers resolved as `ambiguity` says."""
        plan = self.repaired_plan() if repair else self
        return plan.resolved(ambiguity) if ambiguity is not None else plan

    def _replaced(self, frame: pl.DataFrame, mask: pl.Series, numbers: pl.Series) -> ImportPlan:
        if not mask.any():
            return self
        index = mask.arg_true()
        e164 = numbers.gather(index)
        values = e164.str.strip_prefix("+") if self.style == "no_plus" else e164
        judged = judge_column(
            values,
            lenient=self.lenient,
            with_hints=False,
            types=False,
            fix_region=self.fix_region,
        )
        judged_valid = pl.repeat(False, frame.height, eager=True).scatter(index, judged["valid"])
        updated = frame.with_columns(
            frame["original"].scatter(index, frame["value"].gather(index)),
            frame["value"].scatter(index, values),
            *(frame[c].scatter(index, judged[c]) for c in ("e164", "region", "alternative")),
            frame["number_type"].scatter(index, judged["number_type"]),
            frame["hint"].scatter(index, pl.repeat(None, index.len(), dtype=pl.String, eager=True)),
        )
        # Valid: rows that were (new or a repeat), and replaced rows whose number is.
        was_valid = frame["status"].is_in([STATUS_NEW, *DUPLICATE_STATUSES])
        valid = (was_valid & ~mask) | (mask & judged_valid)
        rows = _statuses(
            updated.with_columns(reason=pl.when(valid).then(None).otherwise(pl.col("status"))),
            self.existing_keys,
            _missing_required(self.table, self.header_fixes, self.required),
            self.suppressed_keys,
        )
        return replace(self, rows=rows, _cache={})

    # applying ----------------------------------------------------------------------
    def blockers(
        self,
        *,
        skip_invalid: bool = False,
        skip_duplicates: bool = False,
        up_to_limit: bool = False,
        update: bool = False,
    ) -> list[Blocker]:
        """Why nothing may be written with these choices (empty: it may). With `update`,
        rows whose number is already a member update it rather than block."""
        if self.header_diff is not None and not self.header_diff.ok:
            return [Blocker("headers", headers=self.header_diff)]
        found: list[Blocker] = []
        if self.invalid and not skip_invalid:
            found.append(Blocker("invalid", self.invalid, self.invalid_by_reason()))
        already = 0 if update else self.already_in_audience
        if self.duplicates_in_file + already and not skip_duplicates:
            found.append(
                Blocker(
                    "duplicates",
                    self.duplicates_in_file + already,
                    {
                        Reason.DUPLICATE_IN_FILE.value: self.duplicates_in_file,
                        Reason.ALREADY_IN_AUDIENCE.value: already,
                    },
                )
            )
        if self.ambiguity is None and self.ambiguous:
            rows = tuple(self.ambiguous_rows()["row"].head(5).to_list())
            found.append(Blocker("ambiguous", self.ambiguous, rows=rows))
        if found:
            return found
        if self.new == 0 and not (update and self.already_in_audience):
            return [Blocker("empty", self.total)]
        if self.existing + self.new > MEMBER_LIMIT and (not up_to_limit or self.room == 0):
            return [Blocker("limit", self.new, existing=self.existing)]
        return []

    def selected(
        self,
        *,
        skip_invalid: bool = False,
        skip_duplicates: bool = False,
        up_to_limit: bool = False,
        update: bool = False,
    ) -> pl.DataFrame:
        """The rows that would be written (in file order), or PlanBlocked naming why none
        may be. With `up_to_limit` the rows that fit are chosen, the rest left out."""
        blockers = self.blockers(
            skip_invalid=skip_invalid,
            skip_duplicates=skip_duplicates,
            up_to_limit=up_to_limit,
            update=update,
        )
        if blockers:
            raise PlanBlocked.of(blockers)
        chosen = self.rows.with_row_index("(i)").filter(pl.col("status") == STATUS_NEW)
        return chosen.head(self.room)

    def left_out_by_limit(self) -> int:
        """New rows that do not fit (left out by `up_to_limit`)."""
        return max(self.new - self.room, 0)

    def members(
        self,
        *,
        skip_invalid: bool = False,
        skip_duplicates: bool = False,
        up_to_limit: bool = False,
        update: bool = False,
    ) -> list[Member]:
        """The members to write, in the audience's column order, with the phone value
        as the plan has it (repaired, when it was)."""
        chosen = self.selected(
            skip_invalid=skip_invalid,
            skip_duplicates=skip_duplicates,
            up_to_limit=up_to_limit,
            update=update,
        )
        frame = (
            self.table.frame.rename(self.header_fixes) if self.header_fixes else self.table.frame
        )
        values = frame[chosen["(i)"]].with_columns(chosen["value"].alias(self.phone_column))
        values = values.select(self.columns)
        types = chosen["number_type"]
        if types.null_count():
            # Judged without types (a profile's verdicts): the members written get theirs.
            types = judge_column(chosen["value"], lenient=self.lenient, with_hints=False)[
                "number_type"
            ]
        return [
            Member(dict(zip(self.columns, row, strict=True)), e164, region, ntype)
            for row, e164, region, ntype in zip(
                values.iter_rows(), chosen["e164"], chosen["region"], types, strict=True
            )
        ]

    def updates(self, current: Sequence[Member]) -> list[tuple[Member, Member]]:
        """(the member now, the member after) for each member a row of the file updates:
        rows whose number is already a member, in file order (a later row of the same
        number wins). The file's cells replace the member's other columns; a blank cell
        keeps what the member has, and the phone value stays as stored. Members whose
        values would not change are left out; NotFound when a member the file updates
        is no longer in `current` (deleted since the plan was made)."""
        if self.header_diff is not None and not self.header_diff.ok:
            return []
        rows = self.rows.with_row_index("(i)").filter(
            pl.col("status") == str(Reason.ALREADY_IN_AUDIENCE)
        )
        if rows.height == 0:
            return []
        frame = (
            self.table.frame.rename(self.header_fixes) if self.header_fixes else self.table.frame
        )
        cells = frame[rows["(i)"]].select(
            [c for c in self.columns if c != self.phone_column and c in frame.columns]
        )
        by_key = {m.e164: m for m in current}
        after: dict[str, Member] = {}
        for e164, values in zip(rows["e164"], cells.iter_rows(named=True), strict=True):
            member = after.get(e164) or by_key.get(e164)
            if member is None:
                raise NotFound(
                    "nothing was written: a member the file updates was deleted since the "
                    "file was checked; check the file again"
                )
            changed = {c: v for c, v in values.items() if v is not None and v.strip() != ""}
            after[e164] = replace(member, values={**member.values, **changed})
        return [(by_key[k], m) for k, m in after.items() if m.values != by_key[k].values]

    def required_columns(self) -> list[str]:
        """Columns no row left empty (the phone column always) among rows to write."""
        frame = (
            self.table.frame.rename(self.header_fixes) if self.header_fixes else self.table.frame
        )
        chosen = frame.filter(self.rows["status"] == STATUS_NEW)
        return [
            c
            for c in self.columns
            if c == self.phone_column
            or (chosen.height and not bool((chosen[c].str.strip_chars() == "").any()))
        ]


# --- judging rows ---------------------------------------------------------------------


def _statuses(
    frame: pl.DataFrame,
    existing_keys: Collection[str],
    missing_required: pl.Series | None,
    suppressed_keys: Collection[str] = frozenset(),
) -> pl.DataFrame:
    """`ROWS_SCHEMA` rows from rows with a `reason` column (null for valid numbers):
    the status is the reason, else already_in_audience, missing_required, suppressed
    (on the do-not-call list), duplicate_in_file (a repeat of an earlier row's number),
    or new."""
    # The E.164 digits as an integer are the same key as the text (at most 20 digits,
    # never a leading 0) and hash faster; invalid rows have none (they have a reason).
    key = pl.col("e164").str.slice(1).cast(pl.Int128)

    def row_status(status: str) -> tuple[pl.Expr, pl.Expr]:
        return pl.lit(str(status)), pl.lit(ROW_HINTS[status])

    # (condition, status, hint): the first that holds decides both.
    cases = [(pl.col("reason").is_not_null(), pl.col("reason"), pl.col("hint"))]
    # A number already in the audience is that first (`add --update` may update the
    # member, whose blank cells then keep their values), then the row's own faults.
    if existing_keys:
        listed = pl.Series(list(existing_keys), dtype=pl.String).implode()
        cases.append((pl.col("e164").is_in(listed), *row_status(Reason.ALREADY_IN_AUDIENCE)))
    if missing_required is not None:
        missing = pl.lit(missing_required)  # each row's hint, naming its empty columns
        cases.append((missing.is_not_null(), pl.lit(str(Reason.MISSING_REQUIRED)), missing))
        # A row refused for its empty columns is not the number's first occurrence: a
        # later complete row with the same number is the one to add, not a repeat.
        key = pl.when(missing.is_null()).then(key)
    if suppressed_keys:
        listed = pl.Series(list(suppressed_keys), dtype=pl.String).implode()
        cases.append((pl.col("e164").is_in(listed), *row_status(Reason.SUPPRESSED)))
    frame = frame.with_columns(__repeat=~key.is_first_distinct())
    cases.append((pl.col("__repeat"), *row_status(Reason.DUPLICATE_IN_FILE)))
    return frame.with_columns(
        status=first_of([(c, status) for c, status, _ in cases], pl.lit(STATUS_NEW)),
        hint=first_of([(c, hint) for c, _, hint in cases], pl.col("hint")),
    ).select(list(ROWS_SCHEMA))


def _missing_required(
    table: CsvTable, header_fixes: dict[str, str], required: Sequence[str]
) -> pl.Series | None:
    """Per row, the hint of a row that leaves required columns (other than the phone's)
    empty, naming them (null for a row that fills them); None when no row leaves any."""
    if not required:
        return None
    frame = table.frame.rename(header_fixes) if header_fixes else table.frame
    columns = [c for c in required if c in frame.columns]
    if not columns or frame.height == 0:
        return None
    empty = [pl.col(c).fill_null("").str.strip_chars() == "" for c in columns]
    names = pl.concat_list(
        [pl.when(e).then(pl.lit(c)) for e, c in zip(empty, columns, strict=True)]
    ).list.drop_nulls()
    hints = frame.select(
        pl.when(names.list.len() == 1)
        .then(names.list.first() + " is empty here; every member of the audience fills it")
        .when(names.list.len() > 1)
        .then(names.list.join(", ") + " are empty here; every member of the audience fills them")
        .alias("hint")
    ).to_series()
    return hints if hints.null_count() < hints.len() else None


def judge_rows(
    values: pl.Series,
    existing_keys: Collection[str] = frozenset(),
    *,
    lenient: bool = False,
    lines: list[int] | pl.Series | None = None,
    verdicts: pl.DataFrame | None = None,
    fix_region: str | None = None,
    missing_required: pl.Series | None = None,
    suppressed_keys: Collection[str] = frozenset(),
) -> pl.DataFrame:
    """Statuses of a phone column (`ROWS_SCHEMA`): "new" or a reason, with derived fields.

    `verdicts` (from a profile, judged without a fix region) spare judging the column
    again. Hints and fixes are left null except for empty cells and repeats:
    `ImportPlan.with_hints` makes the others when they are shown or written.
    """
    values = values.cast(pl.String).fill_null("")
    if verdicts is None or verdicts.height != values.len():
        verdicts = judge_column(values, lenient=lenient, with_hints=False, fix_region=fix_region)
    elif fix_region:
        verdicts = verdicts.with_columns(
            phones_vector.alternatives(
                values,
                verdicts["valid"],
                verdicts["e164"],
                fix_region=fix_region,
                lenient=lenient,
            )
        )
    n = values.len()
    frame = pl.DataFrame(
        {
            "row": pl.int_range(1, n + 1, eager=True),
            "line": pl.Series(
                "line", lines if lines is not None else range(2, n + 2), dtype=pl.Int64
            ),
            "value": values,
            "original": pl.repeat(None, n, dtype=pl.String, eager=True),
        }
    ).hstack(
        verdicts.select(
            "valid",
            "reason",
            "hint",
            "e164",
            "region",
            "number_type",
            "fix",
            "fix_kind",
            "alternative",
        )
    )
    frame = frame.with_columns(
        reason=pl.when(pl.col("valid")).then(None).otherwise(pl.col("reason")),
        hint=pl.when(pl.col("valid")).then(None).otherwise(pl.col("hint")),
    )
    return _statuses(frame, existing_keys, missing_required, suppressed_keys)


def file_fix_region(
    values: pl.Series, verdicts: pl.DataFrame, default_region: str | None
) -> str | None:
    """The region national numbers of a file are read in: the user's default, else the
    region of a strict majority of the valid numbers written with + (the ones whose
    country is certain), else, when none has a +, of all valid numbers."""
    if default_region:
        return default_region.upper()
    valid = (
        verdicts.select("valid", "region")
        .with_columns(plus=values.cast(pl.String).fill_null("").str.starts_with("+"))
        .filter("valid")
    )
    return dominant_fix_region(valid)


def dominant_fix_region(valid: pl.DataFrame) -> str | None:
    """`file_fix_region` without a default, from the valid rows' `plus` (written with +)
    and `region`: a strict majority of those with + (else of all)."""
    valid = valid.filter(pl.col("region").is_not_null())
    with_plus = valid.filter("plus")
    counted = (with_plus if with_plus.height else valid).group_by("region").len()
    return dominant_region({str(r): int(n) for r, n in counted.iter_rows()})


def _profiled(
    values: pl.Series, lenient: bool, profile: TableProfile | None, column: str
) -> tuple[pl.DataFrame, list[str]]:
    """The column's verdicts (without hints) and top regions, from the profile when the
    caller has one (judge once, carry the result)."""
    if profile is not None and column in [c.name for c in profile.columns]:
        found = profile.column(column)
        if found.lenient == lenient and found.verdicts is not None:
            return found.verdicts, [r for r, _ in found.top_regions]
    judged = profile_column(values, lenient=lenient, top=5)
    verdicts = judged.verdicts
    if verdicts is None:
        verdicts = judge_column(values, lenient=lenient, with_hints=False, types=False)
    return verdicts, [r for r, _ in judged.top_regions]


def plan_check(
    table: CsvTable,
    phone_column: str,
    *,
    lenient: bool = False,
    default_region: str | None = None,
    profile: TableProfile | None = None,
    repair: bool = False,
    suppressed: Collection[str] = frozenset(),
) -> ImportPlan:
    """Judge a file on its own (the `check` command and the create preview); numbers
    in `suppressed` (the store's do-not-call list) are problems.

    National numbers are read in `default_region`, else in the file's dominant region
    (`file_fix_region`); hints also try the regions of the column's valid numbers.
    With `repair` every fix is applied (`ImportPlan.repaired_plan`).
    """
    ensure_header_row(table)
    if phone_column not in table.frame.columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; the columns are: "
            + columns_text(table.frame.columns)
        )
    values = table.frame[phone_column]
    verdicts, top = _profiled(values, lenient, profile, phone_column)
    fix_region = file_fix_region(values, verdicts, default_region)
    regions = [default_region.upper()] if default_region else []
    regions += [r for r in top if r not in regions]
    rows = judge_rows(
        values,
        lenient=lenient,
        lines=table.line_numbers,
        verdicts=verdicts,
        fix_region=fix_region,
        suppressed_keys=suppressed,
    )
    plan = ImportPlan(
        table,
        phone_column,
        rows,
        columns=list(table.frame.columns),
        lenient=lenient,
        hint_regions=tuple(regions),
        fix_region=fix_region,
        suppressed_keys=frozenset(suppressed),
    )
    return plan.repaired_plan() if repair else plan


def plan_create(
    table: CsvTable,
    phone_column: str,
    *,
    fix_headers: bool = False,
    lenient: bool = False,
    default_region: str | None = None,
    profile: TableProfile | None = None,
    repair: bool = False,
    suppressed: Collection[str] = frozenset(),
) -> ImportPlan:
    """A new audience from a file: the headers must be valid (or fixed with consent).

    `profile` (of `table`, when the caller has one) spares judging the column again.
    """
    ensure_header_row(table)
    problems = header_problems(table.headers)
    fixes: dict[str, str] = {}
    columns = list(table.headers)
    if problems:
        proposed = fixed_column_names(table.headers)
        if not fix_headers:
            pairs = ", ".join(
                f"{a!r} -> {b!r}" for a, b in zip(table.headers, proposed, strict=True) if a != b
            )
            raise HeadersRefused(
                "column names must be unique and made of letters, digits and _: "
                + "; ".join(problems)
                + f". Proposed names: {pairs}",
                proposed,
            )
        fixes = {
            old: new for old, new in zip(table.frame.columns, proposed, strict=True) if old != new
        }
        columns = proposed
        phone_column = _fixed_phone_column(phone_column, table, proposed)
    elif phone_column not in columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; the columns are: " + columns_text(columns)
        )
    source_column = table.frame.columns[columns.index(phone_column)]
    plan = plan_check(
        table,
        source_column,
        lenient=lenient,
        default_region=default_region,
        profile=profile,
        repair=repair,
        suppressed=suppressed,
    )
    return replace(plan, phone_column=phone_column, columns=columns, header_fixes=fixes, _cache={})


def _fixed_phone_column(phone_column: str, table: CsvTable, proposed: list[str]) -> str:
    if phone_column in proposed:
        return phone_column
    if phone_column in table.headers:
        return proposed[table.headers.index(phone_column)]
    raise RuleViolation(
        f"there is no column named {phone_column!r}; the columns are: " + columns_text(proposed)
    )


def plan_add(
    table: CsvTable,
    audience: Audience,
    existing_keys: Collection[str],
    *,
    lenient: bool = False,
    default_region: str | None = None,
    mapping: dict[str, str] | None = None,
    fix_headers: bool = False,
    repair: bool = False,
    suppressed: Collection[str] = frozenset(),
) -> ImportPlan:
    """Rows of a file to add to an audience: exact headers (after the renames the user
    asked for), valid, new, within the limit. National numbers are read in
    `default_region`, else in the audience's dominant region."""
    ensure_header_row(table)
    table = restore_left_out(table, audience.columns)
    incoming = incoming_names(table, mapping or {}, fix_headers=fix_headers)
    if fix_headers:
        # Names that differ from the audience's only in case, spaces and punctuation
        # (`Phone Number` for `phone_number`) are read as the audience's: never a guess.
        near = near_mapping(diff_headers(audience.columns, incoming))
        incoming = [near.get(name, name) for name in incoming]
    renames = {
        column: name
        for column, name in zip(table.frame.columns, incoming, strict=True)
        if column != name
    }
    diff = diff_headers(audience.columns, incoming)
    fix_region = audience.fix_region(default_region)
    base = ImportPlan(
        table,
        audience.phone_column,
        pl.DataFrame(schema=ROWS_SCHEMA),
        audience.member_count,
        diff,
        list(audience.columns),
        header_fixes=renames,
        lenient=lenient,
        hint_regions=tuple(audience.hint_regions(default_region)),
        fix_region=fix_region,
        style=audience.style,
        existing_keys=frozenset(existing_keys),
        suppressed_keys=frozenset(suppressed),
        required=tuple(c for c in audience.required if c != audience.phone_column),
    )
    if not diff.ok:
        return base
    frame = table.frame.rename(renames) if renames else table.frame
    rows = judge_rows(
        frame[audience.phone_column],
        existing_keys,
        lenient=lenient,
        lines=table.line_numbers,
        fix_region=fix_region,
        missing_required=_missing_required(table, renames, base.required),
        suppressed_keys=suppressed,
    )
    plan = replace(base, rows=rows, _cache={})
    return plan.repaired_plan() if repair else plan
