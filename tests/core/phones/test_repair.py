"""Repairs and ambiguous numbers (`core.phones.rules`): every fix kind and the cases that
must not get a fix, judged both ways (one value at a time, and a whole column)."""

from __future__ import annotations

import polars as pl
import pytest

from core.phones import FixKind, Reason, judge, judge_column, normalise, rules, search_keys
from core.phones.reference import judge_column_reference

# (value, fix region, the fix, its kind): each from the table, default region US.
FIXES = [
    ("+44 20 7946 0958", "US", "+442079460958", FixKind.SYMBOLS),
    ("'+1 615-678-4794", "US", "+16156784794", FixKind.SYMBOLS),
    ("tel:+12025550144", "US", "+12025550144", FixKind.SYMBOLS),
    ("TEL:+1-202-555-0144", "US", "+12025550144", FixKind.SYMBOLS),
    ('="+12025550144"', "US", "+12025550144", FixKind.SYMBOLS),
    (" +12025550123", "US", "+12025550123", FixKind.SYMBOLS),
    ("+1\u00a0202\u00a0555\u00a00123", "US", "+12025550123", FixKind.SYMBOLS),
    ("+1 (202) 555–0123", "US", "+12025550123", FixKind.SYMBOLS),  # an en dash
    ("0044 20 7946 0959", "US", "+442079460959", FixKind.INTERNATIONAL_PREFIX),
    ("011 44 20 7946 0960", "US", "+442079460960", FixKind.INTERNATIONAL_PREFIX),
    ("+00 44 20 7946 0961", "US", "+442079460961", FixKind.INTERNATIONAL_PREFIX),
    ("00442079460962", "US", "+442079460962", FixKind.INTERNATIONAL_PREFIX),
    ("(202) 555-0143", "US", "+12025550143", FixKind.NATIONAL),
    ("202.555.0146", "US", "+12025550146", FixKind.NATIONAL),
    ("2025550123", "US", "+12025550123", FixKind.NATIONAL),
    ("07400 123456", "GB", "+447400123456", FixKind.NATIONAL),
    ("07400123456", "GB", "+447400123456", FixKind.NATIONAL),
    ("98765 43210", "IN", "+919876543210", FixKind.NATIONAL),
    (
        "\uff12\uff10\uff12\uff15\uff15\uff15\uff10\uff11\uff12\uff13",
        "US",
        "+12025550123",
        FixKind.UNICODE_DIGITS,
    ),  # full-width digits
    (
        "\uff0b\uff14\uff14\uff12\uff10\uff17\uff19\uff14\uff16\uff10\uff19\uff15\uff18",
        "US",
        "+442079460958",
        FixKind.UNICODE_DIGITS,
    ),  # full-width plus and digits
    ("+٩١٩٨٧٦٥٤٣٢١٠", "US", "+919876543210", FixKind.UNICODE_DIGITS),  # Arabic-Indic
    ("+९१ ९८७६५ ४३२१०", "US", "+919876543210", FixKind.UNICODE_DIGITS),  # Devanagari
    ("12025550147.0", "US", "+12025550147", FixKind.EXCEL_FLOAT),
    ("447400123456.00", "GB", "+447400123456", FixKind.EXCEL_FLOAT),
]

