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

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from phonenumbers import PhoneMetadata, PhoneNumberType, ValidationResult
from phonenumbers import __version__ as _pn_version
from phonenumbers import phonenumberutil as _pnu

from core.phones import rules
from core.phones.reference import where

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


def _joined(alternatives: Sequence[str], end: bool) -> str:
    """``^(?:a|b|...)$`` (``$`` when `end`), without Unicode classes: the patterns hold
    ASCII digits only, and Rust compiles the large alternations about 1.5x faster so."""
    return "(?-u)^(?:" + "|".join(alternatives) + (")$" if end else ")")


def _chunk_ranges(
    alternatives: list[tuple[int, str]], end: bool, start: int = 0
) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """Ranges of `alternatives` whose joined regexes the engine accepts (one range unless
    it refuses the whole), and the alternatives it refuses even alone.

    A subset of a range compiles too (the engine's limits are on size), so the ranges
    found for every calling code serve any subset of them.
    """
    if not alternatives:
        return [], []
    if _compiles(_joined([a for _, a in alternatives], end)):
        return [(start, start + len(alternatives))], []
    if len(alternatives) == 1:
        return [], list(alternatives)
    half = len(alternatives) // 2
    first, bad_first = _chunk_ranges(alternatives[:half], end, start)
    second, bad_second = _chunk_ranges(alternatives[half:], end, start + half)
    return first + second, bad_first + bad_second


@dataclass(frozen=True, slots=True)
class _Transform:
    """A national prefix with a transform rule (AR, BR, JP, ...), matched with groups."""

    pattern: str  # ^(npp): group 1 is the whole match, the rule's groups are shifted by one
    inner_groups: int
    template: tuple[str | int, ...]  # literal text or (unshifted) group numbers


# The large regexes, by name: the types of `SPECIALS` and these, each (end anchored).
TYPE_NAMES = (
    "general",
    "specials",
    "fixed",
    "mobile",
    "fixed_or_mobile",
    *(s for s, _ in SPECIALS),
)
_REGEX_ENDS = {"npp": False, "gen0": True, "leading": False, **{t: True for t in TYPE_NAMES}}


@dataclass(frozen=True)
class _Alternatives:
    """One large regex as (calling code, alternative) pairs, with the ranges of pairs
    that compile as one regex (see `_chunk_ranges`)."""

    pairs: tuple[tuple[int, str], ...]
    ranges: tuple[tuple[int, int], ...]
    end: bool

    def chunks(self, codes: frozenset[int] | None) -> tuple[str, ...]:
        """The regexes over the alternatives of `codes` (None: every code)."""
        out = []
        for lo, hi in self.ranges:
            alts = [a for cc, a in self.pairs[lo:hi] if codes is None or cc in codes]
            if alts:
                out.append(_joined(alts, self.end))
        return tuple(out)


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
    transforms: dict[int, _Transform]
    segments: tuple[tuple[pl.Series, pl.Series], ...]  # per step: kind, value by cc
    run_key: pl.Series  # String[n_runs]
    run_rid: pl.Series  # UInt32[n_runs * run_width]: rid of alternative j of a run
    run_width: int
    fallback_ccs: frozenset[int]
    fallback_patterns: tuple[tuple[int, str, str], ...] = field(default=())
    whitespace: str = ""  # `rules.python_whitespace()`
    unicode_digits: dict[str, str] = field(default_factory=dict)  # `rules.unicode_digits()`
    where: dict[str, str] = field(default_factory=dict)  # `reference.where` by 1-3 digits
    # The large regexes (see `for_codes`): empty until chosen for the codes of a column.
    npp: tuple[str, ...] = ()  # keyed by cc_key, prefix match
    gen0: tuple[str, ...] = ()  # general pattern of the main region, keyed by cc_key
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # TYPE_NAMES
    leading: tuple[str, ...] = ()  # keyed by run_key; the match length tells the region
    alternatives: dict[str, _Alternatives] = field(default_factory=dict, repr=False)
    chosen_codes: frozenset[int] | None = None  # the codes of the large regexes
    _chosen: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def for_codes(self, codes: Iterable[int] | None = None) -> Meta:
        """This metadata with the large regexes of the calling codes `codes` (None:
        every code): compiling them costs about 1 ms per KB of pattern (0.1 s to 0.2 s
        for every code, on each thread that runs them), so a column pays for the codes
        it holds.

        Over a process the codes chosen grow in groups: a column with codes not chosen
        before adds a group of those (its own regexes) and keeps the regexes of the
        groups before it, which Polars has compiled and cached. Alternatives are keyed
        by code, so a row matches in its code's group only; a fifth group merges all.
        """
        with _CHOSEN_LOCK:
            if codes is None:
                if "all" in self._chosen:
                    return self._chosen["all"]
                groups: list[frozenset[int] | None] = [None]
                have: frozenset[int] | None = frozenset()
                new: frozenset[int] = frozenset()
            else:
                wanted = frozenset(codes)
                before = self._chosen.get("grown")
                have = frozenset() if before is None else before.chosen_codes
                if before is not None and (have is None or wanted <= have):
                    return before
                assert have is not None
                groups = list(self._chosen.get("groups", []))
                new = wanted - have
                groups = groups + [new] if len(groups) < 4 else [have | new]
            chunks: dict[str, tuple[str, ...]] = {name: () for name in _REGEX_ENDS}
            for group in groups:
                for name, alt in self.alternatives.items():
                    chunks[name] += alt.chunks(group)
            found = replace(
                self,
                npp=chunks["npp"],
                gen0=chunks["gen0"],
                leading=chunks["leading"],
                types={t: chunks[t] for t in TYPE_NAMES},
                chosen_codes=None if codes is None else (have or frozenset()) | new,
                _chosen={},
            )
            if codes is None:
                self._chosen["all"] = found
            else:
                self._chosen["grown"] = found
                self._chosen["groups"] = groups
            return found


