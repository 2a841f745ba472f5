"""The phone metadata tables kept in the user cache folder, and the regexes chosen by the
calling codes a column holds: the same verdicts as tables built afresh, rebuilt when
missing, stale or damaged, and safe when several processes build them at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from core.phones import judge_column_reference, metadata, vector

ROOT = Path(__file__).resolve().parents[3]  # the checkout (tests/core/phones/ -> .)
SAMPLE = [
    "+12025550123",
    "+14165550123",  # CA: +1 shared by regions
    "+442071838750",
    "+447911123456",
    "07911 123456",
    "+5491123456789",  # AR: a national prefix with a transform rule
    "+819012345678",
    "+79161234567",  # RU/KZ share +7
    "+8613812345678",
    "4420718387",
    "+",
    "",
    "12345",
    "+999123",
]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AUDIENCES_CACHE_DIR", str(folder))
    return folder


def _verdicts(meta: metadata.Meta, values: list[str]) -> pl.DataFrame:
    original = vector.meta_tables
    vector.meta_tables = lambda: meta  # type: ignore[assignment]
    try:
        return vector.judge_column(pl.Series(values), hint_regions=("GB", "US"), fix_region="GB")
    finally:
        vector.meta_tables = original  # type: ignore[assignment]


def test_cached_tables_are_the_built_ones(cache_dir: Path) -> None:
    pieces, built = metadata.cached_pieces()
    assert built and metadata.cache_file().exists()
    again, built_again = metadata.cached_pieces()
    assert not built_again
    assert again == pieces
    fresh = metadata._build_meta()
    from_cache = metadata._meta(again)
    assert _verdicts(from_cache, SAMPLE).equals(_verdicts(fresh, SAMPLE))
    want = judge_column_reference(pl.Series(SAMPLE), hint_regions=("GB", "US"), fix_region="GB")
    assert _verdicts(from_cache, SAMPLE).equals(want)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.replace('"key":"', '"key":"old', 1),  # another version's tables
        lambda text: "[]",
        lambda text: "",
    ],
)
def test_stale_or_damaged_tables_are_rebuilt(cache_dir: Path, damage: object) -> None:
    metadata.cached_pieces()
    path = metadata.cache_file()
    path.write_text(damage(path.read_text()))  # type: ignore[operator]
    pieces, built = metadata.cached_pieces()
    assert built
    kept = json.loads(path.read_text())
    assert kept["key"] == metadata._cache_key() and kept["pieces"] == pieces


def test_the_key_changes_with_the_phonenumbers_version(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metadata.cached_pieces()
    old_key = metadata._cache_key()
    monkeypatch.setattr(metadata, "_pn_version", "0.0.1")
    assert metadata._cache_key() != old_key
    assert metadata.cache_file().name == "phone-metadata-0.0.1.json"
    assert metadata.cached_pieces()[1]  # no tables of that version yet: built


def test_an_unwritable_cache_folder_only_costs_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AUDIENCES_CACHE_DIR", str(blocker / "cache"))
    pieces, built = metadata.cached_pieces()
    assert built and pieces["codes"]
    assert metadata.cached_pieces()[1]  # nothing could be kept


_CHILD = """
import json, sys
import polars as pl
from core.phones.vector import judge_column  # the vectorized path: it reads the tables
out = judge_column(pl.Series(json.loads(sys.argv[1])), hint_regions=("GB",), fix_region="GB")
print(json.dumps(out.rows()))
"""


def test_concurrent_first_runs_agree(cache_dir: Path) -> None:
    """Processes started together on an empty cache folder each build and write the
    tables; every one judges alike and the file left is whole (written atomically)."""
    env = {**os.environ, "AUDIENCES_CACHE_DIR": str(cache_dir), "POLARS_MAX_THREADS": "1"}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(SAMPLE)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(out)
    assert len(set(outputs)) == 1
    want = judge_column_reference(pl.Series(SAMPLE), hint_regions=("GB",), fix_region="GB")
    assert json.loads(outputs[0]) == [list(r) for r in want.rows()]
    kept = json.loads(metadata.cache_file().read_text())
    assert kept["key"] == metadata._cache_key()
    assert [p.name for p in cache_dir.iterdir()] == [metadata.cache_file().name]


def test_regexes_grow_with_the_codes_columns_hold() -> None:
    """Columns judged one after another add their codes' regexes in groups; each gives
    the reference's verdicts whatever came before."""
    meta = metadata._build_meta()
    columns = [
        ["+12025550123", "2025550123"],
        ["+442071838750", "07911 123456"],
        SAMPLE,
        ["+33142685300"],
        ["+61291234567"],
        ["+4930123456"],
        ["+12025550123", "+35312345678"],
    ]
    for values in columns:
        got = _verdicts(meta, values)
        want = judge_column_reference(pl.Series(values), hint_regions=("GB", "US"), fix_region="GB")
        assert got.equals(want), values
    grown = meta.for_codes([1])
    assert grown.chosen_codes is not None and {1, 44, 33, 61, 49, 353} <= grown.chosen_codes
    assert meta.for_codes(None).chosen_codes is None
    assert len(meta.for_codes(None).types["fixed_or_mobile"]) == 1  # every code: one regex


