"""The vectorized verdicts (`core.phones.vector`) against the per-value reference.

Every value is judged both ways; any disagreement on any column (verdict, hint, fix,
fix kind, the ambiguous reading) fails with the first few disagreements printed. The
inputs are built from every region's example numbers, written the ways real exports
write them (national and international formats, 00 and 011 prefixes, tel: links,
spreadsheet wrappers and decimals, other scripts' digits) and broken in the usual ways
(digits changed, added or dropped, national prefixes, missing or doubled country codes,
junk characters, whitespace, very long strings).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from core.phones import (
    SHORT_COLUMN,
    VERDICT_COLUMNS,
    explain,
    judge_column_reference,
    metadata,
    vector,
)

# The vectorized path itself (`core.phones.judge_column` judges short columns per value).
from core.phones.vector import judge_column

SEED = 20240605
# (hint regions, fix region): none, a default region alone, a default region with the
# file's other regions, and regions without a fix region (no region has a majority).
HINT_VARIANTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    ((), None),
    (("US",), "US"),
    (("GB", "IN", "US"), "GB"),
    (("IN", "US"), None),
)
DESCS = (
    "general_desc",
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)
# Digits of other scripts: `judge` accepts ASCII digits only (they are bad characters).
SCRIPTS = (0x0660, 0x06F0, 0xFF10, 0x0966, 0x09E6, 0x1D7CE)
SPACES = (" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\x1f", "\x85", "\u2028")
SEPARATORS = (" ", "-", ".", "/", "(", ")", " - ", "\u00a0", "\u2011", "\u200b", "x", "#", "*")
PREFIXES = ("0", "00", "1", "8", "9", "06", "80", "15", "01", "011", "0590", "183")
# Starts that reach the rarer paths: national prefixes with transform rules (AR, BR, JP,
# MG, SM, NF, GA), carrier codes, regions sharing a code chosen by leading digits.
TRICKY_STARTS = (
    "378",
    "3788",
    "3789",
    "54",
    "549",
    "540",
    "54011",
    "5401115",
    "55",
    "550",
    "5590",
    "550152",
    "81",
    "810",
    "810002",
    "8100037680",
    "261",
    "2612",
    "2610",
    "672",
    "6721",
    "241",
    "24101",
    "24106",
    "1310",
    "1800",
    "1242",
    "1876",
    "7",
    "77",
    "78",
    "79",
    "44",
    "440",
    "4474576",
    "441624",
    "39",
    "3906698",
    "47",
    "4779",
    "590",
    "599",
    "5999",
    "290",
    "2908",
    "358",
    "35818",
    "262",
    "262269",
    "61",
    "6189164",
    "212",
    "2125288",
)


# --------------------------------------------------------------------------- inputs


@cache
def examples() -> tuple[tuple[int, str, str], ...]:
    """(calling code, national number, national prefix) of every example number."""
    out: set[tuple[int, str, str]] = set()
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        md = PhoneMetadata.metadata_for_region(region)
        prefix = (md.national_prefix or "") if md is not None else ""
        for kind in PhoneNumberType.values():
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                national = phonenumbers.national_significant_number(number)
                out.add((number.country_code, national, prefix))
        bad = phonenumbers.invalid_example_number(region)
        if bad is not None:
            out.add((bad.country_code, phonenumbers.national_significant_number(bad), prefix))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        md = PhoneMetadata.metadata_for_nongeo_region(code)
        for name in DESCS:
            desc = getattr(md, name, None)
            if desc is not None and desc.example_number:
                out.add((code, desc.example_number, ""))
    return tuple(sorted(out))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _perturb(rng: random.Random, digits: str, changes: int) -> str:
    chars = list(digits)
    for _ in range(changes):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice("0123456789")
    return "".join(chars)


def _junk(rng: random.Random, text: str) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if rng.random() < 0.25:
            out.append(rng.choice(SEPARATORS))
    value = "".join(out)
    roll = rng.random()
    if roll < 0.1:
        value = f"({value})"
    elif roll < 0.2:
        value = value + rng.choice(
            (" ext. 12", "x7", ";ext=3", " #", "abc", "☎", " ::: +1 650-253-0001", ", 2025550199")
        )
    elif roll < 0.3:
        value = rng.choice(("tel:", "Tel ", "phone: ")) + value
    return value


def _script(rng: random.Random, text: str) -> str:
    base = rng.choice(SCRIPTS)
    every = rng.random() < 0.5
    return "".join(
        chr(base + int(ch)) if ch.isdigit() and (every or rng.random() < 0.3) else ch for ch in text
    )


def _variants(rng: random.Random, code: int, national: str, prefix: str) -> list[str]:
    cc = str(code)
    full = cc + national
    out = [f"+{full}", full]
    for _ in range(2):
        changed = cc + _perturb(rng, national, rng.randint(1, 3))
        out += [f"+{changed}", changed]
    shorter = national[: -rng.randint(1, 3)] if len(national) > 1 else ""
    longer = national + _digits(rng, rng.randint(1, 4))
    out += [f"+{cc}{shorter}", f"{cc}{shorter}", f"+{cc}{longer}", f"{cc}{longer}"]
    cut = rng.randrange(len(national) + 1)
    out.append(f"+{cc}{national[:cut]}{national[cut + 1 :]}")  # one digit dropped inside
    out.append(f"+{cc}{national[:cut]}{rng.choice('0123456789')}{national[cut:]}")  # added
    for inserted in {prefix, *rng.sample(PREFIXES, 3), "0" + _digits(rng, 2)} - {""}:
        plus = rng.choice(("+", ""))
        out.append(f"{plus}{cc}{inserted}{national}")  # a national prefix after the code
    out += [national, prefix + national, f"+{national}", f"+{prefix}{national}"]  # no code
    out += [f"0{full}", f"+0{full}", f"00{full}", f"011{full}", f"+{cc}{cc}{national}"]
    out += [_junk(rng, f"+{full}"), _junk(rng, full), _junk(rng, f"{prefix}{national}")]
    out += [_junk(rng, f"+{cc} {national[:3]} {national[3:]}")]
    out += [_script(rng, f"+{full}"), _script(rng, full), "\uff0b" + full]
    out += [rng.choice(SPACES) + f"+{full}", f"{full}" + rng.choice(SPACES)]
    out += _as_exported(rng, code, national, prefix)
    return out


def _as_exported(rng: random.Random, code: int, national: str, prefix: str) -> list[str]:
    """The number as exports write it: formatted, prefixed, wrapped, as a decimal."""
    full = f"{code}{national}"
    out = [f"00{full}", f"011 {code} {national}", f"+00{full}", f"'+{full}", f"tel:+{full}"]
    out += [f'="+{full}"', f"{full}.0", f"+{full}.00", f"{prefix}{national}.0", f"'{full}"]
    out += [f"{prefix} {national[:3]} {national[3:]}", f"({national[:3]}) {national[3:]}"]
    try:
        number = phonenumbers.parse(f"+{full}")
    except phonenumbers.NumberParseException:
        return out
    for style in (
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.RFC3966,
    ):
        text = phonenumbers.format_number(number, style)
        out += [text, _script(rng, text) if rng.random() < 0.2 else text.replace(" ", ".")]
    return out


def _extras(rng: random.Random) -> list[str]:
    codes = sorted(COUNTRY_CODE_TO_REGION_CODE)
    out = ["", "+", "++", "+-", "++12025550123", "+1", "+12", "+123", "1", "12", "0", "00"]
    out += ["000", "+0", "+00", "4.41E+11", "9,1e5", " 1.5e+10 ", "7E3", "1.2.3E4", "+4.41E+11"]
    out += [*SPACES, "  ", " \t\n ", "\u200b", "\ufeff", "\u180e", "-", "()", "abc"]
    for _ in range(400):
        out.append(
            f"{rng.randint(1, 9)}.{_digits(rng, rng.randint(1, 4))}{rng.choice('eE')}"
            f"{rng.choice(['+', ''])}{rng.randint(1, 15)}"
        )
        out.append("".join(rng.choice(SPACES) for _ in range(rng.randint(1, 4))))
    for _ in range(3000):
        n = rng.choice((rng.randint(1, 20), rng.randint(15, 40), rng.randint(240, 260)))
        start = str(rng.choice(codes)) if rng.random() < 0.7 else ""
        digits = (start + _digits(rng, n))[: max(n, 1)]
        out += [digits, "+" + digits]
    for _ in range(2000):
        out.append("".join(rng.choice("0123456789+ -()٠١٢۳４a") for _ in range(rng.randint(1, 16))))
    for _ in range(2500):
        digits = rng.choice(TRICKY_STARTS) + _digits(rng, rng.randint(2, 14))
        out += [digits, "+" + digits]
    return out


@cache
def generated_values(count: int, seed: int = SEED) -> tuple[str, ...]:
    """`count` values (deterministic): example-number variants, then the odd ones."""
    rng = random.Random(seed)
    pool = _extras(rng)
    while len(pool) < count:
        for code, national, prefix in examples():
            pool.extend(_variants(rng, code, national, prefix))
    rng.shuffle(pool)
    return tuple(pool[:count])


def sample_values(count: int, seed: int) -> list[str]:
    """`count` of the 50,000 generated values, chosen by `seed`."""
    return random.Random(seed).sample(generated_values(50_000), count)


# --------------------------------------------------------------------------- checks


def disagreements(
    values: Sequence[str], got: pl.DataFrame, want: pl.DataFrame, limit: int = 8
) -> tuple[int, str]:
    """How many rows differ, and the first few shown side by side."""
    assert got.columns == want.columns == list(VERDICT_COLUMNS)
    assert got.schema == want.schema
    assert got.height == want.height == len(values)
    same = pl.all_horizontal(
        [got.get_column(c).eq_missing(want.get_column(c)) for c in VERDICT_COLUMNS]
    )
    rows = pl.DataFrame({"ok": pl.select(same).to_series()}).with_row_index()
    bad = rows.filter(~pl.col("ok")).get_column("index").to_list()
    lines = []
    for i in bad[:limit]:
        lines.append(f"value {values[i]!r}")
        for c in VERDICT_COLUMNS:
            a, b = got.get_column(c)[i], want.get_column(c)[i]
            if a != b:
                lines.append(f"    {c}: vectorized={a!r} reference={b!r}")
    return len(bad), "\n".join(lines)


def check(
    values: Sequence[str],
    *,
    lenient: bool,
    hint_regions: Sequence[str],
    fix_region: str | None = None,
) -> None:
    series = pl.Series("phone", list(values), dtype=pl.String)
    modes = {"lenient": lenient, "hint_regions": hint_regions, "fix_region": fix_region}
    want = judge_column_reference(series, **modes)  # type: ignore[arg-type]
    got = judge_column(series, **modes)  # type: ignore[arg-type]
    count, shown = disagreements(values, got, want)
    assert count == 0, f"{count} disagreements ({modes}):\n{shown}"


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("lenient", [False, True])
def test_without_types_every_other_column_agrees(lenient: bool) -> None:
    """Profiles judge without number types (two regex passes instead of four): every
    other column must still be the reference's, and number_type all null."""
    values = sample_values(8_000, seed=SEED + 3 + lenient)
    series = pl.Series("phone", values, dtype=pl.String)
    want = judge_column_reference(series, lenient=lenient, hint_regions=("US",), fix_region="US")
    got = judge_column(series, lenient=lenient, hint_regions=("US",), fix_region="US", types=False)
    assert got["number_type"].null_count() == got.height
    count, shown = disagreements(values, got.with_columns(want["number_type"]), want)
    assert count == 0, f"{count} disagreements:\n{shown}"