# Values that must not get a fix, and why.
NO_FIX = [
    ("1.20256E+10", "US", Reason.EXCEL_DAMAGED),  # digits are lost
    ("4.41e11", "GB", Reason.EXCEL_DAMAGED),
    ("202-555-0123 x7", "US", Reason.BAD_CHARACTERS),  # an extension: never guess
    ("+44 (0) 20 7946 0958 ext 4", "GB", Reason.BAD_CHARACTERS),
    ("call 202 555 0123", "US", Reason.BAD_CHARACTERS),
    ("00+44 20 7946 0958", "US", Reason.BAD_CHARACTERS),  # a + not first stays refused
    ("+2025550123", "US", Reason.INVALID_NUMBER),  # a + says international: no national
    ("(202) 555-0143", None, Reason.BAD_CHARACTERS),  # national, but no region to read it
    ("2025550123", None, Reason.INVALID_NUMBER),
    ("(201) 555-0123", "US", Reason.BAD_CHARACTERS),  # valid in EG as typed and in US
    ("(201) 555-0123", None, Reason.BAD_CHARACTERS),  # EG as typed; no region to compare
    ("44 20 7946 0958", None, Reason.BAD_CHARACTERS),  # no +, no region: only a hint
    ("12025550147.0", None, Reason.BAD_CHARACTERS),
    ("+1 202 555", "US", Reason.BAD_CHARACTERS),  # too short after cleaning
    ("abc", "US", Reason.BAD_CHARACTERS),
    ("", "US", Reason.EMPTY),
]


def both(values: list[str], **modes: object) -> pl.DataFrame:
    """Judge one column both ways and insist they agree; return the verdicts."""
    series = pl.Series("phone", values, dtype=pl.String)
    want = judge_column_reference(series, **modes)  # type: ignore[arg-type]
    got = judge_column(series, **modes)  # type: ignore[arg-type]
    assert got.equals(want), (got, want)
    return got


@pytest.mark.parametrize(("value", "region", "fix", "kind"), FIXES)
def test_each_fix_kind_both_ways(value: str, region: str | None, fix: str, kind: FixKind) -> None:
    verdict = judge(value, fix_region=region, hint_regions=[region] if region else [])
    assert not verdict.valid
    assert (verdict.fix, verdict.fix_kind) == (fix, kind)
    assert verdict.hint is not None and verdict.hint.endswith(fix)
    assert judge(fix).valid and judge(fix).e164 == fix  # a fix is always a valid number
    row = both([value], fix_region=region, hint_regions=[region] if region else []).row(
        0, named=True
    )
    assert (row["fix"], row["fix_kind"], row["hint"]) == (fix, kind.value, verdict.hint)


@pytest.mark.parametrize(("value", "region", "reason"), NO_FIX)
def test_no_fix_where_no_single_number_follows(
    value: str, region: str | None, reason: Reason
) -> None:
    verdict = judge(value, fix_region=region, hint_regions=[region] if region else [])
    assert not verdict.valid and verdict.reason is reason
    assert verdict.fix is None and verdict.fix_kind is None
    row = both([value], fix_region=region, hint_regions=[region] if region else []).row(
        0, named=True
    )
    assert row["fix"] is None and row["reason"] == reason.value


def test_every_fix_kind_is_covered() -> None:
    assert {kind for *_, kind in FIXES} == set(FixKind)


def test_a_plus_that_is_not_first_never_gives_another_country() -> None:
    # Before: "'+447400123457" got "as a DE number +49447400123457" from the hint regions.
    verdict = judge("'+447400123457", hint_regions=["DE", "US"], fix_region="DE")
    assert verdict.fix == "+447400123457" and "+49" not in (verdict.hint or "")
    for value in ("44+7400123457", "0+447400123457", "+44 7400+123457"):
        v = judge(value, hint_regions=["DE", "US"], fix_region="DE")
        assert v.fix is None and "+49" not in (v.hint or "") and "+1" not in (v.hint or "")


def test_a_value_reading_as_two_numbers_has_no_fix_and_a_hint_naming_both() -> None:
    verdict = judge("(201) 555-0123", fix_region="US", hint_regions=["US"])
    assert verdict.fix is None
    assert verdict.hint == (
        "could be +2015550123 (EG) or +12015550123 (US); write it with + and the country code"
    )


