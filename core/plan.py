"""An incoming CSV or member against an audience: header diff, row statuses, capacity.

A plan is computed without writing anything; the store applies it after the user
confirms, re-checking what other processes may have changed meanwhile.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from core.audience import MEMBER_LIMIT, Audience, Member, limit_message
from core.errors import LimitExceeded, RuleViolation
from core.phones import PHONE_REASONS, Reason, judge, judge_column
from core.phones_vector import hints_for
from core.profile import TableProfile, profile_column
from core.reading import CsvTable
from core.text import fixed_column_names, header_problems, strip_controls

STATUS_NEW = "new"
_PHONE_REASON_TEXTS = [str(r) for r in PHONE_REASONS]


@dataclass(slots=True)
class Problem:
    """One refused row: 1-based data row, file line, the phone value, reason and hint."""

    row: int
    line: int
    column: str
    value: str
    reason: str
    hint: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class HeaderDiff:
    """Existing columns against incoming ones (exact, case-sensitive; order may differ)."""

    matched: list[str]
    missing: list[str]
    extra: list[str]
    near: list[tuple[str, str]] = field(default_factory=list)  # (incoming, existing)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra

    def message(self) -> str:
        parts: list[str] = []
        for incoming, existing in self.near:
            parts.append(f"{incoming!r} should be {existing!r}")
        near_in = {i for i, _ in self.near}
        near_ex = {e for _, e in self.near}
        missing = [m for m in self.missing if m not in near_ex]
        extra = [e for e in self.extra if e not in near_in]
        if missing:
            parts.append("missing: " + ", ".join(repr(m) for m in missing))
        if extra:
            parts.append("not in the audience: " + ", ".join(repr(e) for e in extra))
        return (
            "the file's column names must match the audience's exactly (case-sensitive): "
            + "; ".join(parts)
        )


_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ().-]{5,}")


def ensure_header_row(table: CsvTable) -> None:
    """Refuse a file whose first row is contact data rather than column names.

    The message names no value: the row is somebody's phone number and name.
    """
    if any(_PHONE_LIKE.fullmatch(h.strip()) for h in table.headers):
        raise RuleViolation(
            "the first row holds a phone number, so the file has no header row; add a first "
            "line with the column names (for example: phone,name)"
        )


def _loose(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def diff_headers(existing: Sequence[str], incoming: Sequence[str]) -> HeaderDiff:
    """Compare column names exactly, naming near matches such as `Phone` for `phone`."""
    matched = [c for c in existing if c in incoming]
    missing = [c for c in existing if c not in incoming]
    extra = [c for c in incoming if c not in existing]
    near: list[tuple[str, str]] = []
    free = list(missing)
    for name in extra:
        loose = [m for m in free if _loose(m) == _loose(name)]
        close = loose or difflib.get_close_matches(name.lower(), [m.lower() for m in free], 1, 0.6)
        if close:
            target = loose[0] if loose else next(m for m in free if m.lower() == close[0])
            near.append((name, target))
            free.remove(target)
    return HeaderDiff(matched, missing, extra, near)


@dataclass
class ImportPlan:
    """Rows of an incoming table judged against an audience (or against nothing).

    `rows` has one row per data row: row, line, value (the phone cell), status
    ("new" or a reason), hint, e164, region, number_type (null when the column was judged
    without types, as a profile does; `members` judges the types of the rows it writes).
    """

    table: CsvTable
    phone_column: str
    rows: pl.DataFrame
    existing: int = 0
    header_diff: HeaderDiff | None = None
    columns: list[str] = field(default_factory=list)
    header_fixes: dict[str, str] = field(default_factory=dict)
    # How hints of invalid rows are made. They are made when asked for (`with_hints`):
    # a count or a first screen needs none, and judging the candidate fixes of every
    # invalid row of a million-row file costs more than judging the file itself.
    lenient: bool = False
    hint_regions: tuple[str, ...] = ()
    _counts: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    # hints -------------------------------------------------------------------------
    def with_hints(self, rows: pl.DataFrame | None = None) -> pl.DataFrame:
        """`rows` (default: all of them) with the hint of every invalid row filled in.

        For all rows the result is kept, so later calls cost nothing.
        """
        whole = rows is None
        frame = self.rows if rows is None else rows
        missing = frame["hint"].is_null() & frame["status"].is_in(_PHONE_REASON_TEXTS)
        if not missing.any():
            return frame
        hinted = hints_for(
            frame["value"].filter(missing),
            frame["status"].filter(missing),  # an invalid row's status is its reason
            lenient=self.lenient,
            hint_regions=self.hint_regions,
        )
        index = missing.arg_true()
        frame = frame.with_columns(frame["hint"].scatter(index, hinted))
        if whole:
            self.rows = frame
        return frame

    # counts ------------------------------------------------------------------------
    def status_counts(self) -> dict[str, int]:
        """Rows per status, counted in one pass and kept (hints change, statuses never)."""
        if self._counts is None:
            counts = self.rows.get_column("status").value_counts()
            self._counts = {s: int(n) for s, n in counts.iter_rows()}
        return self._counts

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
    def invalid(self) -> int:
        return self.total - self.new - self.duplicates_in_file - self.already_in_audience

    def invalid_by_reason(self) -> dict[str, int]:
        by = self.status_counts()
        return {str(r): by[r] for r in PHONE_REASONS if by.get(r)}

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

    def problems_frame(self) -> pl.DataFrame:
        """The problem rows: row, line, column, value, reason, hint (file order)."""
        return (
            self.with_hints()
            .filter(pl.col("status") != STATUS_NEW)
            .select(
                "row",
                "line",
                pl.lit(self.phone_column).alias("column"),
                "value",
                pl.col("status").alias("reason"),
                "hint",
            )
        )

    def problems(self, limit: int | None = None) -> list[Problem]:
        """The problem rows in file order (the first `limit` of them, when given)."""
        column = self.phone_column
        bad = self.rows.filter(pl.col("status") != STATUS_NEW)
        bad = self.with_hints(bad if limit is None else bad.head(limit))
        return [
            Problem(row, line, column, value, reason, hint)
            for row, line, value, reason, hint in bad.select(
                "row", "line", "value", "status", "hint"
            ).iter_rows()
        ]

    def write_problems(self, path: str | None = None) -> str:
        """Write the problem rows with reasons to a CSV (default: beside the input)."""
        import csv
        import io
        from pathlib import Path

        from core.store import atomic_write

        if path is None:
            source = Path(self.table.source or "input.csv")
            path = str(source.with_name(source.stem + ".problems.csv"))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["row", "line", "column", "value", "reason", "hint"])
        for p in self.problems():
            writer.writerow([p.row, p.line, p.column, p.value, p.reason, p.hint or ""])
        atomic_write(Path(path), out.getvalue().encode())
        return path

    # applying ----------------------------------------------------------------------
    def selected(
        self, *, skip_invalid: bool = False, skip_duplicates: bool = False
    ) -> pl.DataFrame:
        """The rows that would be written, or RuleViolation naming why none may be."""
        if self.header_diff is not None and not self.header_diff.ok:
            raise RuleViolation(self.header_diff.message())
        blocking: list[str] = []
        if self.invalid and not skip_invalid:
            blocking.append(f"{self.invalid:,} invalid (use --skip-invalid to leave them out)")
        dups = self.duplicates_in_file + self.already_in_audience
        if dups and not skip_duplicates:
            blocking.append(f"{dups:,} duplicate (use --skip-duplicates to leave them out)")
        if blocking:
            raise RuleViolation(
                "nothing was written: " + " and ".join(blocking) + " rows; see the report"
            )
        chosen = self.rows.with_row_index("__i").filter(pl.col("status") == STATUS_NEW)
        if self.existing + chosen.height > MEMBER_LIMIT:
            raise LimitExceeded(
                "nothing was written: " + limit_message(self.existing, chosen.height)
            )
        return chosen

    def members(self, *, skip_invalid: bool = False, skip_duplicates: bool = False) -> list[Member]:
        """The members to write, in the audience's column order."""
        chosen = self.selected(skip_invalid=skip_invalid, skip_duplicates=skip_duplicates)
        frame = self.table.frame
        if self.header_fixes:
            frame = frame.rename(self.header_fixes)
        values = frame[chosen["__i"]].select(self.columns)
        types = chosen["number_type"]
        if types.null_count():
            # Judged without types (a profile's verdicts): the members written get theirs.
            types = judge_column(chosen["value"], lenient=self.lenient)["number_type"]
        return [
            Member(dict(zip(self.columns, row, strict=True)), e164, region, ntype)
            for row, e164, region, ntype in zip(
                values.iter_rows(), chosen["e164"], chosen["region"], types, strict=True
            )
        ]

    def required_columns(self) -> list[str]:
        """Columns no row left empty (the phone column always) among rows to write."""
        frame = self.table.frame
        if self.header_fixes:
            frame = frame.rename(self.header_fixes)
        chosen = frame.filter(self.rows["status"] == STATUS_NEW)
        required = [
            c
            for c in self.columns
            if c == self.phone_column
            or chosen.height
            and not bool((chosen[c].str.strip_chars() == "").any())
        ]
        return required


