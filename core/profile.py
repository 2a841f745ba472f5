"""Per-column statistics of a table and the suggested phone column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from core.phones import judge_column
from core.reading import CsvTable

PHONE_NAME = re.compile(r"phone|mobile|cell|tel|number|msisdn|whatsapp", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds: empties, valid phones, top regions."""

    name: str
    values: int
    empty: int
    valid_phones: int
    top_regions: list[tuple[str, int]] = field(default_factory=list)
    # The column's verdicts without hints, one row per value (kept when it holds valid
    # phones, so a plan on this column does not judge it again), and their mode.
    verdicts: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    lenient: bool = False

    @property
    def non_empty(self) -> int:
        return self.values - self.empty

    @property
    def valid_share(self) -> float:
        """Share of non-empty values that are valid phone numbers (0..1)."""
        return self.valid_phones / self.non_empty if self.non_empty else 0.0


@dataclass(frozen=True)
class TableProfile:
    """Profiles of every column, in file order, and the suggested phone column."""

    columns: list[ColumnProfile]
    suggested_phone_column: str | None

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)


_CANDIDATE = r"^\+?[0-9]+$"  # a well-formed phone value


def _empty_and_candidates(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Blank cells (empty or whitespace only), and whether any cell is well formed."""
    blank = column.str.strip_chars().str.len_bytes() == 0  # cheaper than a regex pass
    return blank.sum(), column.str.contains(_CANDIDATE).any()


def profile_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    top: int = 5,
    scanned: tuple[int, bool] | None = None,
) -> ColumnProfile:
    """Profile one column; only well-formed values are sent to the phone check.

    `scanned` is (blank cells, any well-formed value) when the caller counted them.
    """
    values = values.cast(pl.String).fill_null("")
    empty, has_candidates = scanned if scanned is not None else _scan(values.to_frame())[0]
    valid = 0
    regions: list[tuple[str, int]] = []
    verdicts = None
    if has_candidates:
        verdicts = judge_column(values, lenient=lenient, with_hints=False, types=False)
        valid = int(verdicts["valid"].sum())
        counted = (
            verdicts.filter(pl.col("valid") & pl.col("region").is_not_null())
            .group_by("region")
            .len()
            .sort(["len", "region"], descending=[True, False])
            .head(top)
        )
        regions = [(r, int(n)) for r, n in counted.iter_rows()]
    return ColumnProfile(
        values.name, values.len(), empty, valid, regions, verdicts if valid else None, lenient
    )


def suggest_phone_column(profiles: list[ColumnProfile]) -> str | None:
    """The column with the most valid phones; ties go to a phone-like name, then order."""
    best: ColumnProfile | None = None
    for p in profiles:
        if best is None:
            best = p
            continue
        key = (p.valid_phones, bool(PHONE_NAME.search(p.name)))
        best_key = (best.valid_phones, bool(PHONE_NAME.search(best.name)))
        if key > best_key:
            best = p
    if best is None:
        return None
    if best.valid_phones == 0:
        named = [p.name for p in profiles if PHONE_NAME.search(p.name)]
        return named[0] if named else None
    return best.name


_WIDE = 1_000  # columns; wider (and short) tables are counted in long form
_LONG_CELLS = 1_000_000  # cells per long-form batch, which bounds its memory


def _scan(frame: pl.DataFrame) -> list[tuple[int, bool]]:
    """(blank cells, any well-formed value) of every column of a text frame."""
    if frame.width == 0:
        return []
    if frame.width > _WIDE and frame.height <= _WIDE:
        # One expression per column costs ~35 us to plan: 100,000 columns took 7 s of
        # planning for a two-row file. In long form (position, value) a batch of columns
        # is one group-by; batches keep the long frame to about a million cells.
        blank, candidate = _empty_and_candidates(pl.col("value").fill_null(""))
        step = max(1, _LONG_CELLS // max(frame.height, 1))
        found: dict[int, tuple[int, bool]] = {}
        for start in range(0, frame.width, step):
            part = frame[:, start : start + step]
            part.columns = [str(start + i) for i in range(part.width)]  # never a clash
            counted = (
                part.unpivot(variable_name="column", value_name="value")
                .group_by("column")
                .agg(blank.alias("blank"), candidate.alias("candidate"))
            )
            found.update({int(c): (int(b), bool(k)) for c, b, k in counted.iter_rows()})
        return [found.get(i, (0, False)) for i in range(frame.width)]
    # One select for every column's counts: Polars runs the columns in parallel.
    exprs = [_empty_and_candidates(pl.nth(i).fill_null("")) for i in range(frame.width)]
    row = frame.select(
        *(e.alias(f"e{i}") for i, (e, _) in enumerate(exprs)),
        *(c.alias(f"c{i}") for i, (_, c) in enumerate(exprs)),
    ).row(0)
    return [(int(row[i] or 0), bool(row[frame.width + i])) for i in range(frame.width)]


def profile_table(table: CsvTable, *, lenient: bool = False) -> TableProfile:
    """Profile every column of a table."""
    frame = table.frame
    if any(dtype != pl.String for dtype in frame.dtypes):
        frame = frame.cast(pl.String)
    profiles = [
        profile_column(frame[c], lenient=lenient, scanned=(blank, True))
        if candidate
        # No well-formed value: nothing to judge (wide files have 100,000s of these).
        else ColumnProfile(c, frame.height, blank, 0, lenient=lenient)
        for c, (blank, candidate) in zip(frame.columns, _scan(frame), strict=True)
    ]
    return TableProfile(profiles, suggest_phone_column(profiles))
