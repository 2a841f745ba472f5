"""Phone verdicts: is one value a callable international number, and if not, why.

The rule (Atoms audiences): an optional leading ``+`` then digits only, and the digits
start with a country code. Well-formed values are judged by libphonenumber as
``+digits``. This module is the reference: `judge` decides one value exactly as
`phonenumbers` does; `judge_column` gives the same verdicts for a whole column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

if TYPE_CHECKING:
    import polars as pl

# Without it every verdict recompiles regexes: Python's cache of 512 patterns thrashes on
# numbers from many regions (about 131 µs a verdict instead of about 15 µs).
phonenumbers.enable_pattern_cache()


class Reason(StrEnum):
    """Why a value is not a callable number (or why a row is refused)."""

    EMPTY = "empty"
    BAD_CHARACTERS = "bad_characters"
    INVALID_COUNTRY_CODE = "invalid_country_code"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVALID_NUMBER = "invalid_number"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    ALREADY_IN_AUDIENCE = "already_in_audience"
    STYLE_MISMATCH = "style_mismatch"
    MISSING_REQUIRED = "missing_required"


PHONE_REASONS: tuple[Reason, ...] = (
    Reason.EMPTY,
    Reason.BAD_CHARACTERS,
    Reason.INVALID_COUNTRY_CODE,
    Reason.TOO_SHORT,
    Reason.TOO_LONG,
    Reason.INVALID_NUMBER,
)

WELL_FORMED = re.compile(r"\+?[0-9]+")
_EXCEL_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

_POSSIBILITY_REASON: dict[int, Reason] = {
    ValidationResult.INVALID_COUNTRY_CODE: Reason.INVALID_COUNTRY_CODE,
    ValidationResult.TOO_SHORT: Reason.TOO_SHORT,
    ValidationResult.TOO_LONG: Reason.TOO_LONG,
    # Shorter than a full national number: a local number cannot be dialled from abroad.
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: Reason.TOO_SHORT,
    # A length between the shortest and longest of the country that no number has.
    ValidationResult.INVALID_LENGTH: Reason.INVALID_NUMBER,
    ValidationResult.IS_POSSIBLE: Reason.INVALID_NUMBER,
}

_PARSE_REASON: dict[int, Reason] = {
    NumberParseException.INVALID_COUNTRY_CODE: Reason.INVALID_COUNTRY_CODE,
    NumberParseException.NOT_A_NUMBER: Reason.TOO_SHORT,
    NumberParseException.TOO_SHORT_AFTER_IDD: Reason.TOO_SHORT,
    NumberParseException.TOO_SHORT_NSN: Reason.TOO_SHORT,
    NumberParseException.TOO_LONG: Reason.TOO_LONG,
}


@dataclass(frozen=True, slots=True)
class PhoneVerdict:
    """The verdict on one phone value.

    `e164`, `region` and `number_type` are set for valid values only; `reason` and
    `hint` for invalid ones. `hint` may still be None when no fix can be guessed.
    """

    valid: bool
    reason: Reason | None = None
    hint: str | None = None
    e164: str | None = None
    region: str | None = None
    number_type: str | None = None


def has_plus(value: str) -> bool:
    """True when the value is written with a leading ``+``."""
    return value.startswith("+")


def country_code_of(region: str) -> int:
    """The calling code of an ISO region (0 when unknown)."""
    return phonenumbers.country_code_for_region(region.upper())


def _judge_digits(digits: str, lenient: bool) -> PhoneVerdict:
    """Judge a string of digits as ``+digits`` (no hint)."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException as exc:
        return PhoneVerdict(False, _PARSE_REASON.get(exc.error_type, Reason.INVALID_NUMBER))
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if lenient:
        ok = possibility in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
    else:
        ok = phonenumbers.is_valid_number(number)
    if not ok:
        return PhoneVerdict(False, _POSSIBILITY_REASON[possibility])
    region = phonenumbers.region_code_for_number(number)
    return PhoneVerdict(
        True,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region=region if region and region != "ZZ" else None,
        number_type=_TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"),
    )


def judge(value: str, *, lenient: bool = False, hint_regions: Sequence[str] = ()) -> PhoneVerdict:
    """Judge one phone value, with a hint for problems (regions tried in order)."""
    if value.strip() == "":
        return PhoneVerdict(False, Reason.EMPTY, "a phone number is required")
    if not WELL_FORMED.fullmatch(value):
        return PhoneVerdict(
            False, Reason.BAD_CHARACTERS, bad_characters_hint(value, lenient, hint_regions)
        )
    verdict = _judge_digits(value.lstrip("+"), lenient)
    if verdict.valid:
        return verdict
    assert verdict.reason is not None
    return PhoneVerdict(
        False, verdict.reason, problem_hint(value, verdict.reason, lenient, hint_regions)
    )


def missing_country_code_fix(
    digits: str, lenient: bool, hint_regions: Sequence[str]
) -> tuple[str, str] | None:
    """(first region, fixes) where ``+cc`` + digits is valid, for each hint region in order.

    `fixes` reads "E164" for one region, "E164, as a XX number E164" for more: when the
    regions of an audience disagree, every valid reading is offered.
    """
    found: list[tuple[str, str]] = []
    for region in hint_regions:
        code = country_code_of(region)
        if not code:
            continue
        verdict = _judge_digits(f"{code}{digits}", lenient)
        if verdict.valid and verdict.e164 is not None:
            found.append((region.upper(), verdict.e164))
    if not found:
        return None
    first_region, first = found[0]
    return first_region, first + "".join(f", as a {r} number {e}" for r, e in found[1:])