def judge_rows(
    values: pl.Series,
    existing_keys: set[str] | frozenset[str] = frozenset(),
    *,
    lenient: bool = False,
    lines: list[int] | pl.Series | None = None,
    verdicts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Statuses of a phone column: "new" or a reason, with derived fields.

    `verdicts` (from a profile) spares judging the column again. Hints are left null
    except for empty cells and repeats: `ImportPlan.with_hints` makes the others when
    they are shown or written.
    """
    values = values.cast(pl.String).fill_null("")
    if verdicts is None or verdicts.height != values.len():
        verdicts = judge_column(values, lenient=lenient, with_hints=False)
    n = values.len()
    frame = pl.DataFrame(
        {
            "row": pl.int_range(1, n + 1, eager=True),
            "line": pl.Series(
                "line", lines if lines is not None else range(2, n + 2), dtype=pl.Int64
            ),
            "value": values,
        }
    ).hstack(verdicts)
    # A valid number that is not the first of its E.164 form repeats an earlier row
    # (invalid rows have no E.164; their status is their reason). The E.164 digits as an
    # integer are the same key (at most 20 digits, never a leading 0) and hash faster.
    key = pl.col("e164").str.slice(1).cast(pl.Int128)
    status = pl.when(~pl.col("valid")).then(pl.col("reason"))
    if existing_keys:
        in_audience = pl.col("e164").is_in(
            pl.Series(list(existing_keys), dtype=pl.String).implode()
        )
        status = status.when(in_audience).then(pl.lit(str(Reason.ALREADY_IN_AUDIENCE)))
    status = (
        status.when(~key.is_first_distinct())
        .then(pl.lit(str(Reason.DUPLICATE_IN_FILE)))
        .otherwise(pl.lit(STATUS_NEW))
    )
    # Duplicates are judged among valid numbers only (invalid ones have no key).
    frame = frame.with_columns(status.alias("status"))
    hint = (
        pl.when(pl.col("status") == str(Reason.ALREADY_IN_AUDIENCE))
        .then(pl.lit("this number is already a member (compared in E.164 form)"))
        .when(pl.col("status") == str(Reason.DUPLICATE_IN_FILE))
        .then(pl.lit("the same number appears on an earlier row (compared in E.164 form)"))
        .otherwise(pl.col("hint"))
    )
    return frame.with_columns(hint.alias("hint")).select(
        "row", "line", "value", "status", "hint", "e164", "region", "number_type"
    )


def plan_check(
    table: CsvTable,
    phone_column: str,
    *,
    lenient: bool = False,
    default_region: str | None = None,
    profile: TableProfile | None = None,
) -> ImportPlan:
    """Judge a file on its own (the `check` command and the create preview).

    Numbers without a country code get hints from `default_region`, then the regions
    of the column's valid numbers (taken from `profile` when the caller has one).
    """
    ensure_header_row(table)
    if phone_column not in table.frame.columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; the columns are: "
            + ", ".join(table.frame.columns)
        )
    values = table.frame[phone_column]
    regions = [default_region.upper()] if default_region else []
    if profile is None or phone_column not in [c.name for c in profile.columns]:
        column = profile_column(values, lenient=lenient, top=5)
    else:
        column = profile.column(phone_column)
    regions += [r for r, _ in column.top_regions if r not in regions]
    rows = judge_rows(
        values,
        lenient=lenient,
        lines=table.line_numbers,
        verdicts=column.verdicts if column.lenient == lenient else None,
    )
    return ImportPlan(
        table,
        phone_column,
        rows,
        columns=list(table.frame.columns),
        lenient=lenient,
        hint_regions=tuple(regions),
    )


def plan_create(
    table: CsvTable,
    phone_column: str,
    *,
    fix_headers: bool = False,
    lenient: bool = False,
    default_region: str | None = None,
    profile: TableProfile | None = None,
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
            raise RuleViolation(
                "column names must be unique and made of letters, digits and _: "
                + "; ".join(problems)
                + f". Proposed names: {pairs} (accept them with --fix-headers)"
            )
        fixes = {
            old: new for old, new in zip(table.frame.columns, proposed, strict=True) if old != new
        }
        columns = proposed
        phone_column = _fixed_phone_column(phone_column, table, proposed)
    elif phone_column not in columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; the columns are: " + ", ".join(columns)
        )
    source_column = table.frame.columns[columns.index(phone_column)]
    plan = plan_check(
        table, source_column, lenient=lenient, default_region=default_region, profile=profile
    )
    plan.phone_column = phone_column
    plan.columns = columns
    plan.header_fixes = fixes
    return plan


def _fixed_phone_column(phone_column: str, table: CsvTable, proposed: list[str]) -> str:
    if phone_column in proposed:
        return phone_column
    if phone_column in table.headers:
        return proposed[table.headers.index(phone_column)]
    raise RuleViolation(
        f"there is no column named {phone_column!r}; the columns are: " + ", ".join(proposed)
    )


def plan_add(
    table: CsvTable,
    audience: Audience,
    existing_keys: set[str],
    *,
    lenient: bool = False,
    default_region: str | None = None,
) -> ImportPlan:
    """Rows of a file to add to an audience: exact headers, valid, new, within the limit."""
    ensure_header_row(table)
    diff = diff_headers(audience.columns, table.headers)
    if not diff.ok:
        empty = pl.DataFrame(
            schema={
                "row": pl.Int64,
                "line": pl.Int64,
                "value": pl.String,
                "status": pl.String,
                "hint": pl.String,
                "e164": pl.String,
                "region": pl.String,
                "number_type": pl.String,
            }
        )
        return ImportPlan(
            table, audience.phone_column, empty, audience.member_count, diff, list(audience.columns)
        )
    rows = judge_rows(
        table.frame[audience.phone_column],
        existing_keys,
        lenient=lenient,
        lines=table.line_numbers,
    )
    return ImportPlan(
        table,
        audience.phone_column,
        rows,
        audience.member_count,
        diff,
        list(audience.columns),
        lenient=lenient,
        hint_regions=tuple(audience.hint_regions(default_region)),
    )


# --- one member (manual entry) ------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """Why one field of the member form cannot be saved."""

    column: str
    reason: str
    message: str

    @property
    def summary(self) -> str:
        """The problem without the values in it (for stderr and logs)."""
        return f"{self.column}: {self.reason}"


@dataclass(frozen=True)
class MemberCheck:
    """The verdict on a member typed by hand: the member to save, or the problems."""

    member: Member | None
    problems: list[FieldProblem]

    @property
    def ok(self) -> bool:
        return self.member is not None and not self.problems


def check_member(
    audience: Audience,
    values: dict[str, str],
    existing_keys: set[str] | frozenset[str],
    *,
    replacing: str | None = None,
    lenient: bool = False,
    default_region: str | None = None,
) -> MemberCheck:
    """Check one member for manual entry (or an edit, `replacing` its old E.164 key)."""
    unknown = [c for c in values if c not in audience.columns]
    problems: list[FieldProblem] = [
        FieldProblem(c, "unknown_column", f"the audience has no column {c!r}") for c in unknown
    ]
    clean = {c: strip_controls(values.get(c, "")) for c in audience.columns}
    for column in audience.required:
        if column != audience.phone_column and clean[column].strip() == "":
            problems.append(
                FieldProblem(column, str(Reason.MISSING_REQUIRED), f"{column} is required")
            )
    phone = clean[audience.phone_column]
    verdict = judge(phone, lenient=lenient, hint_regions=audience.hint_regions(default_region))
    if not verdict.valid:
        assert verdict.reason is not None
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(verdict.reason),
                f"{verdict.reason}: {verdict.hint}" if verdict.hint else str(verdict.reason),
            )
        )
        return MemberCheck(None, problems)
    assert verdict.e164 is not None
    if verdict.e164 in existing_keys and verdict.e164 != replacing:
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(Reason.ALREADY_IN_AUDIENCE),
                f"already_in_audience: {verdict.e164} is already a member",
            )
        )
    style_fix = _style_fix(audience, phone, verdict.e164)
    if style_fix is not None:
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(Reason.STYLE_MISMATCH),
                f"style_mismatch: this audience's numbers are written "
                f"{'with' if audience.style == 'plus' else 'without'} +; use {style_fix}",
            )
        )
    if problems:
        return MemberCheck(None, problems)
    return MemberCheck(Member(clean, verdict.e164, verdict.region, verdict.number_type), [])


def _style_fix(audience: Audience, phone: str, e164: str) -> str | None:
    if audience.style == "plus" and not phone.startswith("+"):
        return "+" + phone
    if audience.style == "no_plus" and phone.startswith("+"):
        return phone[1:]
    return None