_CHOSEN_LOCK = threading.Lock()


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
) -> tuple[dict[str, object], dict[str, list[tuple[int, str]]]]:
    """The tables of the keyed regexes, and their (calling code, alternative) pairs by
    regex name, for codes not in `fallback`."""
    npp_key: list[str | None] = [None] * 1000
    npp_pattern: list[str | None] = [None] * 1000
    npp_alts: list[tuple[int, str]] = []
    gen0_alts: list[tuple[int, str]] = []
    type_alts: dict[str, list[tuple[int, str]]] = {name: [] for name in TYPE_NAMES}
    transforms: dict[int, list[object]] = {}
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
                transforms[cc] = [f"^({_ascii(npp)})", groups, list(_template(rule))]
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
                # `_number_type_helper(...) != UNKNOWN`, given the general match, is
                # this or `specials` (see vector._typed): most numbers match this one.
                "fixed_or_mobile": [
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
    built: dict[str, object] = {
        "npp_key": npp_key,
        "npp_pattern": npp_pattern,
        "transforms": transforms,
        "segments": [
            [
                [step.get(cc, (0, 0))[0] for cc in range(1000)],
                [step.get(cc, (0, 0))[1] for cc in range(1000)],
            ]
            for step in steps
        ],
        "n_runs": len(runs),
        "run_rid": run_rid,
        "run_width": width,
    }
    alternatives = {"npp": npp_alts, "gen0": gen0_alts, "leading": leading_alts, **type_alts}
    return built, alternatives


def _build_pieces(force_fallback: frozenset[int] = frozenset()) -> dict[str, Any]:
    """Everything `Meta` holds, as JSON data, built from the metadata `phonenumbers`
    ships (about 0.3 s: every region's metadata is loaded and every regex compiled once).

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
        built, alternatives = _regexes(rids, mains, fallback)
        regexes: dict[str, Any] = {}
        refused: list[tuple[int, str]] = []
        for name, pairs in alternatives.items():
            ranges, bad = _chunk_ranges(pairs, _REGEX_ENDS[name])
            regexes[name] = {"pairs": pairs, "ranges": ranges}
            refused += bad
        if not refused:
            break
        fallback = fallback | {cc for cc, _ in refused}
    failed = sorted(odd) + [
        (cc, where, pattern)
        for cc in sorted(fallback - force_fallback)
        for where, pattern in _patterns_of(rids[cc], mains[cc])
        if not _compiles(pattern)
    ]
    # `_extract_country_code`: the shortest known prefix (none starts with 0).
    cc_of3: list[int | None] = [None] * 1000
    for i in range(100, 1000):
        text = f"{i:03d}"
        cc_of3[i] = next((int(text[:k]) for k in (1, 2, 3) if int(text[:k]) in by_code), None)
    lres: list[int | None] = [None] * (1000 * LENS)
    for cc in rids:
        lres[cc * LENS : (cc + 1) * LENS] = _length_results(mains[cc])
    return {
        **built,
        "codes": list(by_code),
        "regions": [
            [cc, region, bool(md.same_mobile_and_fixed_line_pattern)]
            for cc, regions in rids.items()
            for _rid, region, md in regions
        ],
        "cc_of3": cc_of3,
        "lres": lres,
        "fallback_ccs": sorted(fallback),
        "fallback_patterns": failed,
        "regexes": regexes,
        # Two scans of every code point (0.2 s), kept with the tables.
        "whitespace": rules.python_whitespace(),
        "unicode_digits": rules.unicode_digits(),
        # `reference.where` of every 1-3 digit start (it looks at three digits at most).
        "where": {
            f"{i:0{size}d}": where(f"{i:0{size}d}") for size in (1, 2, 3) for i in range(10**size)
        },
    }


def _meta(pieces: dict[str, Any]) -> Meta:
    """`Meta` from `_build_pieces` data (a few milliseconds)."""
    rid0: list[int | None] = [None] * 1000
    multi = [False] * 1000
    cc_key: list[str | None] = [None] * 1000
    regions = pieces["regions"]
    per_code: dict[int, list[int]] = {}
    for rid, (cc, _region, _same) in enumerate(regions):
        per_code.setdefault(cc, []).append(rid)
    for cc, rids in per_code.items():
        cc_key[cc] = f"{cc:03d}"
        multi[cc] = len(rids) > 1
        if len(rids) == 1:
            rid0[cc] = rids[0]
    n_rid = len(regions)
    return Meta(
        cc_of3=pl.Series(pieces["cc_of3"], dtype=pl.Int32),
        cc_key=pl.Series(cc_key, dtype=pl.String),
        npp_key=pl.Series(pieces["npp_key"], dtype=pl.String),
        npp_pattern=pl.Series(pieces["npp_pattern"], dtype=pl.String),
        lres=pl.Series(pieces["lres"], dtype=pl.Int8),
        rid0=pl.Series(rid0, dtype=pl.UInt32),
        multi=pl.Series(multi, dtype=pl.Boolean),
        rid_key=pl.Series(
            [f"{rid:03d}{n:02d}" for rid in range(n_rid) for n in range(LENS)], dtype=pl.String
        ),
        same=pl.Series([same for _, _, same in regions], dtype=pl.Boolean),
        region=pl.Series([region for _, region, _ in regions], dtype=pl.String),
        transforms={
            int(cc): _Transform(pattern, groups, tuple(template))
            for cc, (pattern, groups, template) in pieces["transforms"].items()
        },
        segments=tuple(
            (pl.Series(kinds, dtype=pl.Int8), pl.Series(values, dtype=pl.UInt32))
            for kinds, values in pieces["segments"]
        ),
        run_key=pl.Series([f"{run:03d}" for run in range(pieces["n_runs"])], dtype=pl.String),
        run_rid=pl.Series(pieces["run_rid"], dtype=pl.UInt32),
        run_width=pieces["run_width"],
        fallback_ccs=frozenset(pieces["fallback_ccs"]),
        fallback_patterns=tuple(tuple(p) for p in pieces["fallback_patterns"]),
        whitespace=pieces["whitespace"],
        unicode_digits=pieces["unicode_digits"],
        where=pieces["where"],
        alternatives={
            name: _Alternatives(
                tuple((cc, alt) for cc, alt in found["pairs"]),
                tuple((lo, hi) for lo, hi in found["ranges"]),
                _REGEX_ENDS[name],
            )
            for name, found in pieces["regexes"].items()
        },
    )


def _build_meta(force_fallback: frozenset[int] = frozenset()) -> Meta:
    """Tables and regexes built from the metadata `phonenumbers` ships (no cache)."""
    return _meta(json.loads(json.dumps(_build_pieces(force_fallback))))


# --------------------------------------------------------------------------- cache

# Bumped when the pieces' layout changes; the module's own source is in the key too, so
# an edited builder never reads tables an older one wrote.
CACHE_FORMAT = 1


def cache_folder() -> Path:
    """Where built tables are kept: $AUDIENCES_CACHE_DIR, else the user cache folder."""
    folder = os.environ.get("AUDIENCES_CACHE_DIR")
    if folder:
        return Path(folder)
    from platformdirs import user_cache_path

    return user_cache_path("audiences", appauthor=False)


def _cache_key() -> str:
    """The versions and sources the tables are built from: phonenumbers, the Unicode
    database, and the modules that build them (an edited builder never reads tables an
    older one wrote)."""
    here = Path(__file__).parent
    source = b"".join(
        (here / name).read_bytes() for name in ("metadata.py", "rules.py", "reference.py")
    )
    versions = f"{CACHE_FORMAT} {_pn_version} {unicodedata.unidata_version}"
    digest = hashlib.sha256(source + versions.encode()).hexdigest()
    return digest[:16]


def cache_file() -> Path:
    return cache_folder() / f"phone-metadata-{_pn_version}.json"


def _read_cache(path: Path, key: str) -> dict[str, Any] | None:
    """The pieces kept at `path`, or None when missing, unreadable or stale."""
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("key") != key:
        return None
    pieces = found.get("pieces")
    return pieces if isinstance(pieces, dict) else None


def _write_cache(path: Path, key: str, pieces: dict[str, Any]) -> None:
    """Write atomically (a temporary file renamed over the old one): a process starting
    at the same time reads the old file, the new one or none, never half of one. A
    folder that cannot be written only costs the next process the build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"key": key, "pieces": pieces}, out, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


def cached_pieces() -> tuple[dict[str, Any], bool]:
    """The pieces from the cache, or built and kept there; and whether they were built."""
    path, key = cache_file(), _cache_key()
    pieces = _read_cache(path, key)
    if pieces is not None:
        return pieces, False
    pieces = json.loads(json.dumps(_build_pieces()))  # as a reader of the file sees them
    _write_cache(path, key, pieces)
    return pieces, True


@cache
def meta_tables() -> Meta:
    """The metadata tables, from the user cache folder (built there on first use, and
    again when phonenumbers or this module changes)."""
    return _meta(cached_pieces()[0])


def fallback_report() -> dict[str, object]:
    """Which metadata patterns Polars' regex engine refused (their codes go per value)."""
    meta = meta_tables()
    return {
        "patterns_failed": len(meta.fallback_patterns),
        "calling_codes_per_value": sorted(meta.fallback_ccs),
        "failed": list(meta.fallback_patterns),
    }


# --------------------------------------------------------------------------- helpers
