"""Whole-column phone verdicts with Polars (same answers as `core.phones.judge`).

`judge_column` gives, for a whole column at once, exactly the verdicts `core.phones.judge`
gives value by value. What `phonenumbers` 9.x does for one well-formed value
``+digits`` (parse, is_possible_number_with_reason, is_valid_number,
region_code_for_number, number_type, E.164 format) is rebuilt from the metadata the
library ships and run as Polars expressions over the column:

* the calling code is the shortest 1-3 digit prefix that is a known code
  (`_extract_country_code`); a leading 0 or no known prefix is an invalid code. It is a
  function of the first three digits, so a 1000-entry table gives it;
* the national prefix is stripped as `_maybe_strip_national_prefix_carrier_code` does
  it with the main region of the calling code, and the stripped number is kept only
  when its length is possible (as `parse` does);
* possible lengths come from a (calling code, length) table built with the library's
  own `_test_number_length`;
* the region among those sharing a calling code (+1, +7, +44, ...) is chosen in the
  library's order: leading digits where a region has them, else full validation;
* the number type is the library's decision list (general description, then premium
  rate, toll free, ..., fixed line / mobile), each description a regex with full-match
  semantics (anchored ``^(?:...)$``). Possible lengths are folded into the regexes by
  matching a two-digit length prefix.

Each metadata regex of every region is one alternative of a large regex keyed by a
three-digit region (or calling code) prefix, so one regex pass serves every region and
a row only ever reaches its own region's alternative: ``"042" + "10" + "2025550123"``
is region 42's number of length 10. Regions sharing a calling code with leading digits
form runs; the first region of a run whose leading digits match is found in one pass
by the length of a leftmost-first match (see `_regexes`). Patterns are rewritten with
``[0-9]`` for ``\\d`` (the input is ASCII digits only, and Unicode classes compile about
7x slower). Every row is judged where it is (no deduplication, no joins): rare paths
(national prefixes, shared calling codes, special number types, hints) work on the rows
that need them and are scattered back.

A calling code with a pattern the Rust regex engine refuses, or written with syntax
that Python and Rust read differently, is judged per value by `core.phones` instead
(`fallback_report` lists them; with phonenumbers 9.0.43 there are none).

Hints are built from verdicts too: the candidate strings (the digits of values with bad
characters, ``<calling code of a hint region> + digits`` for values without a ``+``)
are judged by the same vectorized path, for problem rows only.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberType, ValidationResult
from phonenumbers import phonenumberutil as _pnu

from core.phones import (
    _PARSE_REASON,
    _POSSIBILITY_REASON,
    _TYPE_NAMES,
    Reason,
    _judge_digits,
    country_code_of,
)

# Limits of `phonenumbers.parse`.
_MAX_INPUT = _pnu._MAX_INPUT_STRING_LENGTH  # 250: a longer string raises TOO_LONG
_MIN_NSN = _pnu._MIN_LENGTH_FOR_NSN  # 2
_MAX_NSN = _pnu._MAX_LENGTH_FOR_NSN  # 17
_LEN_CAP = _MAX_NSN + 1  # every possible and local-only length is <= 17: 18+ behave alike
_LENS = _LEN_CAP + 1  # table rows per calling code / region: lengths 0..18

# The special types in `_number_type_helper` order (they come before fixed line/mobile).
_SPECIALS: tuple[tuple[str, int], ...] = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)
_UNKNOWN = int(PhoneNumberType.UNKNOWN)
_SPECIAL = -1  # placeholder type: one of _SPECIALS, decided on those rows only
_NOT_STRIPPED = [
    int(ValidationResult.TOO_SHORT),
    int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY),
    int(ValidationResult.INVALID_LENGTH),
]
_LENIENT_OK = [int(ValidationResult.IS_POSSIBLE), int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY)]

_WELL_FORMED = r"^\+?[0-9]+$"  # core.phones.WELL_FORMED as a full match (ASCII digits)
_EXCEL_SCIENTIFIC = r"^[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+$"  # core.phones._EXCEL_SCIENTIFIC

# The hint texts of `core.phones` (judge, problem_hint, bad_characters_hint); the
# differential tests fail if they drift apart.
HINT_EMPTY = "a phone number is required"
HINT_INVALID_CODE = (
    "no country uses the calling code these digits start with; start with the country "
    "code (1 for US, 44 for UK, 91 for India)"
)
HINT_EXCEL = (
    "a spreadsheet turned this number into scientific notation and its digits are "
    "lost; re-export the column formatted as text"
)
HINT_NO_DIGITS = "use digits only, with an optional leading +"
HINT_BAD_FALLBACK = "use digits only, with an optional leading + and the country code"
HINT_MISSING_CODE = "missing country code? as a {} number it would be {}"
HINT_BAD_MISSING_CODE = (
    "remove spaces and symbols and add the country code: as a {} number it would be {}"
)
HINT_TOO_SHORT = "too few digits for a {} number; include the country code and the full number"
HINT_TOO_LONG = "too many digits for a {} number; check for extra digits"
HINT_INVALID = "not a valid {} number; check the country code and the digits"


# --------------------------------------------------------------------------- metadata


def _ascii(pattern: str) -> str:
    r"""A libphonenumber pattern for ASCII-digit input: ``\d`` as ``[0-9]``."""
    return pattern.replace("\\d", "[0-9]")


def _keyed(desc: object) -> str | None:
    """`_is_number_matching_desc` as a regex over ``<2-digit length><number>``."""
    if desc is None:
        return None
    pattern = desc.national_number_pattern  # type: ignore[attr-defined]
    if not pattern:
        return None
    lengths = desc.possible_length  # type: ignore[attr-defined]
    if len(lengths) > 0:
        usable = sorted({n for n in lengths if 0 <= n <= _MAX_NSN})
        if not usable:
            return None
        prefix = "|".join(f"{n:02d}" for n in usable)
    else:
        prefix = "[0-9]{2}"
    return f"(?:{prefix})(?:{_ascii(pattern)})"


# The regex syntax the metadata uses, where Python's re and Rust's regex agree: digits,
# classes, groups, alternation, quantifiers, anchors and \d. Rust reads some sequences
# differently (class set operations, nested classes), so a pattern with anything else
# is treated as refused.
_PORTABLE = re.compile(r"(?:[0-9()|?:*+,^$\[\]{}-]|\\d)*")


def _portable(pattern: str) -> bool:
    return bool(_PORTABLE.fullmatch(pattern)) and not any(
        seq in pattern for seq in ("&&", "--", "~~", "[[", "{,")
    )


def _compiles(pattern: str) -> bool:
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except Exception:  # noqa: BLE001 - any refusal of the engine counts
        return False
    return True


def _big(
    alternatives: list[tuple[int, str]], end: bool
) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """``^(?:a|b|...)$`` (``$`` when `end`) over (calling code, alternative) pairs.

    Returns the chunks the engine accepts (one unless it refuses the whole) and the
    alternatives it refuses even alone.
    """
    if not alternatives:
        return (), []
    pattern = "^(?:" + "|".join(a for _, a in alternatives) + (")$" if end else ")")
    if _compiles(pattern):
        return (pattern,), []
    if len(alternatives) == 1:
        return (), list(alternatives)
    half = len(alternatives) // 2
    first, bad_first = _big(alternatives[:half], end)
    second, bad_second = _big(alternatives[half:], end)
    return first + second, bad_first + bad_second


@dataclass(frozen=True, slots=True)
class _Transform:
    """A national prefix with a transform rule (AR, BR, JP, ...), matched with groups."""

    pattern: str  # ^(npp): group 1 is the whole match, the rule's groups are shifted by one
    inner_groups: int
    template: tuple[str | int, ...]  # literal text or (unshifted) group numbers


@dataclass(frozen=True)
class _Meta:
    cc_of3: pl.Series  # Int32[1000]: calling code of a 3-digit prefix (null: none)
    cc_key: pl.Series  # String[1000]: "044" for 44
    npp_key: pl.Series  # String[1000]: cc_key where the code has a national prefix
    npp_pattern: pl.Series  # String[1000]: ^(?:national prefix for parsing)
    lres: pl.Series  # Int8[1000 * 19]: _test_number_length of the main region
    rid0: pl.Series  # UInt32[1000]: the only region of a code (null: shared or unknown)
    multi: pl.Series  # Boolean[1000]: regions share the code
    rid_key: pl.Series  # String[n_rid * 19]: "042" + "10"
    same: pl.Series  # Boolean[n_rid]: same_mobile_and_fixed_line_pattern
    region: pl.Series  # String[n_rid]
    npp: tuple[str, ...]  # keyed by cc_key, prefix match
    gen0: tuple[str, ...]  # general pattern of the main region, keyed by cc_key
    types: dict[str, tuple[str, ...]]  # general/specials/fixed/mobile/any/<special>
    transforms: dict[int, _Transform]
    segments: tuple[tuple[pl.Series, pl.Series], ...]  # per step: kind, value by cc
    run_key: pl.Series  # String[n_runs]
    leading: tuple[str, ...]  # keyed by run_key; the match length tells the region
    run_rid: pl.Series  # UInt32[n_runs * run_width]: rid of alternative j of a run
    run_width: int
    fallback_ccs: frozenset[int]
    fallback_patterns: tuple[tuple[int, str, str], ...] = field(default=())


def _length_results(md: PhoneMetadata) -> list[int]:
    """`_test_number_length` for lengths 0..18 (it looks at the length only)."""
    return [int(_pnu._test_number_length("0" * n, md)) for n in range(_LENS)]


def _supported_rule(main: PhoneMetadata) -> bool:
    """A transform rule `_strip_prefix_rows` can apply (group references and text)."""
    try:
        _template(main.national_prefix_transform_rule)
    except ValueError:
        return False
    return re.compile(main.national_prefix_for_parsing).groups >= 1


def _template(rule: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    pos = 0
    for m in re.finditer(r"\\(\d+)|\\g<(\d+)>|([^\\]+)", rule):
        if m.start() != pos:
            break
        pos = m.end()
        parts.append(m.group(3) if m.group(3) is not None else int(m.group(1) or m.group(2)))
    if pos != len(rule):
        raise ValueError(f"unsupported national prefix transform rule {rule!r}")
    return tuple(parts)


def _patterns_of(
    regions: list[tuple[int, str, PhoneMetadata]], main: PhoneMetadata, raw: bool = False
) -> list[tuple[str, str]]:
    """(where, pattern) of every metadata regex of a calling code: as run (anchored,
    keyed, ASCII digits), or `raw` as the metadata has it."""
    out = []
    npp = main.national_prefix_for_parsing
    if npp:
        out.append(("national prefix", npp if raw else f"^(?:{_ascii(npp)})"))
    general = main.general_desc.national_number_pattern
    if general:
        out.append(("general", general if raw else f"^(?:{_ascii(general)})$"))
    for _rid, region, md in regions:
        for name in ("general_desc", "fixed_line", "mobile", *(s for s, _ in _SPECIALS)):
            desc = getattr(md, name)
            keyed = _keyed(desc)
            if keyed is not None:
                out.append(
                    (f"{region} {name}", desc.national_number_pattern if raw else f"^(?:{keyed})$")
                )
        if len(regions) > 1 and md.leading_digits is not None:
            ld = md.leading_digits
            out.append((f"{region} leading digits", ld if raw else f"^(?:{_ascii(ld)})"))
    return out


def _regexes(
    rids: dict[int, list[tuple[int, str, PhoneMetadata]]],
    mains: dict[int, PhoneMetadata],
    fallback: frozenset[int],
) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """The keyed regexes and the tables that go with them, for codes not in `fallback`.

    Returns them with the (calling code, alternative) pairs the engine refused.
    """
    npp_key: list[str | None] = [None] * 1000
    npp_pattern: list[str | None] = [None] * 1000
    npp_alts: list[tuple[int, str]] = []
    gen0_alts: list[tuple[int, str]] = []
    type_names = ("general", "specials", "fixed", "mobile", "any", *(s for s, _ in _SPECIALS))
    type_alts: dict[str, list[tuple[int, str]]] = {name: [] for name in type_names}
    transforms: dict[int, _Transform] = {}
    steps: list[dict[int, tuple[int, int]]] = []  # per step: cc -> (kind, value)
    runs: list[tuple[int, list[tuple[int, str]]]] = []  # (cc, [(rid, leading digits)])
    for cc, regions in rids.items():
        if cc in fallback:
            continue
        main = mains[cc]
        key = f"{cc:03d}"
        npp = main.national_prefix_for_parsing
        if npp:
            npp_key[cc] = key
            npp_pattern[cc] = f"^(?:{_ascii(npp)})"
            npp_alts.append((cc, f"{key}(?:{_ascii(npp)})"))
            rule = main.national_prefix_transform_rule
            if rule:
                groups = re.compile(npp).groups
                transforms[cc] = _Transform(f"^({_ascii(npp)})", groups, _template(rule))
        general = main.general_desc.national_number_pattern
        if general:
            gen0_alts.append((cc, f"{key}(?:{_ascii(general)})"))
        for rid, _region, md in regions:
            specials = [_keyed(getattr(md, name)) for name, _ in _SPECIALS]
            fixed = _keyed(md.fixed_line)
            mobile = _keyed(md.mobile)
            parts = {
                "general": [_keyed(md.general_desc)],
                "specials": specials,
                "fixed": [fixed],
                "mobile": [mobile],
                # `_number_type_helper(...) != UNKNOWN`, given the general match.
                "any": [
                    *specials,
                    fixed,
                    None if md.same_mobile_and_fixed_line_pattern else mobile,
                ],
            }
            for (name, _), keyed in zip(_SPECIALS, specials, strict=True):
                parts[name] = [keyed]
            for name, alts in parts.items():
                usable = [a for a in alts if a is not None]
                if usable:
                    type_alts[name].append((cc, f"{rid:03d}(?:{'|'.join(usable)})"))
        if len(regions) > 1:
            # The steps of `_region_code_for_number_from_list`: a region without leading
            # digits is validated (kind 1); a run of regions with leading digits is one
            # step (kind 2) where the first region whose leading digits match wins.
            step = 0
            pending: list[tuple[int, str]] = []
            for rid, _region, md in [*regions, (-1, "", None)]:
                if md is not None and md.leading_digits is not None:
                    pending.append((rid, md.leading_digits))
                    continue
                if pending:
                    steps.extend({} for _ in range(step + 1 - len(steps)))
                    steps[step][cc] = (2, len(runs))
                    runs.append((cc, list(pending)))
                    pending.clear()
                    step += 1
                if md is not None:
                    steps.extend({} for _ in range(step + 1 - len(steps)))
                    steps[step][cc] = (1, rid)
                    step += 1
    # Leading digits of a run, first match wins: the key is ``<run><nsn>#xxx...`` and
    # alternative j is ``(?:ld_j)[0-9]*#x{j}``, so the leftmost-first match (the
    # library's order) ends j characters after the ``#``.
    width = max((len(members) for _, members in runs), default=1)
    run_rid: list[int | None] = [None] * (len(runs) * width)
    leading_alts = []
    for run, (cc, members) in enumerate(runs):
        alts = []
        for j, (rid, ld) in enumerate(members):
            alts.append(f"(?:{_ascii(ld)})[0-9]*#{'x' * j}")
            run_rid[run * width + j] = rid
        leading_alts.append((cc, f"{run:03d}(?:{'|'.join(alts)})"))
    refused: list[tuple[int, str]] = []

    def big(alternatives: list[tuple[int, str]], end: bool) -> tuple[str, ...]:
        chunks, bad = _big(alternatives, end)
        refused.extend(bad)
        return chunks

    built: dict[str, object] = {
        "npp_key": pl.Series(npp_key, dtype=pl.String),
        "npp_pattern": pl.Series(npp_pattern, dtype=pl.String),
        "npp": big(npp_alts, end=False),
        "gen0": big(gen0_alts, end=True),
        "types": {name: big(alts, end=True) for name, alts in type_alts.items()},
        "transforms": transforms,
        "segments": tuple(
            (
                pl.Series([step.get(cc, (0, 0))[0] for cc in range(1000)], dtype=pl.Int8),
                pl.Series([step.get(cc, (0, 0))[1] for cc in range(1000)], dtype=pl.UInt32),
            )
            for step in steps
        ),
        "run_key": pl.Series([f"{run:03d}" for run in range(len(runs))], dtype=pl.String),
        "leading": big(leading_alts, end=False),
        "run_rid": pl.Series(run_rid, dtype=pl.UInt32),
        "run_width": width,
    }
    return built, refused


def _build_meta(force_fallback: frozenset[int] = frozenset()) -> _Meta:
    """Tables and regexes built once from the metadata `phonenumbers` ships.

    `force_fallback` sends calling codes to the per-value path (for tests).
    """
    by_code = dict(sorted(_pnu.COUNTRY_CODE_TO_REGION_CODE.items()))
    assert max(by_code) <= 999
    mains: dict[int, PhoneMetadata] = {}
    rids: dict[int, list[tuple[int, str, PhoneMetadata]]] = {}
    n_rid = 0
    for cc, region_codes in by_code.items():
        main = PhoneMetadata.metadata_for_region_or_calling_code(cc, region_codes[0])
        assert main is not None
        mains[cc] = main
        general = main.general_desc
        assert max(general.possible_length) <= _MAX_NSN
        local = general.possible_length_local_only
        assert not local or max(local) <= _MAX_NSN
        rids[cc] = []
        for region in region_codes:
            md = PhoneMetadata.metadata_for_region_or_calling_code(cc, region)
            assert md is not None
            rids[cc].append((n_rid, region, md))
            n_rid += 1
    assert n_rid <= 999
    # A calling code with a pattern the engine refuses is judged per value: build, and
    # build again without the codes refused, until the engine takes every regex.
    fallback = frozenset(force_fallback & set(by_code))
    odd = {
        (cc, where, pattern)
        for cc in by_code
        for where, pattern in _patterns_of(rids[cc], mains[cc], raw=True)
        if not _portable(pattern)
    }
    for cc, main in mains.items():
        rule = main.national_prefix_transform_rule
        if rule and main.national_prefix_for_parsing and not _supported_rule(main):
            odd.add((cc, "national prefix transform rule", rule))
    fallback |= {cc for cc, _, _ in odd}
    while True:
        built, refused = _regexes(rids, mains, fallback)
        if not refused:
            break
        fallback = fallback | {cc for cc, _ in refused}
    failed = tuple(sorted(odd)) + tuple(
        (cc, where, pattern)
        for cc in sorted(fallback - force_fallback)
        for where, pattern in _patterns_of(rids[cc], mains[cc])
        if not _compiles(pattern)
    )
    # `_extract_country_code`: the shortest known prefix (none starts with 0).
    cc_of3: list[int | None] = [None] * 1000
    for i in range(100, 1000):
        text = f"{i:03d}"
        cc_of3[i] = next((int(text[:k]) for k in (1, 2, 3) if int(text[:k]) in by_code), None)
    cc_key: list[str | None] = [None] * 1000
    lres: list[int | None] = [None] * (1000 * _LENS)
    rid0: list[int | None] = [None] * 1000
    multi = [False] * 1000
    same: list[bool] = []
    region_of: list[str] = []
    for cc, regions in rids.items():
        cc_key[cc] = f"{cc:03d}"
        lres[cc * _LENS : (cc + 1) * _LENS] = _length_results(mains[cc])
        multi[cc] = len(regions) > 1
        if len(regions) == 1:
            rid0[cc] = regions[0][0]
        for _rid, region, md in regions:
            same.append(bool(md.same_mobile_and_fixed_line_pattern))
            region_of.append(region)
    return _Meta(
        cc_of3=pl.Series(cc_of3, dtype=pl.Int32),
        cc_key=pl.Series(cc_key, dtype=pl.String),
        lres=pl.Series(lres, dtype=pl.Int8),
        rid0=pl.Series(rid0, dtype=pl.UInt32),
        multi=pl.Series(multi, dtype=pl.Boolean),
        rid_key=pl.Series(
            [f"{rid:03d}{n:02d}" for rid in range(n_rid) for n in range(_LENS)], dtype=pl.String
        ),
        same=pl.Series(same, dtype=pl.Boolean),
        region=pl.Series(region_of, dtype=pl.String),
        fallback_ccs=fallback,
        fallback_patterns=failed,
        **built,  # type: ignore[arg-type]
    )


@cache
def _meta() -> _Meta:
    return _build_meta()


def fallback_report() -> dict[str, object]:
    """Which metadata patterns Polars' regex engine refused (their codes go per value)."""
    meta = _meta()
    return {
        "patterns_failed": len(meta.fallback_patterns),
        "calling_codes_per_value": sorted(meta.fallback_ccs),
        "failed": list(meta.fallback_patterns),
    }


