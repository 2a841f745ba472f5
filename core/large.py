"""Checking a CSV too large to hold: read and judged in batches (`reading.read_batches`),
keeping only what the report needs.

A file over `reading.MAX_FILE_BYTES` is read a batch at a time; each batch is profiled
and its phone column judged as a whole file's would be (the same `judge_column`), then
reduced to what the report needs: per-column counts, the problem rows (row, line, value,
reason), and for valid rows their row, line, region and E.164 digits as integers (the
key of repeats, found across batches once every batch is in). What depends on the whole
file (the region national numbers are read in, the regions hints try, repeats,
ambiguous numbers, hints and fixes) is decided at the end, as `plan.plan_check` decides
it. Memory grows with the rows kept (about 40 bytes a valid row, plus the problem rows'
values), not with the file.

`LargeCheck` answers what the check report asks of an `ImportPlan` (counts, problems,
warnings, regions). The phone column suggested is the first batch's (a batch holds
about 350,000 rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from core.errors import AudiencesError
from core.phones import AMBIGUOUS_COUNTRY, PHONE_REASONS, explain, fixes
from core.phones import vector as phones_vector
from core.phones.rules import Reason
from core.plan import (
    INVALID_STATUSES,
    ROW_HINTS,
    Problem,
    dominant_fix_region,
    problem_columns,
)
from core.profile import ColumnProfile, TableProfile, profile_table, suggest_phone_column
from core.reading import Batch, CsvTable, read_batches
from core.text import columns_text

_PHONE_REASON_TEXTS = [str(r) for r in PHONE_REASONS]
EXPLAIN_ROWS = 200_000  # problem rows explained at a time (readings take ~1 KB a row)

Progress = Callable[[int, int, int], None]  # rows so far, bytes read, file size


@dataclass
class _Column:
    """A column's profile summed over batches."""

    name: str
    values: int = 0
    empty: int = 0
    valid: int = 0
    repairable: int = 0
    regions: dict[str, int] = field(default_factory=dict)

    def add(self, p: ColumnProfile) -> None:
        self.values += p.values
        self.empty += p.empty
        self.valid += p.valid_phones
        self.repairable += p.repairable
        if p.verdicts is not None and p.valid_phones:
            counted = (
                p.verdicts.filter(pl.col("valid") & pl.col("region").is_not_null())
                .group_by("region")
                .len()
            )
            for region, n in counted.iter_rows():
                self.regions[region] = self.regions.get(region, 0) + int(n)

    def profile(self, lenient: bool, top: int = 5) -> ColumnProfile:
        ranked = sorted(self.regions.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return ColumnProfile(
            self.name, self.values, self.empty, self.valid, ranked, None, lenient, self.repairable
        )


@dataclass
class LargeCheck:
    """A large file's check: what `core.cli.check` reports of an `ImportPlan`."""

    table: CsvTable  # the first batch (headers, delimiter, encoding); cleaned cells summed
    phone_column: str
    total: int
    profile: TableProfile
    lenient: bool
    fix_region: str | None
    hint_regions: tuple[str, ...]
    invalid_rows: pl.DataFrame  # row, line, value, status: every invalid row
    valid_rows: pl.DataFrame  # row, line, plus, digits, key, region, duplicate
    ambiguous_rows_: pl.DataFrame  # row, value, e164, region, alternative (new rows only)
    fixable: int
    explained: pl.DataFrame | None  # row, hint, fix, fix_kind of every invalid row
    existing: int = 0
    already_in_audience: int = 0
    repaired: int = 0
    ambiguous_skipped: int = 0
    ambiguity: None = None
    columns: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return self.valid_rows.height - self.duplicates_in_file

    @property
    def duplicates_in_file(self) -> int:
        return int(self.valid_rows.get_column("duplicate").sum())

    @property
    def invalid(self) -> int:
        return self.invalid_rows.height

    @property
    def ambiguous(self) -> int:
        return self.ambiguous_rows_.height

    def invalid_by_reason(self) -> dict[str, int]:
        counted = self.invalid_rows.get_column("status").value_counts()
        by = {str(s): int(n) for s, n in counted.iter_rows()}
        return {s: by[s] for s in INVALID_STATUSES if by.get(s)}

    def regions(self) -> dict[str, int]:
        counted = (
            self.valid_rows.filter(~pl.col("duplicate"))
            .group_by("region")
            .len()
            .drop_nulls("region")
            .with_columns(pl.col("region").cast(pl.String))
            .sort(["len", "region"], descending=[True, False])
        )
        return {r: int(n) for r, n in counted.iter_rows()}

    def problems_frame(self, limit: int | None = None) -> pl.DataFrame:
        """The problem rows in file order: row, line, column, value, reason, hint, fix,
        fix_kind (invalid rows, then repeats, merged by row)."""
        invalid = self.invalid_rows
        if limit is not None:
            invalid = invalid.head(limit)
        if self.explained is not None:
            hints = self.explained.head(invalid.height)
        else:
            hints = _explain(invalid, self.lenient, self.hint_regions, self.fix_region)
        invalid = invalid.with_columns(
            hints.get_column("hint"), hints.get_column("fix"), hints.get_column("fix_kind")
        )
        repeats = self.valid_rows.filter("duplicate")
        if limit is not None:
            repeats = repeats.head(limit)
        repeats = repeats.select(
            "row",
            "line",
            value=_value(),
            status=pl.lit(str(Reason.DUPLICATE_IN_FILE)),
            hint=pl.lit(ROW_HINTS[Reason.DUPLICATE_IN_FILE]),
            fix=pl.lit(None, pl.String),
            fix_kind=pl.lit(None, pl.String),
        )
        both = pl.concat([invalid.cast({"status": pl.String}), repeats]).sort("row")
        if limit is not None:
            both = both.head(limit)
        return both.select(problem_columns(self.phone_column))

    def problems(self, limit: int | None = None, *, updating: bool = False) -> list[Problem]:
        """The problem rows (`ImportPlan.problems`; a large file is only checked, so
        `updating` changes nothing)."""
        return [
            Problem(row, line, column, value, reason, hint, fix, kind)
            for row, line, column, value, reason, hint, fix, kind in self.problems_frame(
                limit
            ).iter_rows()
        ]

    def warnings_frame(self) -> pl.DataFrame:
        rows = self.ambiguous_rows_
        hints = phones_vector.warning_hints(
            rows.get_column("e164"),
            rows.get_column("region"),
            rows.get_column("alternative"),
            fix_region=self.fix_region or "",
        )
        return rows.select(
            "row",
            pl.lit(self.phone_column).alias("column"),
            "value",
            pl.lit(AMBIGUOUS_COUNTRY).alias("reason"),
            pl.concat_list("e164", "alternative").alias("readings"),
            hint=hints,
        )


def _value() -> pl.Expr:
    """A valid row's phone cell as written: an optional + and its digits (ASCII digits
    without a leading 0, as every valid value is written)."""
    return pl.concat_str(
        pl.when(pl.col("plus")).then(pl.lit("+")).otherwise(pl.lit("")),
        pl.col("digits").cast(pl.String),
    )


def _explain(
    rows: pl.DataFrame, lenient: bool, hint_regions: tuple[str, ...], fix_region: str | None
) -> pl.DataFrame:
    """hint, fix, fix_kind of invalid rows (value, status), a slice at a time."""
    parts = [
        explain(
            part.get_column("value"),
            part.get_column("status").cast(pl.String),
            lenient=lenient,
            hint_regions=hint_regions,
            fix_region=fix_region,
        ).select("hint", "fix", "fix_kind")
        for part in rows.iter_slices(EXPLAIN_ROWS)
    ]
    if not parts:
        return pl.DataFrame(schema={"hint": pl.String, "fix": pl.String, "fix_kind": pl.String})
    return pl.concat(parts)


def check_large(
    path: str | Path,
    *,
    phone_column: str | None = None,
    lenient: bool = False,
    default_region: str | None = None,
    encoding: str | None = None,
    keep_hints: bool = False,
    progress: Progress | None = None,
    batch_bytes: int | None = None,
) -> LargeCheck:
    """Check a CSV file of any size in batches (see the module's note).

    `keep_hints` keeps every problem row's hint and fix (to list them all); otherwise
    only their count of fixes is kept, and the rows shown are explained when asked.
    """
    from core import reading

    batches: Iterator[Batch] = read_batches(
        path, encoding=encoding, batch_bytes=batch_bytes or reading.BATCH_BYTES
    )
    first: CsvTable | None = None
    columns: dict[str, _Column] = {}
    chosen: str | None = phone_column
    invalid_parts: list[pl.DataFrame] = []
    valid_parts: list[pl.DataFrame] = []
    total = 0
    cleaned = 0
    for batch in batches:
        table = batch.table
        cleaned += table.cleaned_cells
        if first is None:
            from core.headers import ensure_header_row

            first = table
            ensure_header_row(table)
            if chosen is not None and chosen not in table.frame.columns:
                if chosen in table.headers:
                    chosen = table.frame.columns[table.headers.index(chosen)]
                else:
                    raise AudiencesError(
                        f"there is no column named {chosen!r}; the columns are: "
                        + columns_text(table.headers)
                    )
            columns = {c: _Column(c) for c in table.frame.columns}
        if table.rows == 0:
            continue
        profile = profile_table(table, lenient=lenient)
        for p in profile.columns:
            columns[p.name].add(p)
        if chosen is None:
            chosen = profile.suggested_phone_column
            if chosen is None:
                raise AudiencesError("no column holds phone numbers; name one with --phone-column")
        found = profile.column(chosen)
        values = table.frame.get_column(chosen).cast(pl.String).fill_null("")
        verdicts = found.verdicts
        if verdicts is None:
            verdicts = phones_vector.judge_column(
                values, lenient=lenient, with_hints=False, types=False
            )
        judged = pl.DataFrame(
            {
                "row": pl.int_range(batch.first_row, batch.first_row + table.rows, eager=True),
                "line": table.line_numbers,
                "value": values,
            }
        ).hstack(verdicts.select("valid", "reason", "e164", "region"))
        judged = judged.with_columns(pl.col("row").cast(pl.UInt32), pl.col("line").cast(pl.UInt32))
        valid = pl.col("valid").fill_null(False)
        invalid_parts.append(
            judged.filter(~valid).select(
                "row", "line", "value", status=pl.col("reason").cast(pl.Categorical)
            )
        )
        valid_parts.append(
            judged.filter(valid).select(
                "row",
                "line",
                plus=pl.col("value").str.starts_with("+"),
                digits=pl.col("value").str.strip_prefix("+").cast(pl.Int128),
                key=pl.col("e164").str.slice(1).cast(pl.Int128),
                region=pl.col("region").cast(pl.Categorical),
            )
        )
        total += table.rows
        if progress is not None:
            progress(total, batch.offset, batch.size)
    if first is None:
        raise AudiencesError("the file is empty")
    if chosen is None:
        raise AudiencesError("no column holds phone numbers; name one with --phone-column")
    first.cleaned_cells = cleaned
    # Columns at the end with no name and no value in any batch are left out, as
    # `read_file` leaves them out of a whole file (judged here on the whole file's counts).
    keep = reading.empty_unnamed_ends(first, lambda c: columns[c].empty == columns[c].values)
    if keep < len(first.headers):
        before = first.frame.columns
        first = reading.keep_columns(first, keep)
        named = dict(zip(before, first.frame.columns, strict=False))
        if chosen not in named or (
            phone_column is not None and phone_column not in (*first.frame.columns, *first.headers)
        ):
            # As the whole file read says it: that column is not one of the file's.
            raise AudiencesError(
                f"there is no column named {phone_column or chosen!r}; the columns are: "
                + columns_text(first.headers)
            )
        columns = {named[c]: replace(columns[c], name=named[c]) for c in before[:keep]}
        chosen = named[chosen]
    profiles = [c.profile(lenient) for c in columns.values()]
    whole = TableProfile(profiles, suggest_phone_column(profiles))
    invalid_rows = _concat(
        invalid_parts,
        {"row": pl.UInt32, "line": pl.UInt32, "value": pl.String, "status": pl.Categorical},
    )
    valid_rows = _concat(
        valid_parts,
        {
            "row": pl.UInt32,
            "line": pl.UInt32,
            "plus": pl.Boolean,
            "digits": pl.Int128,
            "key": pl.Int128,
            "region": pl.Categorical,
        },
    )
    # Repeats: a valid row whose E.164 number an earlier row holds (across batches).
    valid_rows = valid_rows.with_columns(duplicate=~pl.col("key").is_first_distinct())
    # As `plan.file_fix_region`: the user's region, else the valid numbers' majority.
    fix_region = (
        default_region.upper()
        if default_region
        else dominant_fix_region(valid_rows.select("plus", "region"))
    )
    top = [r for r, _ in columns[chosen].profile(lenient).top_regions]
    regions = [default_region.upper()] if default_region else []
    regions += [r for r in top if r not in regions]
    ambiguous = _ambiguous(valid_rows, fix_region, lenient)
    explained = None
    fixable = 0
    if invalid_rows.height:
        parts = []
        for part in invalid_rows.iter_slices(EXPLAIN_ROWS):
            if keep_hints:
                hints = _explain(part, lenient, tuple(regions), fix_region)
                parts.append(hints)
            else:  # a count: the fixes alone, no hint worded
                hints = fixes(
                    part.get_column("value"),
                    part.get_column("status").cast(pl.String),
                    lenient=lenient,
                    fix_region=fix_region,
                )
            fixable += int(hints.get_column("fix").is_not_null().sum())
        if keep_hints:
            explained = pl.concat(parts)
    return LargeCheck(
        table=first,
        phone_column=chosen,
        total=total,
        profile=whole,
        lenient=lenient,
        fix_region=fix_region,
        hint_regions=tuple(regions),
        invalid_rows=invalid_rows,
        valid_rows=valid_rows,
        ambiguous_rows_=ambiguous,
        fixable=fixable,
        explained=explained,
        columns=list(first.frame.columns),
    )


def _concat(parts: list[pl.DataFrame], schema: Mapping[str, Any]) -> pl.DataFrame:
    """The parts as one frame (their chunks kept as they are: no copy); `parts` is
    emptied, so that only the frame holds them."""
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.concat(parts, rechunk=False)
    parts.clear()
    return frame


AMBIGUOUS_ROWS = 500_000  # valid rows without + read nationally at a time


def _ambiguous(valid_rows: pl.DataFrame, fix_region: str | None, lenient: bool) -> pl.DataFrame:
    """New valid rows without + that read as another valid number when their digits are
    a national number of `fix_region` (`vector._alternatives`, a slice at a time)."""
    schema = {
        "row": pl.UInt32,
        "value": pl.String,
        "e164": pl.String,
        "region": pl.String,
        "alternative": pl.String,
    }
    if not fix_region:
        return pl.DataFrame(schema=schema)
    candidates = valid_rows.filter(~pl.col("plus") & ~pl.col("duplicate"))
    parts = []
    for part in candidates.iter_slices(AMBIGUOUS_ROWS):
        frame = part.select(
            "row",
            v=pl.col("digits").cast(pl.String),
            e164=pl.concat_str(pl.lit("+"), pl.col("key").cast(pl.String)),
            region=pl.col("region").cast(pl.String),
            valid=pl.lit(True),
        ).with_row_index("i")
        found = phones_vector._alternatives(frame, fix_region, lenient)
        parts.append(
            found.join(frame.select("i", "row", "v", "region"), on="i").select(
                "row", value="v", e164="e164", region="region", alternative="alternative"
            )
        )
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).sort("row")
