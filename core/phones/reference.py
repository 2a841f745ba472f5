"""Phone verdicts one value at a time: the reference the vectorized path must equal.

The rule (Atoms audiences): an optional leading ``+`` then digits only, and the digits
start with a country code. Well-formed values are judged by libphonenumber as
``+digits``; problem values are explained (hint, fix) by the rulebook in
`core.phones.rules`, whose tables this module applies without adding any of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from core.phones import rules
from core.phones.rules import FixKind, Reason

if TYPE_CHECKING:
    import polars as pl

# Without it every verdict recompiles regexes: Python's cache of 512 patterns thrashes on
# numbers from many regions (about 131 µs a verdict instead of about 15 µs).
phonenumbers.enable_pattern_cache()

TYPE_NAMES: dict[int, str] = {
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

POSSIBILITY_REASON: dict[int, Reason] = {
    ValidationResult.INVALID_COUNTRY_CODE: Reason.INVALID_COUNTRY_CODE,
    ValidationResult.TOO_SHORT: Reason.TOO_SHORT,
    ValidationResult.TOO_LONG: Reason.TOO_LONG,
    # Shorter than a full national number: a local number cannot be dialled from abroad.
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: Reason.TOO_SHORT,
    # A length between the shortest and longest of the country that no number has.
    ValidationResult.INVALID_LENGTH: Reason.INVALID_NUMBER,
    ValidationResult.IS_POSSIBLE: Reason.INVALID_NUMBER,
}

PARSE_REASON: dict[int, Reason] = {
    NumberParseException.INVALID_COUNTRY_CODE: Reason.INVALID_COUNTRY_CODE,
    NumberParseException.NOT_A_NUMBER: Reason.TOO_SHORT,
    NumberParseException.TOO_SHORT_AFTER_IDD: Reason.TOO_SHORT,
    NumberParseException.TOO_SHORT_NSN: Reason.TOO_SHORT,
    NumberParseException.TOO_LONG: Reason.TOO_LONG,
}

_WELL_FORMED = re.compile(rules.WELL_FORMED)
_EXCEL_SCIENTIFIC = re.compile(rules.EXCEL_SCIENTIFIC)
_EXCEL_DECIMAL = re.compile(rules.EXCEL_DECIMAL)
_NON_ASCII = re.compile(rules.NON_ASCII)
_WRAPPERS = tuple(re.compile(p, re.DOTALL) for p in rules.WRAPPERS)
_SYMBOLS = re.compile(rules.SYMBOLS)
_ASCII_DIGIT = re.compile(r"[0-9]")
_SEVERAL = re.compile(rules.SEVERAL_NUMBERS)
_EXTENSION = re.compile(rules.EXTENSION)


@dataclass(frozen=True, slots=True)
class PhoneVerdict:
    """The verdict on one phone value.

    `e164`, `region` and `number_type` are set for valid values only; `reason` and
    `hint` for invalid ones (`hint` may be None when nothing can be said). `fix` is the
    one valid number that follows from an invalid value (`fix_kind` says how), and
    `alternative` the other number a valid value reads as in the fix region (an
    ambiguous country: +20 1555 0123 typed for +1 201 555 0123).
    """

    valid: bool
    reason: Reason | None = None
    hint: str | None = None
    e164: str | None = None
    region: str | None = None
    number_type: str | None = None
    fix: str | None = None
    fix_kind: FixKind | None = None
    alternative: str | None = None


def has_plus(value: str) -> bool:
    """True when the value is written with a leading ``+``."""
    return value.startswith("+")


def region_code(value: str) -> str:
    """The ISO 3166 region libphonenumber knows that `value` names (`us` is `US`);
    ValueError when it names none (`XX`, `USA`)."""
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{value!r} is not a region code; use a two-letter ISO code")
    return region


def country_code_of(region: str) -> int:
    """The calling code of an ISO region (0 when unknown)."""
    return phonenumbers.country_code_for_region(region.upper())


def judge_digits(digits: str, lenient: bool = False) -> PhoneVerdict:
    """Judge a string of ASCII digits as ``+digits`` (no hint)."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException as exc:
        return PhoneVerdict(False, PARSE_REASON.get(exc.error_type, Reason.INVALID_NUMBER))
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if lenient:
        ok = possibility in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
    else:
        ok = phonenumbers.is_valid_number(number)
    if not ok:
        return PhoneVerdict(False, POSSIBILITY_REASON[possibility])
    region = phonenumbers.region_code_for_number(number)
    return PhoneVerdict(
        True,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region=region if region and region != "ZZ" else None,
        number_type=TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"),
    )


