"""Per-column statistics of a table and the suggested phone column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from core.phones import judge_column, rules
from core.phones import vector as phones_vector
from core.reading import CsvTable

# Words of a column name that name a phone, whole ("Tel", "Cell") or as the start of a
# word ("Telefonnummer", "PhoneNumber" split into Phone + Number, "mobile_no").
_PHONE_WORDS = frozenset({"cell", "cellphone", "tel", "msisdn", "whatsapp", "number", "handy"})
_PHONE_STARTS = ("phone", "telephon", "telefon", "mobil", "mobile", "fone")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def names_phone(name: str) -> bool:
    """Whether a column name names a phone: by whole words, so `DateLatest` (which holds
    "tel" inside a word) does not, and `Corporate Phone` or `mobileNumber` do. Names in
    other scripts are read transliterated (`Телефон` as `Telefon`)."""
    if not name.isascii():
        from anyascii import anyascii

        name = anyascii(name)
    words = [w.lower() for w in _WORD.findall(name)]
    return any(w in _PHONE_WORDS or w.startswith(_PHONE_STARTS) for w in words)


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds: empties, valid phones, top regions."""

    name: str
    values: int
    empty: int
    valid_phones: int
    top_regions: list[tuple[str, int]] = field(default_factory=list)
    # The column's verdicts without hints, one row per value (kept when the column was
    # judged, so a plan on this column does not judge it again), and their mode.
    verdicts: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    lenient: bool = False
    repairable: int = 0  # values not well formed that look like formatted numbers

    @property
    def non_empty(self) -> int:
        return self.values - self.empty

    @property
    def valid_share(self) -> float:
        """Share of non-empty values that are valid phone numbers (0..1)."""
        return self.valid_phones / self.non_empty if self.non_empty else 0.0

    @property
    def phone_like(self) -> int:
        """Valid numbers and formatted numbers a repair may make valid."""
        return self.valid_phones + self.repairable


@dataclass(frozen=True)
class TableProfile:
    """Profiles of every column, in file order, and the suggested phone column."""

    columns: list[ColumnProfile]
    suggested_phone_column: str | None

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)


_CANDIDATE = f"^{rules.WELL_FORMED}$"  # a well-formed phone value (ASCII digits only)
_FORMATTED = r"[0-9].*[^0-9+]|[^0-9+].*[0-9]"  # digits and something else


