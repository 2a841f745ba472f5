"""The phone rulebook: every kind of problem, of fix and of hint, defined once as data.

Both ways of judging (`core.phones.reference`, one value at a time, and
`core.phones.vector`, a whole column in Polars) and both front ends read these tables;
neither keeps a text, a pattern or a decision of its own. Patterns are written in the
syntax Python's `re` and Polars' Rust regex read alike (ASCII classes, no lookarounds).

How a problem value is explained:

1. It is normalised (`normalise`): whitespace at the ends removed, digits of other
   scripts made ASCII, a spreadsheet's ``.0`` dropped, wrappers (``="..."``, a leading
   ``'``, ``tel:``) unwrapped and formatting symbols (spaces, ``-``, ``.``, ``()``,
   ``/``) removed. What is left must be an optional ``+`` and ASCII digits, else there
   is nothing to repair.
2. Its readings are judged (`READINGS`): the digits as typed (``+digits``), the digits
   after an international prefix (``00``, ``011``), and, for values without ``+``, the
   digits as a national number of the fix region (``<calling code> + digits``, so a
   trunk prefix such as the ``0`` of ``07400 123456`` is handled by libphonenumber).
3. A fix exists when exactly one valid E.164 number follows from the readings; its kind
   is the reading's, unless the value needed ASCII digits or lost a spreadsheet
   ``.0`` (`fix_kind`).
4. The hint is the first rule of `HINT_RULES` whose conditions hold.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class Reason(StrEnum):
    """Why a value is not a callable number (or why a row is refused)."""

    EMPTY = "empty"
    BAD_CHARACTERS = "bad_characters"
    EXCEL_DAMAGED = "excel_damaged"
    INVALID_COUNTRY_CODE = "invalid_country_code"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVALID_NUMBER = "invalid_number"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    ALREADY_IN_AUDIENCE = "already_in_audience"
    STYLE_MISMATCH = "style_mismatch"
    MISSING_REQUIRED = "missing_required"
    SUPPRESSED = "suppressed"  # on the store's do-not-call list


# The reasons a phone value itself can have (the rest are about rows).
PHONE_REASONS: tuple[Reason, ...] = (
    Reason.EMPTY,
    Reason.BAD_CHARACTERS,
    Reason.EXCEL_DAMAGED,
    Reason.INVALID_COUNTRY_CODE,
    Reason.TOO_SHORT,
    Reason.TOO_LONG,
    Reason.INVALID_NUMBER,
)


class FixKind(StrEnum):
    """How a refused value becomes a valid number."""

    SYMBOLS = "symbols"
    INTERNATIONAL_PREFIX = "international_prefix"
    NATIONAL = "national"
    UNICODE_DIGITS = "unicode_digits"
    EXCEL_FLOAT = "excel_float"


AMBIGUOUS_COUNTRY = "ambiguous_country"
"""The warning of a valid value that reads as another number in the fix region."""

# --------------------------------------------------------------------------- patterns

# Patterns describe a WHOLE value: the reference applies them with `re.fullmatch`, the
# vectorized path anchors them as ``^(?s:...)$`` (Rust's ``$`` is the very end, Python's
# is not, so neither writes its own anchors). A wrapper keeps its one group.
WELL_FORMED = r"\+?[0-9]+"
"""A phone cell as the rule wants it: an optional leading + then ASCII digits."""
EXCEL_SCIENTIFIC = r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+"
"""A number a spreadsheet wrote in scientific notation (its digits are lost)."""
EXCEL_DECIMAL = r"(\+?[0-9]+)\.0+"
"""A whole number a spreadsheet wrote as a decimal (``12025550147.0``)."""
NON_ASCII = r"[^\x00-\x7F]"
"""Found anywhere in a value (not a whole-value pattern)."""

# Wrappers around a number, unwrapped in this order.
WRAPPERS: tuple[str, ...] = (
    r'="(.*)"',  # a spreadsheet's text formula
    r"'(.*)",  # a spreadsheet's text marker
    r"(?i:tel:)(.*)",  # a tel: link
)
# Formatting that carries no digit: spaces of every kind, dashes, dots, brackets, slash.
_SYMBOL_CHARACTERS = (
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u202f\u205f\u3000\ufeff"
    "-.()/[]"
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    "\uff08\uff09\uff0e\uff0f"
)


def _character_class(characters: str) -> str:
    """A regex class of exactly these characters, read alike by both engines."""
    special = {"\\", "]", "[", "^", "-"}
    return "[" + "".join("\\" + c if c in special else c for c in characters) + "]"


SYMBOLS = _character_class(_SYMBOL_CHARACTERS)
"""One formatting character (removed when a value is normalised)."""

INTERNATIONAL_PREFIXES: tuple[str, ...] = ("00", "011")
"""Dialling prefixes read as a ``+`` (``011`` only on values written without ``+``)."""


def international_prefixes(calling_code: int | None) -> tuple[str, ...]:
    """The prefixes read as a ``+`` when national numbers are read in a region of this
    calling code: ``011`` (North America's exit code) only in a region of code 1;
    elsewhere ``011`` begins national numbers (``0115 006 8967`` is Nottingham, not
    +500 68967 in the Falklands), and without a region only ``00`` is read."""
    if calling_code == 1:
        return INTERNATIONAL_PREFIXES
    return tuple(p for p in INTERNATIONAL_PREFIXES if p != "011")


@cache
def python_whitespace() -> str:
    """The characters `str.strip()` removes (Python's isspace, not Rust's)."""
    return "".join(filter(str.isspace, map(chr, range(sys.maxunicode + 1))))


@cache
def unicode_digits() -> dict[str, str]:
    """Every decimal digit of another script (and the full-width plus) as ASCII."""
    every = "".join(map(chr, range(128, sys.maxunicode + 1)))
    table = {ch: str(int(ch)) for ch in re.findall(r"\d", every)}
    table["\uff0b"] = "+"  # FULLWIDTH PLUS SIGN
    table["\ufe62"] = "+"  # SMALL PLUS SIGN
    return table


# --------------------------------------------------------------------------- readings


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading a normalised value as an international number."""

    name: str
    kind: FixKind


TYPED = Reading("typed", FixKind.SYMBOLS)  # +digits
# Digits written without + read as +digits only when a fix region is known: then the
# national reading is judged too, and a value reading both ways gets no fix. Without a
# region, `(201) 555-0123` would be "fixed" to an Egyptian +20 number: the digits as
# typed are only mentioned in the hint (`HintKind.TYPED_READING`).
INTERNATIONAL = Reading("international", FixKind.INTERNATIONAL_PREFIX)  # after 00 / 011
NATIONAL = Reading("national", FixKind.NATIONAL)  # code of the fix region + digits
READINGS: tuple[Reading, ...] = (TYPED, INTERNATIONAL, NATIONAL)

FIX_KIND_OVERRIDES: tuple[tuple[str, FixKind], ...] = (
    ("excel_float", FixKind.EXCEL_FLOAT),
    ("unicode", FixKind.UNICODE_DIGITS),
)
"""A normalisation step that names the fix whatever the reading (first one wins)."""


# --------------------------------------------------------------------------- hints


class HintKind(StrEnum):
    """Which hint a problem value gets."""

    EMPTY = "empty"
    EXCEL_DAMAGED = "excel_damaged"
    FIX_SYMBOLS = "fix_symbols"
    FIX_INTERNATIONAL_PREFIX = "fix_international_prefix"
    FIX_NATIONAL = "fix_national"
    FIX_UNICODE_DIGITS = "fix_unicode_digits"
    FIX_EXCEL_FLOAT = "fix_excel_float"
    AMBIGUOUS = "ambiguous"
    MISSING_CODE = "missing_code"
    TYPED_READING = "typed_reading"
    SEVERAL_NUMBERS = "several_numbers"
    EXTENSION = "extension"
    NO_DIGITS = "no_digits"
    BAD_CHARACTERS = "bad_characters"
    INVALID_COUNTRY_CODE = "invalid_country_code"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVALID_NUMBER = "invalid_number"


# What a refused value holds besides one number, searched for anywhere in it (the same
# syntax and meaning in Python's re and Rust's regex: ASCII classes, no $, no \s).
SEVERAL_NUMBERS = r":::|(?:[0-9][^0-9,;/|\r\n]*){8}[,;/|\r\n](?:[^0-9,;/|\r\n]*[0-9]){8}"
"""Google Contacts' `:::` between values, or two runs of 8+ digits split by , ; / | or a
line break (not `0221/1234567`, one German number)."""
EXTENSION = (
    r"(?:^|[^A-Za-z])[Ee][Xx][Tt](?:[Ee][Nn][Ss][Ii][Oo][Nn])?[.=]?[ \t]*[0-9]"
    r"|(?:^|[ \t0-9])[Xx][ \t]*[0-9]"
)
"""`ext. 7`, `extension 7`, `;ext=7` (not the `ext` of `next` or `Text`), `x7` after a
digit or a space."""

# Fields a template may use: {fix} the E.164 fix, {typed} the digits as +digits,
# {region} the fix region, {where}
# "+code (REGION)" of the digits, {readings} the valid readings, already worded.
HINT_TEMPLATES: Mapping[HintKind, str] = {
    HintKind.EMPTY: "a phone number is required",
    HintKind.EXCEL_DAMAGED: (
        "a spreadsheet turned this number into scientific notation and its digits are "
        "lost; re-export the column formatted as text"
    ),
    HintKind.FIX_SYMBOLS: "remove spaces and symbols: {fix}",
    HintKind.FIX_INTERNATIONAL_PREFIX: "write the international prefix as +: {fix}",
    HintKind.FIX_NATIONAL: "add the country code of {region}: {fix}",
    HintKind.FIX_UNICODE_DIGITS: "use ASCII digits: {fix}",
    HintKind.FIX_EXCEL_FLOAT: "a spreadsheet stored this number as a decimal: {fix}",
    HintKind.AMBIGUOUS: "could be {readings}; write it with + and the country code",
    HintKind.MISSING_CODE: "missing country code? {readings}",
    HintKind.TYPED_READING: (
        "if it starts with its country code, write it with +: {typed}; if not, add the country code"
    ),
    HintKind.SEVERAL_NUMBERS: (
        "holds more than one number; keep one per cell (the others in another column)"
    ),
    HintKind.EXTENSION: (
        "holds an extension, which a call cannot dial; keep the number alone and the "
        "extension in another column"
    ),
    HintKind.NO_DIGITS: "use digits only, with an optional leading +",
    HintKind.BAD_CHARACTERS: "use digits only, with an optional leading + and the country code",
    HintKind.INVALID_COUNTRY_CODE: (
        "no country uses the calling code these digits start with; start with the "
        "country code (1 for US, 44 for UK, 91 for India)"
    ),
    HintKind.TOO_SHORT: (
        "too few digits for a {where} number; include the country code and the full number"
    ),
    HintKind.TOO_LONG: "too many digits for a {where} number; check for extra digits",
    HintKind.INVALID_NUMBER: "not a valid {where} number; check the country code and the digits",
}

AMBIGUOUS_WARNING = (
    "as typed it is {typed} ({typed_region}); as a national number of {region} it is "
    "{national}; write it with + and the country code"
)
"""The hint of an `AMBIGUOUS_COUNTRY` warning (a valid value)."""

# How readings are worded inside {readings}: the ambiguous hint names each valid
# reading with its region; the missing-code hint names each region that makes it valid.
AMBIGUOUS_READING = "{e164} ({region})"
AMBIGUOUS_JOIN = " or "
MISSING_CODE_READING = "in {region} it would be {e164}"
MISSING_CODE_JOIN = ", "

# The facts a hint is chosen by, for one problem value:
#   reason      its Reason (text)
#   fix_kind    the FixKind of its fix (text), or None
#   ambiguous   two or more valid readings, so no fix
#   others      valid readings with the code of another hint region
#   typed       without + and without a fix region, +digits is a valid number
#   candidate   normalising left an optional + and digits
#   digits      it holds an ASCII digit (after other scripts' digits are made ASCII)
Conditions = Mapping[str, object]
HINT_RULES: tuple[tuple[HintKind, Conditions], ...] = (
    (HintKind.EMPTY, {"reason": Reason.EMPTY.value}),
    (HintKind.EXCEL_DAMAGED, {"reason": Reason.EXCEL_DAMAGED.value}),
    (HintKind.FIX_EXCEL_FLOAT, {"fix_kind": FixKind.EXCEL_FLOAT.value}),
    (HintKind.FIX_UNICODE_DIGITS, {"fix_kind": FixKind.UNICODE_DIGITS.value}),
    (HintKind.FIX_INTERNATIONAL_PREFIX, {"fix_kind": FixKind.INTERNATIONAL_PREFIX.value}),
    (HintKind.FIX_NATIONAL, {"fix_kind": FixKind.NATIONAL.value}),
    (HintKind.FIX_SYMBOLS, {"fix_kind": FixKind.SYMBOLS.value}),
    (HintKind.AMBIGUOUS, {"ambiguous": True}),
    (HintKind.MISSING_CODE, {"others": True}),
    (HintKind.TYPED_READING, {"typed": True}),
    (HintKind.SEVERAL_NUMBERS, {"reason": Reason.BAD_CHARACTERS.value, "several": True}),
    (HintKind.EXTENSION, {"reason": Reason.BAD_CHARACTERS.value, "extension": True}),
    (HintKind.NO_DIGITS, {"reason": Reason.BAD_CHARACTERS.value, "digits": False}),
    (HintKind.BAD_CHARACTERS, {"reason": Reason.BAD_CHARACTERS.value}),
    (HintKind.INVALID_COUNTRY_CODE, {"reason": Reason.INVALID_COUNTRY_CODE.value}),
    (HintKind.TOO_SHORT, {"reason": Reason.TOO_SHORT.value}),
    (HintKind.TOO_LONG, {"reason": Reason.TOO_LONG.value}),
    (HintKind.INVALID_NUMBER, {}),
)


def choose_hint(facts: Mapping[str, object]) -> HintKind:
    """The first hint rule whose conditions all hold (the last rule always does)."""
    for kind, conditions in HINT_RULES:
        if all(facts.get(name) == wanted for name, wanted in conditions.items()):
            return kind
    raise AssertionError("the last hint rule has no conditions")


_FIELD = re.compile(r"\{(\w+)\}")


def template_parts(template: str) -> list[str]:
    """A template as alternating literal text and field names: ``[text, field, text...]``
    (always odd in length, starting and ending with text)."""
    return _FIELD.split(template)


# --------------------------------------------------------------------------- regions


def dominant_region(counts: Mapping[str, int]) -> str | None:
    """The region of a strict majority of valid numbers, else None (no fix region)."""
    total = sum(counts.values())
    for region, n in counts.items():
        if n * 2 > total:
            return region
    return None