# --------------------------------------------------------------------------- helpers


def _lookup(table: pl.Series, index: pl.Expr) -> pl.Expr:
    """``table[index]`` per row (null index gives null)."""
    return pl.lit(table).gather(index)


def _contains(text: pl.Expr, chunks: tuple[str, ...]) -> pl.Expr:
    """Any chunk matches (False for null text)."""
    if not chunks:
        return pl.lit(False)
    if len(chunks) == 1:
        return text.str.contains(chunks[0]).fill_null(False)
    return pl.any_horizontal([text.str.contains(c) for c in chunks]).fill_null(False)


def _extract0(text: pl.Expr, chunks: tuple[str, ...]) -> pl.Expr:
    """The whole match of the first chunk that matches (keyed alternatives: one can)."""
    if not chunks:
        return pl.lit(None, pl.String)
    if len(chunks) == 1:
        return text.str.extract(chunks[0], 0)
    return pl.coalesce([text.str.extract(c, 0) for c in chunks])


def _rows(frame: pl.DataFrame, condition: pl.Expr, *columns: str) -> pl.DataFrame:
    """The given columns of the rows meeting `condition` (without gathering the rest)."""
    return frame.lazy().filter(condition).select(columns).collect()


def _constant(name: str, value: str | None, n: int) -> pl.Series:
    """`n` times `value` as a String series (a Python list of a million costs ~50 ms)."""
    return pl.repeat(value, n, dtype=pl.String, eager=True).alias(name)