def test_generated_values_cover_the_cases() -> None:
    values = generated_values(50_000)
    assert len(values) == 50_000
    assert len(examples()) > 1000
    assert "" in values and any(v.startswith("+") for v in values)
    assert any(any("\u0660" <= ch <= "\u0669" for ch in v) for v in values)


def test_differential_25k_values() -> None:
    values = generated_values(25_000)  # 1,000,000 behind -m slow
    check(values, lenient=False, hint_regions=("US", "GB", "IN"), fix_region="US")


@pytest.mark.parametrize(
    ("hint_regions", "fix_region"), [*HINT_VARIANTS, (("in", "XX", "001", "ca"), "in")]
)
@pytest.mark.parametrize("lenient", [False, True])
def test_differential_modes(
    lenient: bool, hint_regions: tuple[str, ...], fix_region: str | None
) -> None:
    values = sample_values(5_000, seed=SEED + 1 + len(hint_regions) + 10 * lenient)
    check(values, lenient=lenient, hint_regions=hint_regions, fix_region=fix_region)


@pytest.mark.parametrize("fix_region", ["US", "GB", None])
@pytest.mark.parametrize("lenient", [False, True])
def test_fixes_alone_are_the_references(lenient: bool, fix_region: str | None) -> None:
    """A count of fixes takes `fixes` (no hint worded, fewer readings judged): every
    invalid value's fix and fix_kind must still be the reference's."""
    values = sample_values(6_000, seed=SEED + 21 + lenient)
    series = pl.Series("phone", values, dtype=pl.String)
    want = judge_column_reference(series, lenient=lenient, fix_region=fix_region)
    problem = ~want["valid"]
    got = vector.fixes(
        series.filter(problem),
        want["reason"].filter(problem),
        lenient=lenient,
        fix_region=fix_region,
    )
    expected = want.filter(problem).select("fix", "fix_kind")
    assert expected["fix"].null_count() < expected.height  # some values have a fix
    assert got.equals(expected)


