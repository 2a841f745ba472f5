"""Phone numbers: the rulebook, one value's verdict, and whole-column verdicts.

- `core.phones.rules`: every kind of problem, fix and hint, defined once as data;
- `core.phones.reference`: one value at a time, on libphonenumber (the reference);
- `core.phones.metadata` and `core.phones.vector`: the same answers for a whole column,
  as Polars expressions over libphonenumber's metadata.

Importing this package does not import Polars; `judge_column` and `explain` do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.phones.reference import (
    VERDICT_COLUMNS,
    PhoneVerdict,
    country_code_of,
    explain_column_reference,
    has_plus,
    judge,
    judge_column_reference,
    judge_many,
    normalise,
    region_code,
    search_keys,
)
from core.phones.rules import (
    AMBIGUOUS_COUNTRY,
    PHONE_REASONS,
    FixKind,
    Reason,
    dominant_region,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "AMBIGUOUS_COUNTRY",
    "PHONE_REASONS",
    "VERDICT_COLUMNS",
    "FixKind",
    "PhoneVerdict",
    "Reason",
    "country_code_of",
    "dominant_region",
    "explain",
    "fixes",
    "has_plus",
    "judge",
    "judge_column",
    "explain_column_reference",
    "judge_column_reference",
    "judge_many",
    "normalise",
    "region_code",
    "search_keys",
]


SHORT_COLUMN = 100  # values judged one by one (see `judge_column`)


def judge_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
    with_hints: bool = True,
    types: bool = True,
) -> pl.DataFrame:
    """Verdicts for a column, one row per value (see `core.phones.vector.judge_column`).

    A short column is judged value by value (`judge_column_reference`, the answers the
    vectorized path is tested against): its tables and regexes cost a fresh process
    tens of milliseconds, more than judging a hundred values one by one.
    """
    if values.len() <= SHORT_COLUMN:
        import polars as pl

        out = judge_column_reference(
            values, lenient=lenient, hint_regions=hint_regions, fix_region=fix_region
        )
        nothing = pl.lit(None, pl.String)
        if not with_hints:
            out = out.with_columns(hint=nothing, fix=nothing, fix_kind=nothing)
        if not types:
            out = out.with_columns(number_type=nothing)
        return out
    from core.phones import vector

    return vector.judge_column(
        values,
        lenient=lenient,
        hint_regions=hint_regions,
        fix_region=fix_region,
        with_hints=with_hints,
        types=types,
    )


def explain(
    values: pl.Series,
    reasons: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> pl.DataFrame:
    """hint, fix, fix_kind and alternative of invalid values (`core.phones.vector.explain`).

    A few values (the first problems a report shows) are explained one by one with the
    reference, as a short column is judged: the vectorized readings cost a few dozen
    Polars steps whatever their number."""
    texts = [str(r) for r in PHONE_REASONS]
    if values.len() <= SHORT_COLUMN and reasons.is_in(texts).fill_null(False).all():
        return explain_column_reference(
            values, reasons, lenient=lenient, hint_regions=hint_regions, fix_region=fix_region
        )
    from core.phones import vector

    return vector.explain(
        values, reasons, lenient=lenient, hint_regions=hint_regions, fix_region=fix_region
    )


def fixes(
    values: pl.Series, reasons: pl.Series, *, lenient: bool = False, fix_region: str | None = None
) -> pl.DataFrame:
    """fix and fix_kind of invalid values, as `explain` gives them, without the hints
    (`core.phones.vector.fixes`): what a count of fixes needs."""
    from core.phones import vector

    return vector.fixes(values, reasons, lenient=lenient, fix_region=fix_region)