def _scatter(base: pl.Series, index: pl.Series, values: pl.Series) -> pl.Series:
    if len(index) == 0:
        return base
    out = base.clone()
    out.scatter(index, values.cast(base.dtype))
    return out


# Reasons by code: a ValidationResult (0-5) of the possibility check, or a parse
# exception raised before it (the _EARLY_* codes).
_EARLY = (
    NumberParseException.TOO_LONG,
    NumberParseException.NOT_A_NUMBER,
    NumberParseException.INVALID_COUNTRY_CODE,
    NumberParseException.TOO_SHORT_NSN,
)
_EARLY_TOO_LONG, _EARLY_NOT_A_NUMBER, _EARLY_BAD_CODE, _EARLY_SHORT_NSN = range(10, 14)
_REASON_TEXT = pl.Series(
    [str(_POSSIBILITY_REASON[k]) if k in _POSSIBILITY_REASON else None for k in range(10)]
    + [str(_PARSE_REASON[e]) for e in _EARLY],
    dtype=pl.String,
)
_TYPE_TEXT = pl.Series(
    [_TYPE_NAMES.get(k, "unknown") for k in range(_UNKNOWN + 1)], dtype=pl.String
)
_CC_TEXT = pl.Series([str(k) for k in range(1000)], dtype=pl.String)