@pytest.mark.parametrize(("hint_regions", "fix_region"), [(("US", "GB"), "US"), ((), None)])
def test_a_few_values_are_explained_as_many_are(
    hint_regions: tuple[str, ...], fix_region: str | None
) -> None:
    """Up to SHORT_COLUMN values are explained one by one (the first problems a report
    shows): the same hints, fixes and readings as the vectorized explanation."""
    values = pl.Series("phone", sample_values(3_000, seed=SEED + 31), dtype=pl.String)
    verdicts = judge_column(values, with_hints=False)
    problem = ~verdicts["valid"]
    values, reasons = values.filter(problem), verdicts["reason"].filter(problem)
    assert values.len() > SHORT_COLUMN
    modes = {"hint_regions": hint_regions, "fix_region": fix_region}
    many = vector.explain(values, reasons, **modes)  # type: ignore[arg-type]
    few = pl.concat(
        [
            explain(values.slice(start, SHORT_COLUMN), reasons.slice(start, SHORT_COLUMN), **modes)  # type: ignore[arg-type]
            for start in range(0, values.len(), SHORT_COLUMN)
        ]
    )
    assert few.columns == many.columns
    assert few["fix"].null_count() < few.height
    assert few.equals(many)


def test_a_few_values_with_a_valid_one_among_them() -> None:
    """A value without a reason (valid) among a few is explained as the vectorized
    path explains it (nothing), not refused."""
    values = pl.Series(["(202) 555-0123", "+12025550123", "12"])
    reasons = pl.Series(["bad_characters", None, "too_short"], dtype=pl.String)
    got = explain(values, reasons, fix_region="US")
    assert got.equals(vector.explain(values, reasons, fix_region="US"))
    assert got["fix"].to_list() == ["+12025550123", None, None]