def test_without_a_region_digits_without_plus_are_never_fixed_to_a_country() -> None:
    """A mixed file (no region has a majority): `(201) 555-8973` reads as a valid Egyptian
    number as typed, but its parentheses say national. No fix; the hint says both ways."""
    verdict = judge("(201) 555-8973", hint_regions=["US", "SG"])
    assert verdict.fix is None
    assert verdict.hint == "missing country code? in US it would be +12015558973"
    alone = judge("44 20 7946 0958")
    assert alone.fix is None and alone.hint == (
        "if it starts with its country code, write it with +: +442079460958; if not, add "
        "the country code"
    )
    both(["(201) 555-8973", "44 20 7946 0958"], hint_regions=["US", "SG"])


def test_ambiguous_valid_value_is_valid_with_its_other_reading() -> None:
    verdict = judge("2015550123", fix_region="US")
    assert verdict.valid and verdict.e164 == "+2015550123" and verdict.region == "EG"
    assert verdict.alternative == "+12015550123"
    assert verdict.hint is not None and "+12015550123" in verdict.hint
    assert judge("2015550123").alternative is None  # no region: nothing to compare with
    assert judge("+2015550123", fix_region="US").alternative is None  # a + is certain
    assert judge("919876543210", fix_region="IN").alternative is None  # one reading only
    got = both(["2015550123", "+2015550123", "919876543210"], fix_region="US")
    assert got["alternative"].to_list() == ["+12015550123", None, None]


def test_us_numbers_without_country_code_that_pass_as_other_countries_are_warned() -> None:
    """The issue's measurement: 10-digit US numbers valid as another country's number."""
    import random

    import phonenumbers

    rng = random.Random(7)
    numbers = []
    while len(numbers) < 800:
        candidate = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        parsed = phonenumbers.parse("+1" + candidate)
        if phonenumbers.is_valid_number(parsed):
            numbers.append(candidate)
    got = both(numbers, fix_region="US", hint_regions=["US"])
    valid_elsewhere = got.filter("valid")
    assert valid_elsewhere.height > 0  # some pass as valid numbers of another country
    # ... and every one of them is flagged with its US reading.
    assert valid_elsewhere["alternative"].null_count() == 0
    assert (valid_elsewhere["alternative"].str.starts_with("+1")).all()
    # Every other one gets its US reading as the fix.
    fixed = got.filter(~pl.col("valid"))
    assert fixed["fix_kind"].to_list() == ["national"] * fixed.height
    print(f"{valid_elsewhere.height} of 800 read as another country's valid number")


def test_normalise_keeps_only_digits_and_a_leading_plus() -> None:
    assert normalise("  tel:+1 (202) 555-0123 ").candidate == "+12025550123"
    assert normalise('="0044 20 7946 0958"').candidate == "00442079460958"
    assert normalise("202-555-0123 x7").candidate is None
    assert normalise("١٢٣").unicode and normalise("１２３").candidate == "123"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("+1 (415) 555-2671 ext. 7", "extension"),
        ("+44 20 7946 0958 extension 12", "extension"),
        ("202-555-0123x7", "extension"),
        ("tel:+12025550123;ext=3", "extension"),
        ("+1 650-253-0000 ::: +1 650-253-0001", "several_numbers"),  # Google Contacts
        ("202-555-0123, 202-555-0124", "several_numbers"),
        ("202 555 0123 / 202 555 0199", "several_numbers"),
        ("+1 650-253-0000\n+1 650-253-0001", "several_numbers"),  # two lines, one cell
        ("Box 12", None),
        ("1,234", None),
        ("Text 2025550199", None),
        ("call next 5pm: 2025550123", None),
        ("0049 221/1234567 Buero", None),  # one German number, area code / number
    ],
)
def test_an_extension_or_a_second_number_is_named_in_the_hint(value: str, kind: str | None) -> None:
    hints = {
        "extension": rules.HINT_TEMPLATES[rules.HintKind.EXTENSION],
        "several_numbers": rules.HINT_TEMPLATES[rules.HintKind.SEVERAL_NUMBERS],
    }
    for judged in (
        judge_column(pl.Series([value]), fix_region="US"),
        judge_column_reference(pl.Series([value]), fix_region="US"),
    ):
        assert judged["reason"][0] == "bad_characters" and judged["fix"][0] is None
        if kind is None:
            assert judged["hint"][0] not in hints.values()
        else:
            assert judged["hint"][0] == hints[kind]