def _hint_parts() -> tuple[pl.Series, pl.Series, pl.Series]:
    """Hint i is ``a[i] + <first word> + b[i] + <second word> + c[i]``."""
    templates = [
        HINT_MISSING_CODE,  # 0: region, E.164
        HINT_INVALID_CODE,  # 1
        HINT_TOO_SHORT,  # 2: +code (REGION)
        HINT_TOO_LONG,  # 3
        HINT_INVALID,  # 4
        HINT_EXCEL,  # 5
        HINT_NO_DIGITS,  # 6
        "remove spaces and symbols: +{}",  # 7: digits
        HINT_BAD_FALLBACK,  # 8
        HINT_BAD_MISSING_CODE,  # 9: region, E.164
        "remove spaces and symbols: {}",  # 10: digits
    ]
    split = [(t.split("{}") + ["", ""])[:3] for t in templates]
    return tuple(pl.Series([p[k] for p in split], dtype=pl.String) for k in range(3))  # type: ignore[return-value]


_HINT_PARTS = _hint_parts()


# --------------------------------------------------------------------------- digits


def _strip_prefix_rows(sub: pl.DataFrame, meta: _Meta) -> pl.DataFrame:
    """Rows whose national number starts with the national prefix: add `nsn`.

    `sub` has i, cc, rest, mlen (the length of the prefix match).
    """
    rest = pl.col("rest")
    sub = sub.with_columns(cand=rest.str.slice(pl.col("mlen")))
    present = set(sub.get_column("cc").unique().to_list()) & set(meta.transforms)
    if present:
        # A transform rule applies when the rule's last group took part in the match.
        keep = [sub.filter(~pl.col("cc").is_in(sorted(present)))]
        for cc in sorted(present):
            tr = meta.transforms[cc]
            part = sub.filter(pl.col("cc") == cc)
            groups = part.get_column("rest").str.extract_groups(tr.pattern).struct.unnest()
            pieces = [
                pl.lit(p) if isinstance(p, str) else pl.col(f"__g{p}").fill_null("")
                for p in tr.template
            ]
            part = part.with_columns(
                __last=groups.get_column(str(tr.inner_groups + 1)),
                **{f"__g{i}": groups.get_column(str(i + 1)) for i in range(1, tr.inner_groups + 1)},
            )
            transformed = pl.concat_str([*pieces, pl.col("cand")])
            part = part.with_columns(
                cand=pl.when(pl.col("__last").is_not_null())
                .then(transformed)
                .otherwise(pl.col("cand"))
            ).select(sub.columns)
            keep.append(part)
        sub = pl.concat(keep)
    # The original is kept when it fits the general pattern and the stripped one does
    # not; the stripped one is kept only if its length is possible (`parse`).
    key = _lookup(meta.cc_key, pl.col("cc"))
    sub = sub.with_columns(
        __vo=_contains(pl.concat_str(key, rest), meta.gen0),
        __vc=_contains(pl.concat_str(key, pl.col("cand")), meta.gen0),
    ).with_columns(
        cand=pl.when(pl.col("__vo") & ~pl.col("__vc")).then(rest).otherwise(pl.col("cand"))
    )
    cand_len = pl.min_horizontal(pl.col("cand").str.len_bytes(), pl.lit(_LEN_CAP)).cast(pl.Int64)
    result = _lookup(meta.lres, pl.col("cc").cast(pl.Int64) * _LENS + cand_len)
    return sub.select(
        "i", nsn=pl.when(result.is_in(_NOT_STRIPPED)).then(rest).otherwise(pl.col("cand"))
    )


