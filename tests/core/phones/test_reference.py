"""Phone verdicts one value at a time (`core.phones.reference`): the seed's examples and
every reason, with hints."""

from __future__ import annotations

import pytest

from core.phones import Reason, judge


@pytest.mark.parametrize("value", ["+12025550123", "919876543210"])
def test_seed_correct_formats_are_valid(value: str) -> None:
    verdict = judge(value)
    assert verdict.valid
    assert verdict.reason is None
    assert verdict.e164 == "+" + value.lstrip("+")


@pytest.mark.parametrize("value", ["(202) 555-0123", "202.555.0123"])
def test_seed_special_characters_are_bad_characters(value: str) -> None:
    verdict = judge(value, hint_regions=["US"])
    assert not verdict.valid
    assert verdict.reason is Reason.BAD_CHARACTERS
    assert verdict.hint is not None and "+12025550123" in verdict.hint


def test_seed_missing_country_code_is_invalid_with_hint() -> None:
    verdict = judge("2025550123", hint_regions=["US"])
    assert verdict.reason is Reason.INVALID_NUMBER  # read as Egypt +20, not valid there
    assert verdict.hint == "missing country code? in US it would be +12025550123"
    assert verdict.fix is None  # no fix region: a hint, never a fix


def test_every_valid_reading_is_offered_in_region_order() -> None:
    # 20 is Pune's area code, so +91 20 2555 0123 is valid too.
    assert judge("2025550123", hint_regions=["IN", "GB", "US"]).hint == (
        "missing country code? in IN it would be +912025550123, in US it would be +12025550123"
    )
    assert judge("2025550123", hint_regions=["US", "IN"]).hint == (
        "missing country code? in US it would be +12025550123, in IN it would be +912025550123"
    )
    assert "missing country code" not in (judge("2025550123").hint or "")


def test_with_a_fix_region_the_national_reading_is_the_fix_and_others_are_not_offered() -> None:
    verdict = judge("2025550123", hint_regions=["US", "IN"], fix_region="US")
    assert verdict.fix == "+12025550123" and verdict.fix_kind == "national"
    assert verdict.hint == "add the country code of US: +12025550123"


def test_missing_country_code_hint_uses_default_region_order() -> None:
    # A UK mobile typed nationally: the leading 0 is the national prefix.
    verdict = judge("07911123456", hint_regions=["GB"])
    assert not verdict.valid
    assert verdict.hint is not None and "+447911123456" in verdict.hint


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", Reason.EMPTY),
        ("   ", Reason.EMPTY),
        ("+1 202 555 0123", Reason.BAD_CHARACTERS),
        (" +12025550123", Reason.BAD_CHARACTERS),
        ("4.41E+11", Reason.EXCEL_DAMAGED),
        ("1.20256E+10", Reason.EXCEL_DAMAGED),
        ("+", Reason.BAD_CHARACTERS),
        ("++12025550123", Reason.BAD_CHARACTERS),
        ("12025550123x", Reason.BAD_CHARACTERS),
        ("١٢٣٤٥٦٧٨٩٠", Reason.BAD_CHARACTERS),  # non-ASCII digits are not digits here
        ("+999123456", Reason.INVALID_COUNTRY_CODE),
        ("+0012025550123", Reason.INVALID_COUNTRY_CODE),
        ("+1202555", Reason.TOO_SHORT),
        ("+1", Reason.TOO_SHORT),
        ("+120255501234567", Reason.TOO_LONG),
        ("+123456789012345678", Reason.TOO_LONG),
        ("+11235550123", Reason.INVALID_NUMBER),  # US area codes never start with 1
    ],
)
def test_reasons(value: str, reason: Reason) -> None:
    verdict = judge(value)
    assert not verdict.valid
    assert verdict.reason is reason
    assert verdict.e164 is None


def test_excel_scientific_hint_says_digits_are_lost() -> None:
    hint = judge("4.41E+11").hint
    assert hint is not None and "scientific notation" in hint


def test_valid_number_has_region_type_and_key() -> None:
    verdict = judge("+447911123456")
    assert verdict.valid
    assert verdict.e164 == "+447911123456"
    assert verdict.region in {"GB", "GG", "JE", "IM"}
    assert verdict.number_type == "mobile"


def test_with_and_without_plus_have_the_same_key() -> None:
    assert judge("+919876543210").e164 == judge("919876543210").e164 == "+919876543210"


def test_lenient_accepts_possible_but_invalid_numbers() -> None:
    strict = judge("+11235550123")
    lenient = judge("+11235550123", lenient=True)
    assert not strict.valid
    assert lenient.valid and lenient.e164 == "+11235550123"
