"""The metadata phonenumbers ships, as tables and large regexes for the vectorized path.

`core.phones.vector.judge_digits` gives, for a whole column at once, exactly the verdicts
`core.phones.reference.judge_digits` gives value by value. What `phonenumbers` 9.0 does
for one well-formed value ``+digits`` (parse, is_possible_number_with_reason, is_valid_number,
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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import polars as pl
from phonenumbers import PhoneMetadata, PhoneNumberType, ValidationResult
from phonenumbers import phonenumberutil as _pnu

# Limits of `phonenumbers.parse`.
MAX_INPUT = _pnu._MAX_INPUT_STRING_LENGTH  # 250: a longer string raises TOO_LONG
MIN_NSN = _pnu._MIN_LENGTH_FOR_NSN  # 2
MAX_NSN = _pnu._MAX_LENGTH_FOR_NSN  # 17
LEN_CAP = MAX_NSN + 1  # every possible and local-only length is <= 17: 18+ behave alike
LENS = LEN_CAP + 1  # table rows per calling code / region: lengths 0..18

# The special types in `_number_type_helper` order (they come before fixed line/mobile).
SPECIALS: tuple[tuple[str, int], ...] = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)
UNKNOWN = int(PhoneNumberType.UNKNOWN)
SPECIAL = -1  # placeholder type: one of SPECIALS, decided on those rows only
NOT_STRIPPED = [
    int(ValidationResult.TOO_SHORT),
    int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY),
    int(ValidationResult.INVALID_LENGTH),
]
LENIENT_OK = [int(ValidationResult.IS_POSSIBLE), int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY)]

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
        usable = sorted({n for n in lengths if 0 <= n <= MAX_NSN})
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
class Meta:
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
    return [int(_pnu._test_number_length("0" * n, md)) for n in range(LENS)]


def _general_pattern(main: PhoneMetadata) -> str | None:
    general = main.general_desc
    return None if general is None else general.national_number_pattern


def _supported_rule(main: PhoneMetadata) -> bool:
    """A transform rule `_strip_prefix_rows` can apply (group references and text)."""
    rule, npp = main.national_prefix_transform_rule, main.national_prefix_for_parsing
    if rule is None or npp is None:
        return False
    try:
        _template(rule)
    except ValueError:
        return False
    return re.compile(npp).groups >= 1


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
    general = _general_pattern(main)
    if general:
        out.append(("general", general if raw else f"^(?:{_ascii(general)})$"))
    for _rid, region, md in regions:
        for name in ("general_desc", "fixed_line", "mobile", *(s for s, _ in SPECIALS)):
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
    type_names = ("general", "specials", "fixed", "mobile", "any", *(s for s, _ in SPECIALS))
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
        general = _general_pattern(main)
        if general:
            gen0_alts.append((cc, f"{key}(?:{_ascii(general)})"))
        for rid, _region, md in regions:
            specials = [_keyed(getattr(md, name)) for name, _ in SPECIALS]
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
            for (name, _), keyed in zip(SPECIALS, specials, strict=True):
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
            ending: list[tuple[int, str, PhoneMetadata | None]] = [*regions, (-1, "", None)]
            for rid, _region, member in ending:
                if member is not None and member.leading_digits is not None:
                    pending.append((rid, member.leading_digits))
                    continue
                if pending:
                    steps.extend({} for _ in range(step + 1 - len(steps)))
                    steps[step][cc] = (2, len(runs))
                    runs.append((cc, list(pending)))
                    pending.clear()
                    step += 1
                if member is not None:
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
        run_alts: list[str] = []
        for j, (rid, ld) in enumerate(members):
            run_alts.append(f"(?:{_ascii(ld)})[0-9]*#{'x' * j}")
            run_rid[run * width + j] = rid
        leading_alts.append((cc, f"{run:03d}(?:{'|'.join(run_alts)})"))
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


def _build_meta(force_fallback: frozenset[int] = frozenset()) -> Meta:
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
        assert general is not None and max(general.possible_length) <= MAX_NSN
        local = general.possible_length_local_only
        assert not local or max(local) <= MAX_NSN
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
    lres: list[int | None] = [None] * (1000 * LENS)
    rid0: list[int | None] = [None] * 1000
    multi = [False] * 1000
    same: list[bool] = []
    region_of: list[str] = []
    for cc, regions in rids.items():
        cc_key[cc] = f"{cc:03d}"
        lres[cc * LENS : (cc + 1) * LENS] = _length_results(mains[cc])
        multi[cc] = len(regions) > 1
        if len(regions) == 1:
            rid0[cc] = regions[0][0]
        for _rid, region, md in regions:
            same.append(bool(md.same_mobile_and_fixed_line_pattern))
            region_of.append(region)
    return Meta(
        cc_of3=pl.Series(cc_of3, dtype=pl.Int32),
        cc_key=pl.Series(cc_key, dtype=pl.String),
        lres=pl.Series(lres, dtype=pl.Int8),
        rid0=pl.Series(rid0, dtype=pl.UInt32),
        multi=pl.Series(multi, dtype=pl.Boolean),
        rid_key=pl.Series(
            [f"{rid:03d}{n:02d}" for rid in range(n_rid) for n in range(LENS)], dtype=pl.String
        ),
        same=pl.Series(same, dtype=pl.Boolean),
        region=pl.Series(region_of, dtype=pl.String),
        fallback_ccs=fallback,
        fallback_patterns=failed,
        **built,  # type: ignore[arg-type]
    )


@cache
def meta_tables() -> Meta:
    return _build_meta()


def fallback_report() -> dict[str, object]:
    """Which metadata patterns Polars' regex engine refused (their codes go per value)."""
    meta = meta_tables()
    return {
        "patterns_failed": len(meta.fallback_patterns),
        "calling_codes_per_value": sorted(meta.fallback_ccs),
        "failed": list(meta.fallback_patterns),
    }


# --------------------------------------------------------------------------- helpers