def _choose_regions(sub: pl.DataFrame, meta: _Meta) -> pl.DataFrame:
    """`region_code_for_number` for codes shared by regions: i -> rid (null: none).

    `sub` has i, cc, nsn, nlen.
    """
    found = []
    nsn = pl.col("nsn")
    for kinds, values in meta.segments:
        if sub.height == 0:
            break
        sub = sub.with_columns(
            __k=_lookup(kinds, pl.col("cc")), __v=_lookup(values, pl.col("cc"))
        ).filter(pl.col("__k") != 0)
        if sub.height == 0:
            break
        kind_valid = pl.col("__k") == 1
        index = pl.when(kind_valid).then(pl.col("__v").cast(pl.Int64) * _LENS + pl.col("nlen"))
        vkey = pl.concat_str(_lookup(meta.rid_key, index), nsn)
        valid = _contains(vkey, meta.types["general"]) & _contains(vkey, meta.types["any"])
        columns = [pl.when(valid).then(pl.col("__v"))]
        if meta.leading and (sub.get_column("__k") == 2).any():
            run = pl.when(pl.col("__k") == 2).then(pl.col("__v").cast(pl.Int64))
            lkey = pl.concat_str(
                _lookup(meta.run_key, run), nsn, pl.lit("#" + "x" * meta.run_width)
            )
            j = _extract0(lkey, meta.leading).str.len_bytes().cast(pl.Int64) - pl.col("nlen") - 4
            columns.append(_lookup(meta.run_rid, run * meta.run_width + j))
        sub = sub.with_columns(__rid=pl.coalesce(columns))
        found.append(sub.filter(pl.col("__rid").is_not_null()).select("i", rid="__rid"))
        sub = sub.filter(pl.col("__rid").is_null()).drop("__k", "__v", "__rid")
    if not found:
        return pl.DataFrame(schema={"i": pl.UInt32, "rid": pl.UInt32})
    return pl.concat(found)


def _per_value(digits: pl.Series, lenient: bool) -> pl.DataFrame:
    """The reference `_judge_digits`, for calling codes whose patterns Rust refuses."""
    rows = []
    for value in digits.to_list():
        v = _judge_digits(value, lenient)
        reason = None if v.reason is None else str(v.reason)
        rows.append((v.valid, reason, v.e164, v.region, v.number_type))
    return pl.DataFrame(
        rows,
        schema={
            "valid": pl.Boolean,
            "reason": pl.String,
            "e164": pl.String,
            "region": pl.String,
            "number_type": pl.String,
        },
        orient="row",
    )