def _empty_and_candidates(column: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Blank cells (empty or whitespace only), whether any cell is well formed, and
    whether any holds digits with formatting (a phone column in need of repair)."""
    blank = column.str.strip_chars().str.len_bytes() == 0  # cheaper than a regex pass
    return (
        blank.sum(),
        column.str.contains(_CANDIDATE).any(),
        column.str.contains(_FORMATTED).any(),
    )


def profile_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    top: int = 5,
    scanned: tuple[int, bool, bool] | None = None,
) -> ColumnProfile:
    """Profile one column; only columns with numbers in them are sent to the phone check.

    `scanned` is (blank cells, any well-formed value, any formatted number) when the
    caller counted them.
    """
    values = values.cast(pl.String).fill_null("")
    empty, well_formed, formatted = scanned if scanned is not None else _scan(values.to_frame())[0]
    valid = 0
    repairable = 0
    regions: list[tuple[str, int]] = []
    verdicts = None
    if formatted:
        repairable = phones_vector.phone_like(values)
    if well_formed:
        # Only well-formed values can be valid: a column of notes ("customer 12") or
        # of formatted numbers alone is not judged (a plan on it judges it).
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
        values.name, values.len(), empty, valid, regions, verdicts, lenient, repairable
    )


def suggest_phone_column(profiles: list[ColumnProfile]) -> str | None:
    """The phone column to propose.

    A column counts what it holds as valid numbers and as formatted numbers a repair may
    make valid. Among columns where those are at least half the non-empty values, one
    whose name names a phone wins (an Apollo export's `Corporate Phone` of
    ``'+1 615-678-4794`` over `Annual Revenue`, whose plain figures may happen to be
    valid numbers somewhere); then the most phone-like values, then file order. With no
    such column, the first column whose name names a phone, else none.
    """
    best: ColumnProfile | None = None
    best_key: tuple[bool, bool, int] | None = None
    for p in profiles:
        mostly = p.non_empty > 0 and p.phone_like * 2 >= p.non_empty
        key = (mostly, names_phone(p.name), p.phone_like)
        if p.phone_like and (best_key is None or key > best_key):
            best, best_key = p, key
    if best is not None and best_key is not None and (best_key[0] or best_key[1]):
        return best.name
    named = [p.name for p in profiles if names_phone(p.name)]
    if named:
        return named[0]
    return best.name if best is not None else None


_WIDE = 1_000  # columns; wider (and short) tables are counted in long form
_LONG_CELLS = 1_000_000  # cells per long-form batch, which bounds its memory


def _scan(frame: pl.DataFrame) -> list[tuple[int, bool, bool]]:
    """(blank cells, any well-formed value, any formatted number) of every column of a
    text frame."""
    if frame.width == 0:
        return []
    if frame.width > _WIDE and frame.height <= _WIDE:
        # One expression per column costs ~35 us to plan: 100,000 columns took 7 s of
        # planning for a two-row file. In long form (position, value) a batch of columns
        # is one group-by; batches keep the long frame to about a million cells.
        blank, well_formed, formatted = _empty_and_candidates(pl.col("value").fill_null(""))
        step = max(1, _LONG_CELLS // max(frame.height, 1))
        found: dict[int, tuple[int, bool, bool]] = {}
        for start in range(0, frame.width, step):
            part = frame[:, start : start + step]
            part.columns = [str(start + i) for i in range(part.width)]  # never a clash
            counted = (
                part.unpivot(variable_name="column", value_name="value")
                .group_by("column")
                .agg(blank.alias("b"), well_formed.alias("w"), formatted.alias("f"))
            )
            found.update({int(c): (int(b), bool(w), bool(f)) for c, b, w, f in counted.iter_rows()})
        return [found.get(i, (0, False, False)) for i in range(frame.width)]
    # Each pass over a million cells costs 15 to 30 ms, so the counts take as few as
    # they can. First one pass per column: a column with no digit and no cell starting
    # with whitespace (names, cities) has only empty cells as blanks and no number.
    # One select for every column: Polars runs the columns in parallel.
    quick = frame.select(
        *(
            pl.nth(i).fill_null("").str.join("\x00").str.contains(_DIGIT_OR_SPACE).alias(f"q{i}")
            for i in range(frame.width)
        ),
        *(
            (pl.nth(i).fill_null("").str.len_bytes() == 0).sum().alias(f"e{i}")
            for i in range(frame.width)
        ),
    ).row(0)
    counts = [(int(quick[frame.width + i] or 0), False, False) for i in range(frame.width)]
    rest = [i for i in range(frame.width) if quick[i]]
    if not rest:
        return counts
    # Then, for the others, whether a well-formed or a formatted value is among the first
    # rows (a phone or notes column has both at once, sparing two passes), and what the
    # first rows do not tell over the whole column.
    exprs = {i: _empty_and_candidates(pl.nth(i).fill_null("")) for i in rest}
    head = (
        frame.head(_HEAD_ROWS)
        .select(
            *(
                e.alias(f"{kind}{i}")
                for i in rest
                for kind, e in zip("wf", exprs[i][1:], strict=True)
            )
        )
        .row(0, named=True)
    )
    row = frame.select(
        *(exprs[i][0].alias(f"b{i}") for i in rest),
        *(
            e.alias(f"{kind}{i}")
            for i in rest
            for kind, e in zip("wf", exprs[i][1:], strict=True)
            if not head[f"{kind}{i}"]
        ),
    ).row(0, named=True)
    for i in rest:
        counts[i] = (
            int(row[f"b{i}"] or 0),
            bool(head[f"w{i}"] or row.get(f"w{i}")),
            bool(head[f"f{i}"] or row.get(f"f{i}")),
        )
    return counts


# A blank cell that is not empty starts with whitespace (`strip_chars` and the regex
# `\s` both read Unicode White_Space), and a well-formed or a formatted number holds a
# digit: a column matching neither has no blank but its empty cells and no number. The
# cells are joined by NUL into one text first (one regex search instead of a million
# small ones, 7 ms instead of 25); a NUL inside a cell can only make a column match
# that would not, which costs the full count, never a wrong one.
_DIGIT_OR_SPACE = "(?:^|\x00)\\s|[0-9]"
_HEAD_ROWS = 1_000


def profile_table(table: CsvTable, *, lenient: bool = False) -> TableProfile:
    """Profile every column of a table."""
    frame = table.frame
    if any(dtype != pl.String for dtype in frame.dtypes):
        frame = frame.cast(pl.String)
    profiles = [
        profile_column(frame[c], lenient=lenient, scanned=(blank, well_formed, formatted))
        if well_formed or formatted
        # No number at all: nothing to judge (wide files have 100,000s of these).
        else ColumnProfile(c, frame.height, blank, 0, lenient=lenient)
        for c, (blank, well_formed, formatted) in zip(frame.columns, _scan(frame), strict=True)
    ]
    return TableProfile(profiles, suggest_phone_column(profiles))
