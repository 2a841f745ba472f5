"""Whole-column phone verdicts with Polars (same answers as `core.phones.judge`)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def judge_column(
    values: pl.Series, *, lenient: bool = False, hint_regions: Sequence[str] = ()
) -> pl.DataFrame:
    """Verdicts for a column of values; see `core.phones.judge_column`."""
    from core.phones import judge_column_reference

    return judge_column_reference(values, lenient=lenient, hint_regions=hint_regions)