def test_column_with_nulls_and_other_dtypes() -> None:
    series = pl.Series("phone", ["+12025550123", None, "", "07911123456", None])
    want = judge_column_reference(series, hint_regions=("GB",), fix_region="GB")
    got = vector.judge_column(series, hint_regions=("GB",), fix_region="GB")
    assert disagreements(series.fill_null("").to_list(), got, want)[0] == 0
    numbers = pl.Series("phone", [12025550123, 447911123456, None, 1])
    want = judge_column_reference(numbers)
    got = judge_column(numbers)
    assert disagreements(numbers.cast(pl.String).fill_null("").to_list(), got, want)[0] == 0


def test_empty_column() -> None:
    series = pl.Series("phone", [], dtype=pl.String)
    want = judge_column_reference(series)
    got = judge_column(series)
    assert got.schema == want.schema and got.height == 0


def test_per_value_fallback_gives_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calling codes whose patterns Rust could not compile are judged per value."""
    forced = metadata._build_meta(force_fallback=frozenset({1, 44, 54, 55, 81, 882}))
    monkeypatch.setattr(vector, "meta_tables", lambda: forced)
    values = sample_values(4_000, seed=SEED + 99)
    check(values, lenient=False, hint_regions=("US", "GB"), fix_region="US")
    check(values, lenient=True, hint_regions=())


def test_slices_judged_on_threads_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long columns are judged in slices on parallel threads, then put back in order."""
    monkeypatch.setattr(vector, "SLICE_ROWS", 1_000)
    monkeypatch.setattr(vector.os, "cpu_count", lambda: 4)  # threads on any machine
    values = sample_values(4_001, seed=SEED + 7)  # four slices, the last one short
    check(values, lenient=False, hint_regions=("IN", "US"), fix_region="IN")
    check(values, lenient=True, hint_regions=())
    verdicts = judge_column(pl.Series(values), hint_regions=("IN", "US"), fix_region="IN")
    problem = ~verdicts["valid"]
    explained = vector.explain(
        pl.Series(values).filter(problem),
        verdicts["reason"].filter(problem),
        hint_regions=("IN", "US"),
        fix_region="IN",
    )
    assert explained.columns == ["hint", "fix", "fix_kind", "alternative"]
    assert explained.equals(verdicts.filter(problem).select(explained.columns))