def judge_digits(
    digits: pl.Series, *, lenient: bool = False, full: bool = True, types: bool = True
) -> pl.DataFrame:
    """`core.phones._judge_digits` for a column of ASCII-digit strings, row by row.

    Columns valid, reason, e164, region, number_type, aligned with the input; null
    inputs give null rows. Without `full` only valid and e164 are filled (hints need
    no more), which spares the number type. Without `types` every column but
    number_type is filled: validity then takes two regex passes instead of four.
    """
    meta = _meta()
    frame = pl.DataFrame({"x": digits.cast(pl.String)}).with_row_index("i")
    x = pl.col("x")
    n = x.str.len_bytes()
    first3 = pl.when(n >= 3).then(x.str.slice(0, 3).cast(pl.Int64))
    frame = frame.with_columns(n=n, cc=_lookup(meta.cc_of3, first3)).with_columns(
        cclen=1 + (pl.col("cc") >= 10).cast(pl.Int32) + (pl.col("cc") >= 100).cast(pl.Int32)
    )
    # `parse("+" + x)`: too long a string, not viable (under 3 digits after the +), no
    # calling code, too short a national number.
    early = (
        pl.when(x.is_null())
        .then(pl.lit(None, pl.Int8))
        .when(pl.col("n") + 1 > _MAX_INPUT)
        .then(pl.lit(_EARLY_TOO_LONG, pl.Int8))
        .when(pl.col("n") <= _MIN_NSN)
        .then(pl.lit(_EARLY_NOT_A_NUMBER, pl.Int8))
        .when(pl.col("cc").is_null())
        .then(pl.lit(_EARLY_BAD_CODE, pl.Int8))
        .when(pl.col("n") - pl.col("cclen") < _MIN_NSN)
        .then(pl.lit(_EARLY_SHORT_NSN, pl.Int8))
    )
    frame = frame.with_columns(early=early)
    going = x.is_not_null() & pl.col("early").is_null()
    slow = None
    if meta.fallback_ccs:
        slow_mask = going & pl.col("cc").is_in(sorted(meta.fallback_ccs))
        slow = _rows(frame, slow_mask, "i", "x")
        going = going & ~slow_mask
    rest = x.str.slice(pl.col("cclen"))
    frame = frame.with_columns(rest=pl.when(going).then(rest))
    # National prefix: which rows start with it (the pattern of the row's calling code:
    # a few dozen distinct patterns, each compiled once), then how long the match is.
    starts = pl.col("rest").str.contains(_lookup(meta.npp_pattern, pl.col("cc"))).fill_null(False)
    nsn = frame.get_column("rest")
    stripped = _rows(frame, starts, "i", "cc", "rest")
    if stripped.height:
        match = _extract0(
            pl.concat_str(_lookup(meta.npp_key, pl.col("cc")), pl.col("rest")), meta.npp
        )
        stripped = stripped.with_columns(mlen=match.str.len_bytes().cast(pl.Int64) - 3)
        stripped = _strip_prefix_rows(stripped, meta)
        nsn = _scatter(nsn, stripped.get_column("i"), stripped.get_column("nsn"))
    frame = frame.with_columns(nsn=nsn).with_columns(
        nlen=pl.col("nsn").str.len_bytes().cast(pl.Int64)
    )
    too_long = pl.col("nlen") > _MAX_NSN
    frame = frame.with_columns(
        early=pl.when(too_long).then(pl.lit(_EARLY_TOO_LONG, pl.Int8)).otherwise(pl.col("early")),
        nsn=pl.when(~too_long).then(pl.col("nsn")),
    ).with_columns(
        poss=_lookup(
            meta.lres,
            pl.when(pl.col("nsn").is_not_null()).then(
                pl.col("cc").cast(pl.Int64) * _LENS + pl.col("nlen")
            ),
        ),
        rid=pl.when(pl.col("nsn").is_not_null()).then(_lookup(meta.rid0, pl.col("cc"))),
    )
    if not full and lenient:
        # Possible lengths decide; no region or type is needed.
        return _verdicts(
            frame,
            pl.col("nsn").is_not_null() & pl.col("poss").is_in(_LENIENT_OK),
            meta,
            slow,
            lenient,
            full,
        )
    shared = _rows(
        frame,
        pl.col("nsn").is_not_null() & _lookup(meta.multi, pl.col("cc")),
        "i",
        "cc",
        "nsn",
        "nlen",
    )
    if shared.height:
        chosen = _choose_regions(shared, meta)
        frame = frame.with_columns(
            rid=_scatter(frame.get_column("rid"), chosen.get_column("i"), chosen.get_column("rid"))
        )
    # `_number_type_helper` for the chosen region.
    key = pl.concat_str(
        _lookup(meta.rid_key, pl.col("rid").cast(pl.Int64) * _LENS + pl.col("nlen")),
        pl.col("nsn"),
    )
    frame = frame.with_columns(key=key)
    if full and not types:
        # The verdict without the type: a check or a profile never shows it, and members
        # get theirs when they are written (at most 10,000 of them).
        frame = frame.with_columns(ntype=pl.lit(None, pl.Int32))
        judged = pl.col("nsn").is_not_null()
        if lenient:
            valid = judged & pl.col("poss").is_in(_LENIENT_OK)
        else:
            valid = (
                judged
                & pl.col("rid").is_not_null()
                & _contains(pl.col("key"), meta.types["general"])
                & _contains(pl.col("key"), meta.types["any"])
            )
        return _verdicts(frame, valid, meta, slow, lenient, full)
    if not full:
        # `is_valid_number`: the general description and any type of the region.
        valid = _contains(pl.col("key"), meta.types["general"]) & _contains(
            pl.col("key"), meta.types["any"]
        )
        return _verdicts(frame, valid, meta, slow, lenient, full)
    frame = frame.with_columns(
        g=_contains(pl.col("key"), meta.types["general"]),
        s=_contains(pl.col("key"), meta.types["specials"]),
        f=_contains(pl.col("key"), meta.types["fixed"]),
        m=_contains(pl.col("key"), meta.types["mobile"]),
        same=_lookup(meta.same, pl.col("rid")).fill_null(False),
    )
    fixed_or_mobile = (
        pl.when(pl.col("f"))
        .then(
            pl.when(pl.col("same") | pl.col("m"))
            .then(pl.lit(int(PhoneNumberType.FIXED_LINE_OR_MOBILE)))
            .otherwise(pl.lit(int(PhoneNumberType.FIXED_LINE)))
        )
        .when(~pl.col("same") & pl.col("m"))
        .then(pl.lit(int(PhoneNumberType.MOBILE)))
        .otherwise(pl.lit(_UNKNOWN))
    )
    frame = frame.with_columns(
        ntype=pl.when(~pl.col("g"))
        .then(pl.lit(_UNKNOWN))
        .when(pl.col("s"))
        .then(pl.lit(_SPECIAL))
        .otherwise(fixed_or_mobile)
        .cast(pl.Int32)
    )
    special = _rows(frame, pl.col("ntype") == _SPECIAL, "i", "key")
    if special.height:
        chain = None
        for name, code in _SPECIALS:
            cond = _contains(pl.col("key"), meta.types[name])
            chain = (pl.when(cond) if chain is None else chain.when(cond)).then(pl.lit(code))
        assert chain is not None
        special = special.select("i", ntype=chain.otherwise(pl.lit(_UNKNOWN)).cast(pl.Int32))
        frame = frame.with_columns(
            ntype=_scatter(
                frame.get_column("ntype"), special.get_column("i"), special.get_column("ntype")
            )
        )
    judged = pl.col("nsn").is_not_null()
    if lenient:
        valid = judged & pl.col("poss").is_in(_LENIENT_OK)
    else:
        valid = judged & pl.col("rid").is_not_null() & (pl.col("ntype") != _UNKNOWN)
    return _verdicts(frame, valid, meta, slow, lenient, full)


