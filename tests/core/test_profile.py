"""core/profile.py: every column counted at once as it would be alone, wide files too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.reading import read_file

WriteCsv = Callable[..., Path]


@pytest.mark.parametrize("wide", [False, True])
def test_table_profile_counts_like_one_column_at_a_time(
    write_csv: WriteCsv, wide: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """profile_table counts every column in one select (or, for wide tables, in long
    form); each column must come out as profiling it alone does (blank cells,
    candidates, valid phones, regions)."""
    from core import profile
    from core.profile import profile_column, profile_table

    if wide:
        monkeypatch.setattr(profile, "_WIDE", 1)

    text = (
        "phone,alt,name,note\n"
        "+12025550123,  ,Ann,\n"
        "919876543210,+442079460000,\u00a0,x\n"
        ",2025550123,Bo,\t\n"
        "+44 20 7946 0000,+12025550123,Cy,12\n"
    )
    table = read_file(write_csv(text))
    together = profile_table(table).columns
    alone = [profile_column(table.frame[c]) for c in table.frame.columns]
    assert together == alone
    assert [c.empty for c in together] == [1, 1, 1, 2]
    assert [c.valid_phones for c in together] == [2, 2, 0, 0]


def test_a_wide_file_is_profiled_in_long_form(write_csv: WriteCsv) -> None:
    """3,000 columns take the long-form count (one expression per column was minutes at
    100,000); blanks, the phone column and the other columns still come out right."""
    from core.profile import profile_table

    n = 3_000
    # Two columns named like the long form's own (a review found they crashed it).
    header = ",".join(["value", "column"] + [f"c{i}" for i in range(2, n)])
    rows = [
        ",".join("+12025550123" if i == 7 else ("" if i % 2 else f"v{i}") for i in range(n)),
        ",".join("+442079460000" if i == 7 else " " for i in range(n)),
    ]
    profile = profile_table(read_file(write_csv(header + "\n" + "\n".join(rows) + "\n")))
    assert profile.suggested_phone_column == "c7"
    assert profile.column("c7").valid_phones == 2 and profile.column("c7").empty == 0
    assert profile.column("column").empty == 2 and profile.column("c2").empty == 1
    assert profile.column("value").empty == 1
    assert [c.name for c in profile.columns] == ["value", "column"] + [f"c{i}" for i in range(2, n)]


_CELL = "0123456789 +-()\u00a0\u2003\tab\x00"


@pytest.mark.parametrize("head_rows", [1, 3, 1_000])
def test_the_scan_counts_as_three_passes_over_every_cell_would(
    head_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_scan` skips passes (a column without digits or leading whitespace, what the
    first rows already show); its counts must equal the three full passes over every
    cell: blank cells, any well-formed value, any formatted number."""
    import polars as pl
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from core import profile

    monkeypatch.setattr(profile, "_HEAD_ROWS", head_rows)
    cells = st.one_of(st.none(), st.text(alphabet=_CELL, max_size=14))
    columns = st.lists(st.lists(cells, min_size=6, max_size=6), min_size=1, max_size=4)

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(columns)
    def check(values: list[list[str | None]]) -> None:
        frame = pl.DataFrame({f"c{i}": pl.Series(v, dtype=pl.String) for i, v in enumerate(values)})
        passes = [profile._empty_and_candidates(pl.col(c).fill_null("")) for c in frame.columns]
        full = [
            frame.select(*(e.alias(k) for k, e in zip("bwf", three, strict=True))).row(0)
            for three in passes
        ]
        expected = [(int(b or 0), bool(w), bool(f)) for b, w, f in full]
        assert profile._scan(frame) == expected

    check()