def problem_hint(
    value: str, reason: Reason, lenient: bool, hint_regions: Sequence[str]
) -> str | None:
    """A human hint for a well-formed value that failed the number check."""
    digits = value.lstrip("+")
    if not has_plus(value):
        fix = missing_country_code_fix(digits, lenient, hint_regions)
        if fix is not None:
            fix_region, e164 = fix
            return f"missing country code? as a {fix_region} number it would be {e164}"
    if reason is Reason.INVALID_COUNTRY_CODE:
        return (
            "no country uses the calling code these digits start with; start with the "
            "country code (1 for US, 44 for UK, 91 for India)"
        )
    code, region = _code_and_region(digits)
    where = f"+{code} ({region})" if region else f"+{code}"
    if reason is Reason.TOO_SHORT:
        return f"too few digits for a {where} number; include the country code and the full number"
    if reason is Reason.TOO_LONG:
        return f"too many digits for a {where} number; check for extra digits"
    return f"not a valid {where} number; check the country code and the digits"


def _code_and_region(digits: str) -> tuple[int, str | None]:
    """The calling code the digits start with, and its main region."""
    for size in (1, 2, 3):
        code = int(digits[:size]) if digits[:size] else 0
        region = phonenumbers.region_code_for_country_code(code)
        if region != "ZZ":
            return code, None if region == "001" else region
    return 0, None


def bad_characters_hint(value: str, lenient: bool, hint_regions: Sequence[str]) -> str:
    """A hint for a value with characters other than a leading + and digits."""
    stripped = value.strip()
    if _EXCEL_SCIENTIFIC.fullmatch(stripped):
        return (
            "a spreadsheet turned this number into scientific notation and its digits are "
            "lost; re-export the column formatted as text"
        )
    digits = "".join(ch for ch in stripped if ch.isascii() and ch.isdigit())
    if not digits:
        return "use digits only, with an optional leading +"
    plus = stripped.startswith("+")
    if plus or not hint_regions:
        verdict = _judge_digits(digits, lenient)
        if verdict.valid:
            cleaned = ("+" if plus else "") + digits
            return f"remove spaces and symbols: {cleaned}"
    if not plus:
        fix = missing_country_code_fix(digits, lenient, hint_regions)
        if fix is not None:
            region, e164 = fix
            return (
                "remove spaces and symbols and add the country code: "
                f"as a {region} number it would be {e164}"
            )
        verdict = _judge_digits(digits, lenient)
        if verdict.valid:
            return f"remove spaces and symbols: {digits}"
    return "use digits only, with an optional leading + and the country code"


def judge_many(
    values: Iterable[str], *, lenient: bool = False, hint_regions: Sequence[str] = ()
) -> dict[str, PhoneVerdict]:
    """Verdicts for the distinct values given (each judged once)."""
    out: dict[str, PhoneVerdict] = {}
    for value in values:
        if value not in out:
            out[value] = judge(value, lenient=lenient, hint_regions=hint_regions)
    return out


VERDICT_COLUMNS = ("valid", "reason", "hint", "e164", "region", "number_type")


def judge_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    with_hints: bool = True,
    types: bool = True,
) -> pl.DataFrame:
    """Verdicts for a column of values, one row per value, in the same order.

    Columns: valid (bool), reason, hint, e164, region, number_type (str or null); hint
    is all null when `with_hints` is False, number_type when `types` is False.
    """
    import polars as pl

    from core import phones_vector

    return phones_vector.judge_column(
        values.cast(pl.String).fill_null(""),
        lenient=lenient,
        hint_regions=hint_regions,
        with_hints=with_hints,
        types=types,
    )


def judge_column_reference(
    values: pl.Series, *, lenient: bool = False, hint_regions: Sequence[str] = ()
) -> pl.DataFrame:
    """`judge_column` by calling `judge` once per distinct value (the reference path)."""
    import polars as pl

    values = values.cast(pl.String).fill_null("")
    unique = values.unique(maintain_order=True)
    verdicts = judge_many(unique.to_list(), lenient=lenient, hint_regions=hint_regions)
    table = pl.DataFrame(
        {
            "__value": unique,
            "valid": [verdicts[v].valid for v in unique],
            "reason": [
                None if verdicts[v].reason is None else str(verdicts[v].reason) for v in unique
            ],
            "hint": [verdicts[v].hint for v in unique],
            "e164": [verdicts[v].e164 for v in unique],
            "region": [verdicts[v].region for v in unique],
            "number_type": [verdicts[v].number_type for v in unique],
        },
        schema={
            "__value": pl.String,
            "valid": pl.Boolean,
            "reason": pl.String,
            "hint": pl.String,
            "e164": pl.String,
            "region": pl.String,
            "number_type": pl.String,
        },
    )
    return (
        pl.DataFrame({"__value": values})
        .join(table, on="__value", how="left", maintain_order="left")
        .drop("__value")
    )