def test_the_codes_judged_per_value_are_those_whose_patterns_polars_refuses() -> None:
    """Polars itself is the oracle: every metadata pattern of a calling code on the
    vectorized path compiles in it (a refused one would need the per-value path)."""

    def compiles(pattern: str) -> bool:
        try:
            pl.select(pl.lit("").str.contains(pattern))
        except Exception:  # noqa: BLE001 - any refusal of the engine counts
            return False
        return True

    report = metadata.fallback_report()
    per_value = set(report["calling_codes_per_value"])  # type: ignore[call-overload]
    refused = set()
    checked = 0
    for cc, region_codes in COUNTRY_CODE_TO_REGION_CODE.items():
        regions = [
            (0, r, md)
            for r in region_codes
            if (md := PhoneMetadata.metadata_for_region_or_calling_code(cc, r)) is not None
        ]
        main = PhoneMetadata.metadata_for_region_or_calling_code(cc, region_codes[0])
        if cc not in per_value and main is not None:
            patterns = [p for _, p in metadata._patterns_of(regions, main)]
            checked += len(patterns)
            refused |= {p for p in patterns if not compiles(p)}
    assert refused == set()
    assert checked > 1_000  # every code's patterns were looked at (1,761 in 9.0.43)


@pytest.mark.slow
def test_differential_1m_values() -> None:
    values = generated_values(1_000_000, seed=SEED + 7)
    check(values, lenient=False, hint_regions=("US", "GB", "IN"), fix_region="US")


# --------------------------------------------------------------------------- hypothesis


@cache
def _codes() -> list[str]:
    return [str(c) for c in sorted(COUNTRY_CODE_TO_REGION_CODE)]


digit_strings = st.text(alphabet="0123456789", min_size=0, max_size=22)
coded = st.builds(
    lambda plus, code, tail: plus + code + tail,
    st.sampled_from(["", "+"]),
    st.sampled_from(_codes()),
    st.text(alphabet="0123456789", min_size=0, max_size=16),
)
odd = st.text(
    alphabet=st.sampled_from(list("0123456789+ -().eE,x٠١٢۳０１\t\u00a0\u3000\x1c")),
    max_size=20,
)
values_strategy = st.lists(
    st.one_of(st.text(max_size=24), digit_strings, coded, odd), min_size=1, max_size=40
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=values_strategy,
    lenient=st.booleans(),
    modes=st.sampled_from([*HINT_VARIANTS, (("DE", "BR"), "BR")]),
)
def test_hypothesis_random_text_and_digits(
    values: list[str], lenient: bool, modes: tuple[tuple[str, ...], str | None]
) -> None:
    check(values, lenient=lenient, hint_regions=modes[0], fix_region=modes[1])