def judge(
    value: str,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> PhoneVerdict:
    """Judge one phone value; a problem gets its hint and fix, a valid value without
    ``+`` its `alternative` reading in `fix_region` (see `core.phones.rules`)."""
    if value.strip() == "":
        reason = Reason.EMPTY
    elif _WELL_FORMED.fullmatch(value):
        verdict = judge_digits(value.lstrip("+"), lenient)
        if verdict.valid:
            alternative = None
            if fix_region and not has_plus(value):
                alternative = national_alternative(value, verdict.e164, fix_region, lenient)
            if alternative is None or fix_region is None:
                return verdict
            return PhoneVerdict(
                True,
                hint=ambiguity_hint(verdict.e164, verdict.region, alternative, fix_region),
                e164=verdict.e164,
                region=verdict.region,
                number_type=verdict.number_type,
                alternative=alternative,
            )
        assert verdict.reason is not None
        reason = verdict.reason
    elif _EXCEL_SCIENTIFIC.fullmatch(value.strip()):
        reason = Reason.EXCEL_DAMAGED
    else:
        reason = Reason.BAD_CHARACTERS
    explained = explain(value, reason, lenient, hint_regions, fix_region)
    return PhoneVerdict(
        False,
        reason,
        explained.hint,
        fix=explained.fix,
        fix_kind=explained.kind,
        alternative=explained.alternative,
    )


# --------------------------------------------------------------------------- explaining


@dataclass(frozen=True, slots=True)
class Normalised:
    """What normalising a value left: `candidate` (an optional + and digits) or None."""

    candidate: str | None
    unicode: bool
    excel_float: bool
    digits: bool  # an ASCII digit is left (after other scripts' digits became ASCII)

    @property
    def plus(self) -> bool:
        return self.candidate is not None and self.candidate.startswith("+")


def normalise(value: str) -> Normalised:
    """`rules`' normalisation of one value (see the module docstring there)."""
    text = value.strip()
    translated = text.translate(_unicode_table()) if _NON_ASCII.search(text) else text
    unicode = translated != text
    whole = _EXCEL_DECIMAL.fullmatch(translated)
    excel_float = whole is not None
    if whole is not None:
        translated = whole.group(1)
    unwrapped = translated
    for wrapper in _WRAPPERS:
        if found := wrapper.fullmatch(unwrapped):
            unwrapped = found.group(1)
    cleaned = _SYMBOLS.sub("", unwrapped)
    candidate = cleaned if _WELL_FORMED.fullmatch(cleaned) else None
    return Normalised(candidate, unicode, excel_float, bool(_ASCII_DIGIT.search(translated)))


@cache
def _unicode_table() -> dict[int, str]:
    return str.maketrans(rules.unicode_digits())


@dataclass(frozen=True, slots=True)
class ValidReading:
    reading: rules.Reading
    e164: str
    region: str | None


def readings(candidate: str, lenient: bool, fix_region: str | None) -> list[ValidReading]:
    """The valid readings of a normalised candidate, one per distinct number, in
    `rules.READINGS` order."""
    plus = candidate.startswith("+")
    digits = candidate.lstrip("+")
    strings: dict[rules.Reading, str] = {}
    if plus or fix_region:
        strings[rules.TYPED] = digits
    code = country_code_of(fix_region) if fix_region else None
    for prefix in rules.international_prefixes(code):
        if digits.startswith(prefix) and (prefix == "00" or not plus):
            strings[rules.INTERNATIONAL] = digits[len(prefix) :]
            break
    if fix_region and not plus:
        strings[rules.NATIONAL] = f"{country_code_of(fix_region)}{digits}"
    found: list[ValidReading] = []
    for reading in rules.READINGS:
        text = strings.get(reading)
        if not text:
            continue
        verdict = judge_digits(text, lenient)
        e164 = verdict.e164
        if verdict.valid and e164 is not None and all(r.e164 != e164 for r in found):
            found.append(ValidReading(reading, e164, verdict.region))
    return found


def national_alternative(
    value: str, e164: str | None, fix_region: str, lenient: bool
) -> str | None:
    """The valid national reading of a valid value in `fix_region`, when it differs."""
    verdict = judge_digits(f"{country_code_of(fix_region)}{value}", lenient)
    if verdict.valid and verdict.e164 != e164:
        return verdict.e164
    return None


def ambiguity_hint(
    typed: str | None, typed_region: str | None, national: str, fix_region: str
) -> str:
    return rules.AMBIGUOUS_WARNING.format(
        typed=typed,
        typed_region=typed_region or "no region",
        national=national,
        region=fix_region.upper(),
    )


@dataclass(frozen=True, slots=True)
class Explanation:
    hint: str
    fix: str | None
    kind: FixKind | None
    alternative: str | None = None  # the national reading, when it is one of two


def explain(
    value: str,
    reason: Reason,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> Explanation:
    """The hint and the fix of an invalid value whose reason is known."""
    fix: str | None = None
    kind: FixKind | None = None
    alternative: str | None = None
    facts: dict[str, object] = {"reason": reason.value}
    fields: dict[str, str] = {}
    if reason not in (Reason.EMPTY, Reason.EXCEL_DAMAGED):
        normal = normalise(value)
        facts["candidate"] = normal.candidate is not None
        facts["digits"] = normal.digits
        if normal.candidate is not None:
            found = readings(normal.candidate, lenient, fix_region)
            if len(found) == 1:
                fix = found[0].e164
                kind = found[0].reading.kind
                for flag, override in rules.FIX_KIND_OVERRIDES:
                    if getattr(normal, flag):
                        kind = override
                        break
                facts["fix_kind"] = kind.value
                fields["fix"] = fix
                fields["region"] = (fix_region or "").upper()
            elif len(found) > 1:
                facts["ambiguous"] = True
                national = [r.e164 for r in found if r.reading is rules.NATIONAL]
                alternative = national[0] if national else None
                fields["readings"] = rules.AMBIGUOUS_JOIN.join(
                    rules.AMBIGUOUS_READING.format(e164=r.e164, region=r.region or "no region")
                    for r in found
                )
            # Other regions' codes are offered only when no reading is valid at all.
            if not normal.plus and not found:
                others = _other_regions(normal.candidate, lenient, hint_regions, fix_region)
                if others:
                    facts["others"] = True
                    fields["readings"] = rules.MISSING_CODE_JOIN.join(
                        rules.MISSING_CODE_READING.format(region=r, e164=e) for r, e in others
                    )
                if not fix_region:
                    typed = judge_digits(normal.candidate, lenient)
                    if typed.valid and typed.e164 is not None:
                        facts["typed"] = True
                        fields["typed"] = typed.e164
    if reason == Reason.BAD_CHARACTERS:
        facts["several"] = _SEVERAL.search(value) is not None
        facts["extension"] = _EXTENSION.search(value) is not None
    hint = rules.choose_hint(facts)
    if "{where}" in rules.HINT_TEMPLATES[hint]:
        fields["where"] = where(value.lstrip("+"))
    return Explanation(rules.HINT_TEMPLATES[hint].format(**fields), fix, kind, alternative)


def _other_regions(
    digits: str, lenient: bool, hint_regions: Sequence[str], fix_region: str | None
) -> list[tuple[str, str]]:
    """(region, E.164) for each hint region other than the fix region whose calling code
    makes the digits valid, in the order given."""
    out: list[tuple[str, str]] = []
    skip = (fix_region or "").upper()
    for region in hint_regions:
        region = region.upper()
        code = country_code_of(region)
        if not code or region == skip or any(r == region for r, _ in out):
            continue
        verdict = judge_digits(f"{code}{digits}", lenient)
        if verdict.valid and verdict.e164 is not None:
            out.append((region, verdict.e164))
    return out


def where(digits: str) -> str:
    """``+code (REGION)`` of the calling code the digits start with (``+0`` for none)."""
    for size in (1, 2, 3):
        text = digits[:size]
        if not text.isdigit() or not text.isascii():
            break
        region = phonenumbers.region_code_for_country_code(int(text))
        if region != "ZZ":
            if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                return f"+{int(text)}"
            return f"+{int(text)} ({region})"
    return "+0"


# --------------------------------------------------------------------------- columns


def judge_many(
    values: Iterable[str],
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> dict[str, PhoneVerdict]:
    """Verdicts for the distinct values given (each judged once)."""
    out: dict[str, PhoneVerdict] = {}
    for value in values:
        if value not in out:
            out[value] = judge(
                value, lenient=lenient, hint_regions=hint_regions, fix_region=fix_region
            )
    return out


VERDICT_COLUMNS = (
    "valid",
    "reason",
    "hint",
    "e164",
    "region",
    "number_type",
    "fix",
    "fix_kind",
    "alternative",
)


def judge_column_reference(
    values: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> pl.DataFrame:
    """`core.phones.judge_column` by calling `judge` once per distinct value."""
    import polars as pl

    values = values.cast(pl.String).fill_null("")
    unique = values.unique(maintain_order=True)
    verdicts = judge_many(
        unique.to_list(), lenient=lenient, hint_regions=hint_regions, fix_region=fix_region
    )

    def column(name: str) -> list[object]:
        out = [getattr(verdicts[v], name) for v in unique]
        if name in ("reason", "fix_kind"):
            return [None if x is None else str(x) for x in out]
        return out

    schema = {c: pl.String for c in VERDICT_COLUMNS} | {"valid": pl.Boolean}
    table = pl.DataFrame(
        {"(value)": unique, **{c: column(c) for c in VERDICT_COLUMNS}},
        schema={"(value)": pl.String, **schema},
    )
    return (
        pl.DataFrame({"(value)": values})
        .join(table, on="(value)", how="left", maintain_order="left")
        .drop("(value)")
    )


def explain_column_reference(
    values: pl.Series,
    reasons: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> pl.DataFrame:
    """`core.phones.explain` by calling `explain` once per value (every reason one of
    `PHONE_REASONS`): hint, fix, fix_kind, alternative."""
    import polars as pl

    found = [
        explain(v or "", Reason(r), lenient, hint_regions, fix_region)
        for v, r in zip(values.cast(pl.String).to_list(), reasons.to_list(), strict=True)
    ]
    return pl.DataFrame(
        {
            "hint": [e.hint for e in found],
            "fix": [e.fix for e in found],
            "fix_kind": [None if e.kind is None else e.kind.value for e in found],
            "alternative": [e.alternative for e in found],
        },
        schema={c: pl.String for c in ("hint", "fix", "fix_kind", "alternative")},
    )


def search_keys(
    text: str, *, fix_region: str | None = None, lenient: bool = True
) -> tuple[str, ...]:
    """The E.164 numbers a typed phone may mean, for finding members: the number itself
    when valid (and its national reading when ambiguous), else its fix, else every
    valid reading of its digits. ``07400 300995`` (in GB), ``7400300995`` and
    ``+447400300995`` all give ``+447400300995``."""
    verdict = judge(text, lenient=lenient, fix_region=fix_region)
    if verdict.valid:
        return tuple(k for k in (verdict.e164, verdict.alternative) if k)
    if verdict.fix:
        return (verdict.fix,)
    normal = normalise(text)
    if normal.candidate is None:
        return ()
    found = readings(normal.candidate, lenient, fix_region)
    if not found and fix_region and not normal.plus:
        # The digits of a national number typed without its trunk prefix (7400300995).
        found = readings("0" + normal.candidate, lenient, fix_region)
    return tuple(r.e164 for r in found)