def test_hint_rules_end_with_a_rule_that_always_holds() -> None:
    assert rules.HINT_RULES[-1][1] == {}
    assert {kind for kind, _ in rules.HINT_RULES} == set(rules.HintKind)
    assert set(rules.HINT_TEMPLATES) == set(rules.HintKind)


def test_dominant_region_needs_a_strict_majority() -> None:
    assert rules.dominant_region({"US": 3, "GB": 1}) == "US"
    assert rules.dominant_region({"US": 2, "GB": 2}) is None
    assert rules.dominant_region({}) is None


@pytest.mark.parametrize("typed", ["07400 300995", "7400300995", "+447400300995", "447400300995"])
def test_search_keys_find_the_same_member_however_typed(typed: str) -> None:
    assert "+447400300995" in search_keys(typed, fix_region="GB")


def test_formatted_numbers_of_two_countries_follow_the_ambiguity_choice() -> None:
    """`609-573-0397` in a US list reads as +6095730397 (MY) and +16095730397 (US): the
    repair cannot pick, so the row waits for the choice; each choice does what it says."""
    from core.plan import plan_create
    from core.reading import read_bytes
    from tests.exports import us500

    sample = us500()
    table = read_bytes(sample.text.encode(), source="us-500.csv")
    plan = plan_create(table, "phone1", default_region="US", repair=True)
    waiting = plan.ambiguous_rows()
    assert waiting.height > 0 and plan.invalid == waiting.height
    national = plan.resolved("national")
    assert national.invalid == 0 and national.new == 500
    assert national.rows["e164"].to_list() == sample.numbers
    skipped = plan.resolved("skip")
    assert skipped.new == 500 - waiting.height and skipped.invalid == 0
    assert skipped.ambiguous_skipped == waiting.height
    typed = plan.resolved("as-typed")
    rows = typed.rows.filter(pl.col("row").is_in(waiting["row"].implode()))
    assert rows["status"].unique().to_list() == ["new"]
    digits = waiting["value"].str.replace_all("[^0-9]", "")
    assert rows["e164"].to_list() == [judge("+" + d).e164 for d in digits]
    assert rows["value"].to_list() == rows["e164"].to_list()


@pytest.mark.parametrize(
    ("value", "region", "fix"),
    [
        ("01150-068967", None, None),  # never +500 68967 (Falklands)
        ("01150-068967", "GB", "+441150068967"),  # Nottingham, read in GB
        ("011 44 20 7946 0960", "US", "+442079460960"),  # North America's exit code
        ("011 44 20 7946 0960", "GB", None),
        ("011 44 20 7946 0960", None, None),
    ],
)
def test_011_is_an_exit_code_only_in_north_america(value: str, region: str | None, fix):  # type: ignore[no-untyped-def]
    for verdict in (
        judge(value, fix_region=region),
        judge_column(pl.Series([value]), fix_region=region).row(0, named=True),
    ):
        got = verdict.fix if hasattr(verdict, "fix") else verdict["fix"]
        assert got == fix


def test_as_typed_reads_other_scripts_digits_too() -> None:
    """Fullwidth and Arabic-Indic digits of a two-country value become ASCII, not '+'."""
    from core.plan import plan_create
    from core.reading import read_bytes

    text = "phone\n+12025550123\n+13125550100\n２０１-５５５-０１２３\n٢٠١-٥٥٥-٠١٢٤\n"
    plan = plan_create(read_bytes(text.encode(), source="u.csv"), "phone", repair=True)
    assert plan.ambiguous == 2
    typed = plan.resolved("as-typed")
    assert typed.rows["status"].to_list() == ["new"] * 4
    assert typed.rows["value"].to_list()[2:] == ["+2015550123", "+2015550124"]