@pytest.mark.parametrize("lenient", [False, True])
@pytest.mark.parametrize("with_hints", [False, True])
@pytest.mark.parametrize("types", [False, True])
def test_short_columns_judged_per_value_agree_with_the_vectorized_path(
    lenient: bool, with_hints: bool, types: bool
) -> None:
    """`judge_column` judges a short column value by value: the same frame as the
    vectorized path gives, in every mode."""
    from core import phones

    series = pl.Series("phone", SAMPLE)
    assert series.len() <= phones.SHORT_COLUMN
    modes = {
        "lenient": lenient,
        "with_hints": with_hints,
        "types": types,
        "hint_regions": ("GB", "US"),
        "fix_region": "GB",
    }
    short = phones.judge_column(series, **modes)  # type: ignore[arg-type]
    vectorized = vector.judge_column(series, **modes)  # type: ignore[arg-type]
    assert short.equals(vectorized)
    assert short.schema == vectorized.schema


def test_repeated_values_are_explained_once_with_the_same_answers() -> None:
    """`vector.explain` explains each distinct (value, reason) once on long columns: the
    same hints and fixes as the column judged with its hints."""
    from benchmarks.data import phone_values

    values = pl.Series("phone", phone_values(1_000, seed=5) * 4)  # every value 4 times
    modes = {"hint_regions": ("GB", "IN"), "fix_region": "GB"}
    judged = vector.judge_column(values, **modes)  # type: ignore[arg-type]
    problem = ~judged["valid"]
    assert int(problem.sum()) > vector.DISTINCT_ROWS  # long enough to be deduplicated
    explained = vector.explain(
        values.filter(problem),
        judged["reason"].filter(problem),
        **modes,  # type: ignore[arg-type]
    )
    assert explained.equals(judged.filter(problem).select(explained.columns))


def test_values_with_kept_letters_are_not_phone_like(monkeypatch: pytest.MonkeyPatch) -> None:
    """`phone_like` skips values holding an ASCII letter normalising never removes: the
    same count as normalising every value."""
    from benchmarks.data import phone_values

    numbers = phone_values(2_000, seed=9)
    values = pl.Series(
        [
            *numbers,
            *(f"tel:{n}" for n in numbers[:200]),
            *(f"TEL: {n[:4]} {n[4:]}" for n in numbers[200:400]),
            *(f"Tel:+{n}" for n in numbers[400:500]),
            *(f"customer {i}" for i in range(300)),
            *(f"{n} ext 12" for n in numbers[500:600]),
            *(f"call {n}" for n in numbers[600:700]),
            *(f'="{n}"' for n in numbers[700:800]),
            *(f"'{n}" for n in numbers[800:900]),
            "2024-01-05 10:00",
            "el 020 7183 8750",
        ]
    )
    found = vector.phone_like(values)
    monkeypatch.setattr(vector, "_KEPT_LETTER", "\x00\x01\x02")  # in no value: no skip
    assert found == vector.phone_like(values)
    assert found > 400  # the tel: links and wrapped numbers count