def _verdicts(
    frame: pl.DataFrame,
    valid: pl.Expr,
    meta: _Meta,
    slow: pl.DataFrame | None,
    lenient: bool,
    full: bool,
) -> pl.DataFrame:
    """The output columns of `judge_digits`, with the per-value rows put in."""
    frame = frame.with_columns(
        valid=pl.when(pl.col("x").is_not_null()).then(valid.fill_null(False))
    )
    ok = pl.col("valid").fill_null(False)
    e164 = pl.concat_str(pl.lit("+"), _lookup(_CC_TEXT, pl.col("cc")), pl.col("nsn"))
    if full:
        out = frame.select(
            "valid",
            reason=_lookup(
                _REASON_TEXT,
                pl.when(ok)
                .then(pl.lit(None, pl.Int64))
                .otherwise(
                    pl.coalesce(pl.col("early").cast(pl.Int64), pl.col("poss").cast(pl.Int64))
                ),
            ),
            e164=pl.when(ok).then(e164),
            region=pl.when(ok).then(_lookup(meta.region, pl.col("rid"))),
            number_type=pl.when(ok).then(_lookup(_TYPE_TEXT, pl.col("ntype"))),
        )
    else:
        # Hint candidates: few are valid, so E.164 is built for those only.
        nothing = pl.lit(None, pl.String)
        out = frame.select(
            "valid", reason=nothing, e164=nothing, region=nothing, number_type=nothing
        )
        hits = _rows(frame, ok, "i", "cc", "nsn").select("i", e164=e164)
        out = out.with_columns(
            e164=_scatter(out.get_column("e164"), hits.get_column("i"), hits.get_column("e164"))
        )
    if slow is not None and slow.height:
        ref = _per_value(slow.get_column("x"), lenient)
        index = slow.get_column("i")
        out = out.with_columns(
            _scatter(out.get_column(c), index, ref.get_column(c)).alias(c) for c in out.columns
        )
    return out


# --------------------------------------------------------------------------- column


@cache
def _python_whitespace() -> str:
    """The characters `str.strip()` removes (Python's isspace, not Rust's)."""
    return "".join(filter(str.isspace, map(chr, range(sys.maxunicode + 1))))


@cache
def _code_and_region_table() -> dict[str, str]:
    """`core.phones._code_and_region` as ``+code (REGION)`` text, by first 1-3 digits."""
    out = {}
    for size in (1, 2, 3):
        for i in range(10**size):
            digits = f"{i:0{size}d}"
            code, region = 0, None
            for k in (1, 2, 3):
                main = phonenumbers.region_code_for_country_code(int(digits[:k]))
                if main != "ZZ":
                    code = int(digits[:k])
                    region = None if main == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY else main
                    break
            out[digits] = f"+{code} ({region})" if region else f"+{code}"
    return out


def _fixes_and_digits(
    rows: pl.DataFrame, lenient: bool, hint_regions: Sequence[str]
) -> pl.DataFrame:
    """Every candidate of the problem rows judged in one `judge_digits` call.

    `rows` has i, x (digits or null), plus, bad. Adds valid (of x, for rows with bad
    characters), fix_region (the first hint region whose code + x is valid, for rows
    without +) and fix_e164 (every such fix, `missing_country_code_fix`'s text).
    """
    regions = [(name.upper(), country_code_of(name)) for name in hint_regions]
    regions = [(name, code) for name, code in regions if code]
    has_x = pl.col("x").is_not_null()
    parts = [rows.filter(has_x & pl.col("bad")).select("i", k=pl.lit(-1), cand="x")]
    for k, (_name, code) in enumerate(regions):
        parts.append(
            rows.filter(has_x & ~pl.col("plus")).select(
                "i", k=pl.lit(k), cand=pl.concat_str(pl.lit(str(code)), "x")
            )
        )
    candidates = pl.concat(parts)
    if candidates.height == 0:
        return rows.with_columns(
            valid=pl.lit(False),
            fix_region=pl.lit(None, pl.String),
            fix_e164=pl.lit(None, pl.String),
        )
    judged = pl.concat(
        [
            candidates,
            judge_digits(candidates.get_column("cand"), lenient=lenient, full=False).select(
                pl.col("valid").fill_null(False), "e164"
            ),
        ],
        how="horizontal",
    )
    digits_valid = judged.filter(pl.col("k") == -1).select("i", valid="valid")
    names = pl.Series([name for name, _ in regions], dtype=pl.String)
    k = pl.col("k")
    fixes = (
        judged.filter((k >= 0) & pl.col("valid"))
        .sort("i", "k")
        .with_columns(
            name=_lookup(names, k),
            first=pl.col("i").is_first_distinct(),
        )
        .group_by("i", maintain_order=True)
        .agg(
            fix_region=pl.col("name").first(),
            fix_e164=pl.when(pl.col("first"))
            .then(pl.col("e164"))
            .otherwise(pl.concat_str(pl.lit(", as a "), "name", pl.lit(" number "), "e164"))
            .str.join(""),
        )
    )
    return (
        rows.join(digits_valid, on="i", how="left", maintain_order="left")
        .join(fixes, on="i", how="left", maintain_order="left")
        .with_columns(pl.col("valid").fill_null(False))
    )


def hints_for(
    values: pl.Series,
    reasons: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
) -> pl.Series:
    """The hints of invalid values whose reasons are known (from `judge_column`).

    Gives what `judge_column` gives in its hint column, without judging the values
    again: only the candidate fixes are judged, all in one pass.
    """
    values = values.cast(pl.String).fill_null("")
    regions = tuple(hint_regions)
    return _in_slices(lambda v, r: _hints_for(v, r, lenient, regions), values, reasons)


def _hints_for(
    values: pl.Series, reasons: pl.Series, lenient: bool, hint_regions: tuple[str, ...]
) -> pl.Series:
    frame = pl.DataFrame({"v": values, "reason": reasons.cast(pl.String)}).with_row_index("i")
    if frame.height == 0:
        return _constant("hint", None, 0)
    v = pl.col("v")
    stripped = v.str.strip_chars(_python_whitespace())
    empty = pl.col("reason") == str(Reason.EMPTY)
    bad = pl.col("reason") == str(Reason.BAD_CHARACTERS)
    excel = bad & stripped.str.contains(_EXCEL_SCIENTIFIC)
    digits = v.str.replace_all("[^0-9]", "")
    rows = frame.filter(~empty & pl.col("reason").is_not_null()).select(
        "i",
        "reason",
        bad=bad,
        excel=excel,
        plus=pl.when(bad).then(stripped.str.starts_with("+")).otherwise(v.str.starts_with("+")),
        # Bad characters: the ASCII digits (none for spreadsheet numbers or when there
        # are none); well formed: the digits after the +.
        x=pl.when(~bad).then(v.str.strip_prefix("+")).when(~excel & (digits != "")).then(digits),
    )
    hints = _constant("hint", None, frame.height)
    if rows.height:
        rows = _fixes_and_digits(rows, lenient, hint_regions)
        hints = _scatter(hints, rows.get_column("i"), _hints(rows))
    empties = frame.filter(empty).get_column("i")
    return _scatter(hints, empties, _constant("", HINT_EMPTY, empties.len()))


# Columns at least this long are judged in slices on parallel threads: many of Polars'
# string kernels run one column on one core, and it releases the GIL while they run.
SLICE_ROWS = 100_000
_Out = TypeVar("_Out", pl.DataFrame, pl.Series)


def judge_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    with_hints: bool = True,
    types: bool = True,
) -> pl.DataFrame:
    """Verdicts for a column of values; see `core.phones.judge_column`.

    With `with_hints=False` the hint column is all null and its cost (judging candidate
    fixes of every problem row) is skipped: profiles need only verdicts. With
    `types=False` the number_type column is all null (see `judge_digits`).
    """
    values = values.cast(pl.String).fill_null("")
    regions = tuple(hint_regions)
    return _in_slices(lambda part: _judge_column(part, lenient, regions, with_hints, types), values)


def _in_slices(judge: Callable[..., _Out], *columns: pl.Series) -> _Out:
    """`judge(*columns)`, or, for long columns, the same over aligned slices judged on
    parallel threads and put back together in order."""
    n = columns[0].len()
    workers = min(os.cpu_count() or 1, 4, n // SLICE_ROWS)
    if workers < 2:
        return judge(*columns)
    from concurrent.futures import ThreadPoolExecutor

    size = -(-n // workers)
    slices = [[c.slice(start, size) for c in columns] for start in range(0, n, size)]
    with ThreadPoolExecutor(workers, thread_name_prefix="judge") as pool:
        parts = list(pool.map(lambda part: judge(*part), slices))
    return pl.concat(parts)  # type: ignore[no-any-return]


def _judge_column(
    values: pl.Series,
    lenient: bool,
    hint_regions: tuple[str, ...],
    with_hints: bool,
    types: bool = True,
) -> pl.DataFrame:
    v = pl.col("v")
    frame = pl.DataFrame({"v": values}).with_columns(wf=v.str.contains(_WELL_FORMED))
    wf = pl.col("wf")
    verdicts = judge_digits(
        frame.select(pl.when(wf).then(v.str.strip_prefix("+"))).to_series(),
        lenient=lenient,
        types=types,
    )
    valid = verdicts.get_column("valid").fill_null(False)
    reason = verdicts.get_column("reason")
    # Values that are not well formed (a few, usually): empty, or bad characters.
    others = _rows(frame.with_row_index("i"), ~wf, "i", "v").select(
        "i",
        reason=pl.when(v.str.strip_chars(_python_whitespace()) == "")
        .then(pl.lit(str(Reason.EMPTY)))
        .otherwise(pl.lit(str(Reason.BAD_CHARACTERS))),
    )
    reason = _scatter(reason, others.get_column("i"), others.get_column("reason"))
    if with_hints:
        problem = ~valid
        hint = _scatter(
            _constant("hint", None, frame.height),
            problem.arg_true(),
            hints_for(
                values.filter(problem),
                reason.filter(problem),
                lenient=lenient,
                hint_regions=hint_regions,
            ),
        )
    else:
        empties = (reason == str(Reason.EMPTY)).arg_true()
        hint = _scatter(
            _constant("hint", None, frame.height), empties, _constant("", HINT_EMPTY, empties.len())
        )
    return pl.DataFrame(
        {
            "valid": valid,
            "reason": reason,
            "hint": hint,
            "e164": verdicts.get_column("e164"),
            "region": verdicts.get_column("region"),
            "number_type": verdicts.get_column("number_type"),
        }
    )


def _hints(rows: pl.DataFrame) -> pl.Series:
    """Hints of problem rows: reason, x (digits), plus, excel, bad, valid (of x),
    fix_region and fix_e164 (see `_fixes_and_digits`)."""
    plus = pl.col("plus")
    # Which hint (an index into _HINT_PARTS), then the hint as one concatenation of
    # literal parts and the row's own words (region, E.164, "+code (REGION)", digits).
    has_fix = pl.col("fix_region").is_not_null()
    reason = pl.col("reason")
    digits = pl.col("x")
    valid = pl.col("valid")
    well_formed = (
        pl.when(has_fix)
        .then(0)
        .when(reason == str(Reason.INVALID_COUNTRY_CODE))
        .then(1)
        .when(reason == str(Reason.TOO_SHORT))
        .then(2)
        .when(reason == str(Reason.TOO_LONG))
        .then(3)
        .otherwise(4)
    )
    bad = (
        pl.when(pl.col("excel"))
        .then(5)
        .when(digits.is_null())
        .then(6)
        .when(plus & valid)
        .then(7)
        .when(plus)
        .then(8)
        .when(has_fix)
        .then(9)
        .when(valid)
        .then(10)
        .otherwise(8)
    )
    rows = rows.with_columns(
        __h=pl.when(pl.col("bad")).then(bad).otherwise(well_formed).cast(pl.Int64)
    )
    h = pl.col("__h")
    where = digits.str.slice(0, 3).replace_strict(
        _code_and_region_table(), default=None, return_dtype=pl.String
    )
    first = (
        pl.when(h.is_in([0, 9]))
        .then(pl.col("fix_region"))
        .when(h.is_in([2, 3, 4]))
        .then(where)
        .when(h.is_in([7, 10]))
        .then(digits)
    )
    second = pl.when(h.is_in([0, 9])).then(pl.col("fix_e164"))
    parts = [_lookup(column, h) for column in _HINT_PARTS]
    return rows.select(
        pl.concat_str([parts[0], first, parts[1], second, parts[2]], ignore_nulls=True)
    ).to_series()
