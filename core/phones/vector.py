"""Whole-column phone verdicts with Polars: the same answers as `core.phones.reference`.

`judge_column` gives, for a whole column at once, exactly what `reference.judge` gives
value by value: verdicts by rebuilding libphonenumber's checks from its metadata
(`core.phones.metadata`), and for problem values the hint and the fix of the rulebook
(`core.phones.rules`), whose patterns, readings and hint rules are compiled here into
Polars expressions. Every row is judged where it is (no deduplication, no joins): rare
paths (national prefixes, shared calling codes, special number types, explanations)
work on the rows that need them and are scattered back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

import polars as pl
from phonenumbers import NumberParseException, PhoneNumberType

from core.phones import rules
from core.phones.metadata import (
    LEN_CAP,
    LENIENT_OK,
    LENS,
    MAX_INPUT,
    MAX_NSN,
    MIN_NSN,
    NOT_STRIPPED,
    SPECIAL,
    SPECIALS,
    UNKNOWN,
    Meta,
    meta_tables,
)
from core.phones.reference import (
    PARSE_REASON,
    POSSIBILITY_REASON,
    TYPE_NAMES,
    country_code_of,
)
from core.phones.reference import judge_digits as judge_digits_reference
from core.phones.rules import Reason


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


def first_of(cases: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """``when(c1).then(v1).when(c2).then(v2)...otherwise(...)``: the first case that holds."""
    chain: Any = pl
    for condition, value in cases:
        chain = chain.when(condition).then(value)
    return otherwise if chain is pl else chain.otherwise(otherwise)


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
    [str(POSSIBILITY_REASON[k]) if k in POSSIBILITY_REASON else None for k in range(10)]
    + [str(PARSE_REASON[e]) for e in _EARLY],
    dtype=pl.String,
)
_TYPE_TEXT = pl.Series([TYPE_NAMES.get(k, "unknown") for k in range(UNKNOWN + 1)], dtype=pl.String)
_CC_TEXT = pl.Series([str(k) for k in range(1000)], dtype=pl.String)


# --------------------------------------------------------------------------- digits


def _strip_prefix_rows(sub: pl.DataFrame, meta: Meta) -> pl.DataFrame:
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
    cand_len = pl.min_horizontal(pl.col("cand").str.len_bytes(), pl.lit(LEN_CAP)).cast(pl.Int64)
    result = _lookup(meta.lres, pl.col("cc").cast(pl.Int64) * LENS + cand_len)
    return sub.select(
        "i", nsn=pl.when(result.is_in(NOT_STRIPPED)).then(rest).otherwise(pl.col("cand"))
    )


def _typed(frame: pl.DataFrame, key: str, meta: Meta) -> pl.Series:
    """`_number_type_helper(...) != UNKNOWN` of each row's `key` (a region's key and a
    national number; null: False): the region's general pattern, and its fixed-line or
    mobile pattern or else one of its special types'.

    The special types (toll free, premium rate, ...) are a third of the patterns' size
    and few numbers are one: they are compiled only for the calling codes (`cc`) of the
    rows that match the general pattern and neither fixed line nor mobile (41 rows of 16
    codes in a 10,000-row file of every region), not for every code of the column.
    """
    k = pl.col(key)
    flags = frame.select(
        general=_contains(k, meta.types["general"]),
        usual=_contains(k, meta.types["fixed_or_mobile"]),
    )
    typed = flags.get_column("general") & flags.get_column("usual")
    rest = frame.with_row_index("__i").filter(
        flags.get_column("general") & ~flags.get_column("usual")
    )
    if rest.height == 0:
        return typed
    codes = frozenset(rest.get_column("cc").unique().drop_nulls().to_list())
    special = rest.select(_contains(k, meta.alternatives["specials"].chunks(codes)))
    return _scatter(typed, rest.get_column("__i"), special.to_series())


def _choose_regions(sub: pl.DataFrame, meta: Meta) -> pl.DataFrame:
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
        index = pl.when(kind_valid).then(pl.col("__v").cast(pl.Int64) * LENS + pl.col("nlen"))
        sub = sub.with_columns(__key=pl.concat_str(_lookup(meta.rid_key, index), nsn))
        sub = sub.with_columns(__ok=_typed(sub, "__key", meta)).drop("__key")
        columns: list[pl.Expr] = [pl.when(pl.col("__ok")).then(pl.col("__v"))]
        if meta.leading and (sub.get_column("__k") == 2).any():
            run = pl.when(pl.col("__k") == 2).then(pl.col("__v").cast(pl.Int64))
            lkey = pl.concat_str(
                _lookup(meta.run_key, run), nsn, pl.lit("#" + "x" * meta.run_width)
            )
            j = _extract0(lkey, meta.leading).str.len_bytes().cast(pl.Int64) - pl.col("nlen") - 4
            columns.append(_lookup(meta.run_rid, run * meta.run_width + j))
        sub = sub.with_columns(__rid=pl.coalesce(columns))
        found.append(sub.filter(pl.col("__rid").is_not_null()).select("i", rid="__rid"))
        sub = sub.filter(pl.col("__rid").is_null()).drop("__k", "__v", "__rid", "__ok")
    if not found:
        return pl.DataFrame(schema={"i": pl.UInt32, "rid": pl.UInt32})
    return pl.concat(found)


def _per_value(digits: pl.Series, lenient: bool) -> pl.DataFrame:
    """The reference `judge_digits`, for calling codes whose patterns Rust refuses."""
    rows = []
    for value in digits.to_list():
        v = judge_digits_reference(value, lenient)
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
    """`core.phones.reference.judge_digits` for a column of ASCII-digit strings, row by row.

    Columns valid, reason, e164, region, number_type, aligned with the input; null
    inputs give null rows. Without `full` only valid and e164 are filled (hints need
    no more), which spares the number type. Without `types` every column but
    number_type is filled: validity then takes two regex passes instead of four.
    """
    if digits.null_count() == digits.len():
        # Nothing to judge (a column with no well-formed value: notes, names).
        nothing = pl.repeat(None, digits.len(), dtype=pl.String, eager=True)
        return pl.DataFrame(
            {
                "valid": nothing.cast(pl.Boolean),
                "reason": nothing,
                "e164": nothing,
                "region": nothing,
                "number_type": nothing,
            }
        )
    meta = meta_tables()
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
        .when(pl.col("n") + 1 > MAX_INPUT)
        .then(pl.lit(_EARLY_TOO_LONG, pl.Int8))
        .when(pl.col("n") <= MIN_NSN)
        .then(pl.lit(_EARLY_NOT_A_NUMBER, pl.Int8))
        .when(pl.col("cc").is_null())
        .then(pl.lit(_EARLY_BAD_CODE, pl.Int8))
        .when(pl.col("n") - pl.col("cclen") < MIN_NSN)
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
    # The large regexes of the calling codes present (compiling every code's costs more
    # than judging 100,000 values).
    codes = frame.get_column("cc").filter(frame.get_column("rest").is_not_null()).unique()
    meta = meta.for_codes(codes.to_list())
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
    too_long = pl.col("nlen") > MAX_NSN
    frame = frame.with_columns(
        early=pl.when(too_long).then(pl.lit(_EARLY_TOO_LONG, pl.Int8)).otherwise(pl.col("early")),
        nsn=pl.when(~too_long).then(pl.col("nsn")),
    ).with_columns(
        poss=_lookup(
            meta.lres,
            pl.when(pl.col("nsn").is_not_null()).then(
                pl.col("cc").cast(pl.Int64) * LENS + pl.col("nlen")
            ),
        ),
        rid=pl.when(pl.col("nsn").is_not_null()).then(_lookup(meta.rid0, pl.col("cc"))),
    )
    if not full and lenient:
        # Possible lengths decide; no region or type is needed.
        return _verdicts(
            frame,
            pl.col("nsn").is_not_null() & pl.col("poss").is_in(LENIENT_OK),
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
        _lookup(meta.rid_key, pl.col("rid").cast(pl.Int64) * LENS + pl.col("nlen")),
        pl.col("nsn"),
    )
    frame = frame.with_columns(key=key)
    if full and not types:
        # The verdict without the type: a check or a profile never shows it, and members
        # get theirs when they are written (at most 10,000 of them).
        frame = frame.with_columns(ntype=pl.lit(None, pl.Int32))
        judged = pl.col("nsn").is_not_null()
        if lenient:
            valid = judged & pl.col("poss").is_in(LENIENT_OK)
        else:
            typed = _typed(frame, "key", meta)
            valid = judged & pl.col("rid").is_not_null() & pl.lit(typed)
        return _verdicts(frame, valid, meta, slow, lenient, full)
    if not full:
        # `is_valid_number`: the general description and any type of the region.
        return _verdicts(frame, pl.lit(_typed(frame, "key", meta)), meta, slow, lenient, full)
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
        .otherwise(pl.lit(UNKNOWN))
    )
    frame = frame.with_columns(
        ntype=pl.when(~pl.col("g"))
        .then(pl.lit(UNKNOWN))
        .when(pl.col("s"))
        .then(pl.lit(SPECIAL))
        .otherwise(fixed_or_mobile)
        .cast(pl.Int32)
    )
    special = _rows(frame, pl.col("ntype") == SPECIAL, "i", "key")
    if special.height:
        chain = first_of(
            [(_contains(pl.col("key"), meta.types[name]), pl.lit(code)) for name, code in SPECIALS],
            pl.lit(UNKNOWN),
        )
        special = special.select("i", ntype=chain.cast(pl.Int32))
        frame = frame.with_columns(
            ntype=_scatter(
                frame.get_column("ntype"), special.get_column("i"), special.get_column("ntype")
            )
        )
    judged = pl.col("nsn").is_not_null()
    if lenient:
        valid = judged & pl.col("poss").is_in(LENIENT_OK)
    else:
        valid = judged & pl.col("rid").is_not_null() & (pl.col("ntype") != UNKNOWN)
    return _verdicts(frame, valid, meta, slow, lenient, full)


def _verdicts(
    frame: pl.DataFrame,
    valid: pl.Expr,
    meta: Meta,
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


# --------------------------------------------------------------------------- rulebook


def _whole(pattern: str) -> str:
    """A `rules` whole-value pattern for Polars (see the note on patterns there)."""
    return f"^(?s:{pattern})$"


_WELL_FORMED = _whole(rules.WELL_FORMED)
_EXCEL_SCIENTIFIC = _whole(rules.EXCEL_SCIENTIFIC)
_EXCEL_DECIMAL = _whole(rules.EXCEL_DECIMAL)
_WRAPPERS = tuple(_whole(p) for p in rules.WRAPPERS)


@cache
def _unicode_digits() -> tuple[list[str], list[str]]:
    table = meta_tables().unicode_digits  # `rules.unicode_digits()`, kept in the cache
    return list(table), list(table.values())


def _whitespace() -> str:
    return meta_tables().whitespace  # `rules.python_whitespace()`, kept in the cache


def _where_table() -> dict[str, str]:
    """`reference.where` of every 1-3 digit start (built once, kept in the cache)."""
    return meta_tables().where


def _normalised(frame: pl.DataFrame) -> pl.DataFrame:
    """`reference.normalise` of column v: adds candidate, unicode, excel_float, digits."""
    v = pl.col("v")
    text = v.str.strip_chars(_whitespace())
    frame = frame.with_columns(text=text)
    if frame.select(pl.col("text").str.contains(rules.NON_ASCII).any()).item():
        keys, values = _unicode_digits()
        frame = frame.with_columns(
            tr=pl.when(pl.col("text").str.contains(rules.NON_ASCII))
            .then(pl.col("text").str.replace_many(keys, values))
            .otherwise(pl.col("text"))
        )
    else:
        frame = frame.with_columns(tr=pl.col("text"))
    decimal = pl.col("tr").str.extract(_EXCEL_DECIMAL, 1)
    frame = frame.with_columns(
        unicode=pl.col("tr") != pl.col("text"),
        excel_float=decimal.is_not_null(),
        digits=pl.col("tr").str.contains("[0-9]"),
        t=pl.coalesce(decimal, pl.col("tr")),
    )
    for wrapper in _WRAPPERS:
        frame = frame.with_columns(t=pl.coalesce(pl.col("t").str.extract(wrapper, 1), "t"))
    cleaned = pl.col("t").str.replace_all(rules.SYMBOLS, "")
    return frame.with_columns(
        candidate=pl.when(cleaned.str.contains(_WELL_FORMED)).then(cleaned)
    ).drop("text", "tr", "t")


# Reading codes in the long frame of candidates: rules.READINGS by position, the digits
# as typed when only the hint may mention them (no + and no fix region), then the other
# hint regions from _OTHERS on.
_TYPED_ONLY = 9
_OTHERS = 10
# The reasons `judge_digits` gives a well-formed value (its digits as typed).
_DIGIT_REASONS = [
    str(r)
    for r in (
        Reason.INVALID_COUNTRY_CODE,
        Reason.TOO_SHORT,
        Reason.TOO_LONG,
        Reason.INVALID_NUMBER,
    )
]
_NATIONAL = rules.READINGS.index(rules.NATIONAL)


def _candidates(
    rows: pl.DataFrame, hint_regions: Sequence[str], fix_region: str | None
) -> tuple[pl.DataFrame, list[str]]:
    """(i, k, cand) for every reading of the rows' candidates, and the other regions."""
    cand = pl.col("candidate")
    plus = cand.str.starts_with("+")
    digits = cand.str.strip_prefix("+")
    # A value refused for its digits was well formed and judged as typed: its typed
    # reading is that same verdict (invalid), so it is not judged again (most invalid
    # rows of a large file are such values).
    judged = pl.col("reason").is_in(_DIGIT_REASONS).fill_null(False)
    rows = rows.filter(cand.is_not_null()).select("i", judged=judged, plus=plus, d=digits)
    d, plus = pl.col("d"), pl.col("plus")
    typed, international, national = (
        rules.READINGS.index(r) for r in (rules.TYPED, rules.INTERNATIONAL, rules.NATIONAL)
    )
    typed_code = pl.lit(typed) if fix_region else pl.when(plus).then(typed).otherwise(_TYPED_ONLY)
    parts = [
        rows.filter(~pl.col("judged")).select("i", k=typed_code, cand=d),
        rows.select("i", k=pl.lit(international), cand=_first_prefix(d, plus, fix_region)).filter(
            pl.col("cand").is_not_null() & (pl.col("cand") != "")
        ),
    ]
    if fix_region:
        code = country_code_of(fix_region)
        parts.append(
            rows.filter(~plus).select(
                "i", k=pl.lit(national), cand=pl.concat_str(pl.lit(str(code)), d)
            )
        )
    others: list[str] = []
    skip = (fix_region or "").upper()
    for region in hint_regions:
        region = region.upper()
        code = country_code_of(region)
        if not code or region == skip or region in others:
            continue
        parts.append(
            rows.filter(~plus).select(
                "i", k=pl.lit(_OTHERS + len(others)), cand=pl.concat_str(pl.lit(str(code)), d)
            )
        )
        others.append(region)
    frame = pl.concat([part.cast({"k": pl.Int32}) for part in parts])
    return frame, others


def _first_prefix(digits: pl.Expr, plus: pl.Expr, fix_region: str | None) -> pl.Expr:
    """The digits after the first international prefix they start with (null: none)."""
    cases = []
    code = country_code_of(fix_region) if fix_region else None
    for prefix in rules.international_prefixes(code):
        allowed = digits.str.starts_with(prefix)
        if prefix != "00":
            allowed = allowed & ~plus
        cases.append((allowed, digits.str.slice(len(prefix))))
    return first_of(cases, pl.lit(None, pl.String))


_READING_KIND = pl.Series([r.kind.value for r in rules.READINGS], dtype=pl.String)


def _readings(
    rows: pl.DataFrame,
    lenient: bool,
    hint_regions: Sequence[str],
    fix_region: str | None,
    words: bool = True,
) -> pl.DataFrame:
    """For rows with a candidate: fix, fix_kind, ambiguous, others and the worded
    readings (`reference.explain`), every reading judged in one `judge_digits` call.

    Without `words` only fix and fix_kind are right: the readings that only a hint
    names (the digits as typed without a fix region, other regions' codes) are not
    judged."""
    empty = pl.DataFrame(
        schema={
            "i": pl.UInt32,
            "fix": pl.String,
            "fix_kind": pl.String,
            "ambiguous": pl.Boolean,
            "others": pl.Boolean,
            "readings": pl.String,
            "alternative": pl.String,
            "typed": pl.Boolean,
            "typed_e164": pl.String,
        }
    )
    candidates, others = _candidates(rows, hint_regions if words else (), fix_region)
    if not words:
        candidates = candidates.filter(pl.col("k") != _TYPED_ONLY)
    if candidates.height == 0:
        return empty
    judged = pl.concat(
        [
            candidates,
            judge_digits(candidates.get_column("cand"), lenient=lenient, types=False).select(
                pl.col("valid").fill_null(False), "e164", "region"
            ),
        ],
        how="horizontal",
    ).filter("valid")
    k = pl.col("k")
    found = (
        judged.filter(k < _TYPED_ONLY)
        .sort("i", "k")
        .filter(pl.struct("i", "e164").is_first_distinct())
        .group_by("i", maintain_order=True)
        .agg(
            n=pl.len(),
            e164=pl.col("e164").first(),
            k0=pl.col("k").first().cast(pl.Int64),
            national=pl.col("e164").filter(pl.col("k") == _NATIONAL).first(),
            worded=_fill(
                rules.AMBIGUOUS_READING,
                {"e164": pl.col("e164"), "region": pl.col("region").fill_null("no region")},
            ).str.join(rules.AMBIGUOUS_JOIN),
        )
    )
    names = pl.Series(others, dtype=pl.String)
    elsewhere = (
        judged.filter(k >= _OTHERS)
        .sort("i", "k")
        .group_by("i", maintain_order=True)
        .agg(
            other=_fill(
                rules.MISSING_CODE_READING,
                {
                    "region": _lookup(names, (pl.col("k") - _OTHERS).cast(pl.Int64)),
                    "e164": pl.col("e164"),
                },
            ).str.join(rules.MISSING_CODE_JOIN)
        )
    )
    typed_only = judged.filter(k == _TYPED_ONLY).select("i", typed_e164="e164")
    one = pl.col("n") == 1
    kind = first_of(
        [(pl.col(flag), pl.lit(override.value)) for flag, override in rules.FIX_KIND_OVERRIDES],
        pl.col("kind"),
    )
    out = (
        rows.filter(pl.col("candidate").is_not_null())
        .select("i", "candidate", "unicode", "excel_float")
        .join(found, on="i", how="left")
        .join(elsewhere, on="i", how="left")
        .join(typed_only, on="i", how="left")
        .with_columns(n=pl.col("n").fill_null(0), kind=_lookup(_READING_KIND, pl.col("k0")))
    )
    none = pl.col("n") == 0
    return out.select(
        "i",
        fix=pl.when(one).then("e164"),
        fix_kind=pl.when(one).then(kind),
        ambiguous=pl.col("n") >= 2,
        # Other regions' codes are offered only when no reading is valid at all.
        others=~pl.col("candidate").str.starts_with("+") & none & pl.col("other").is_not_null(),
        readings=pl.when(pl.col("n") >= 2).then("worded").when(none).then("other"),
        alternative=pl.when(pl.col("n") >= 2).then("national"),
        typed=none & pl.col("typed_e164").is_not_null(),
        typed_e164=pl.when(none).then("typed_e164"),
    )


def _rule(conditions: rules.Conditions) -> pl.Expr:
    """A hint rule's conditions as one boolean (a missing fact never holds)."""
    held = [(pl.col(name) == pl.lit(value)).fill_null(False) for name, value in conditions.items()]
    return pl.all_horizontal(held) if held else pl.lit(True)


def _fill(template: str, fields: dict[str, pl.Expr]) -> pl.Expr:
    """A `rules` template with its fields filled (see `rules.template_parts`)."""
    parts = rules.template_parts(template)
    return pl.concat_str(
        [pl.lit(text) if i % 2 == 0 else fields[text] for i, text in enumerate(parts)]
    )


def explain(
    values: pl.Series,
    reasons: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
) -> pl.DataFrame:
    """hint, fix, fix_kind and alternative (the national reading, when it is one of two)
    of invalid values whose reasons are known (from
    `judge_column`): `reference.explain` for a whole column, without judging the values
    again (only their readings are judged, all in one pass)."""
    return _explained(values, reasons, lenient, tuple(hint_regions), fix_region, True)


def fixes(
    values: pl.Series, reasons: pl.Series, *, lenient: bool = False, fix_region: str | None = None
) -> pl.DataFrame:
    """fix and fix_kind of invalid values whose reasons are known: `explain`'s, for a
    count of fixes. No hint is worded, so the readings only a hint names are not judged
    (a million-row file's count costs a third of its explanations)."""
    values = values.cast(pl.String).fill_null("")
    reasons = reasons.cast(pl.String)
    # A value refused for its digits can be fixed only by reading an international
    # prefix, or as a national number of the fix region: the others (most invalid rows
    # of an export) are not explained at all.
    digits = values.str.strip_prefix("+")
    code = country_code_of(fix_region) if fix_region else None
    readable = pl.repeat(fix_region is not None, values.len(), eager=True) & ~(
        values.str.starts_with("+")
    )
    for prefix in rules.international_prefixes(code):
        readable = readable | digits.str.starts_with(prefix)
    wanted = (~reasons.is_in(_DIGIT_REASONS) | readable).fill_null(True)
    if wanted.all():
        return _explained(values, reasons, lenient, (), fix_region, False)
    index = wanted.arg_true()
    found = _explained(values.gather(index), reasons.gather(index), lenient, (), fix_region, False)
    return pl.DataFrame(
        {
            name: _scatter(_constant(name, None, values.len()), index, found.get_column(name))
            for name in ("fix", "fix_kind")
        }
    )


def _explained(
    values: pl.Series,
    reasons: pl.Series,
    lenient: bool,
    regions: tuple[str, ...],
    fix_region: str | None,
    words: bool,
) -> pl.DataFrame:
    frame = pl.DataFrame({"v": values, "r": reasons.cast(pl.String)})
    # An explanation depends on the value and its reason only: a value that repeats
    # (invalid exports repeat the same broken cells) is explained once.
    distinct = frame.unique(maintain_order=True) if frame.height > DISTINCT_ROWS else frame
    if distinct.height * 5 > frame.height * 4:
        distinct = frame  # under a fifth repeats: the join would cost more than it saves
    explained = _in_slices(
        lambda v, r: _explain(v, r, lenient, regions, fix_region, words),
        distinct.get_column("v"),
        distinct.get_column("r"),
    )
    if distinct.height == frame.height:
        return explained
    return frame.join(
        distinct.hstack(explained),
        on=["v", "r"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    ).select(explained.columns)


DISTINCT_ROWS = 1_000  # longer columns are explained once per distinct (value, reason)


_EXPLAINED = {
    "hint": pl.String,
    "fix": pl.String,
    "fix_kind": pl.String,
    "alternative": pl.String,
}


def _explain(
    values: pl.Series,
    reasons: pl.Series,
    lenient: bool,
    hint_regions: tuple[str, ...],
    fix_region: str | None,
    words: bool = True,
) -> pl.DataFrame:
    frame = pl.DataFrame({"v": values, "reason": reasons.cast(pl.String)}).with_row_index("i")
    if frame.height == 0:
        schema = _EXPLAINED if words else {"fix": pl.String, "fix_kind": pl.String}
        return pl.DataFrame(schema=schema)
    reason = pl.col("reason")
    plain = reason.is_in([Reason.EMPTY.value, Reason.EXCEL_DAMAGED.value]) | reason.is_null()
    # A value refused for its digits was well formed: it normalises to itself.
    judged = reason.is_in(_DIGIT_REASONS)
    rows = pl.concat(
        [
            _normalised(frame.filter(~plain & ~judged)),
            frame.filter(judged).with_columns(
                unicode=pl.lit(False),
                excel_float=pl.lit(False),
                digits=pl.lit(True),
                candidate=pl.col("v"),
            ),
        ]
    )
    facts = frame.join(
        rows.select("i", "candidate", "digits").join(
            _readings(rows, lenient, hint_regions, fix_region, words), on="i", how="left"
        ),
        on="i",
        how="left",
    ).with_columns(candidate=pl.col("candidate").is_not_null() & ~plain)
    if not words:
        return facts.select("fix", "fix_kind")
    bad = reason == Reason.BAD_CHARACTERS.value
    facts = facts.with_columns(
        several=pl.when(bad).then(pl.col("v").str.contains(rules.SEVERAL_NUMBERS)),
        extension=pl.when(bad).then(pl.col("v").str.contains(rules.EXTENSION)),
    )
    kind = first_of(
        [(_rule(conditions), pl.lit(kind.value)) for kind, conditions in rules.HINT_RULES],
        pl.lit(None, pl.String),
    )
    facts = facts.with_columns(kind=kind)
    digits = pl.col("v").str.strip_prefix("+")
    fields = {
        "fix": pl.col("fix"),
        "region": pl.lit((fix_region or "").upper()),
        "where": digits.str.slice(0, 3).replace_strict(
            _where_table(), default=None, return_dtype=pl.String
        ),
        "readings": pl.col("readings"),
        "typed": pl.col("typed_e164"),
    }
    hint = first_of(
        [
            (pl.col("kind") == kind.value, _fill(rules.HINT_TEMPLATES[kind], fields))
            for kind in rules.HintKind
        ],
        pl.lit(None, pl.String),
    )
    return facts.select(hint=hint, fix="fix", fix_kind="fix_kind", alternative="alternative")


# --------------------------------------------------------------------------- column

# Columns at least this long are judged in slices on parallel threads: many of Polars'
# string kernels run one column on one core, and it releases the GIL while they run.
SLICE_ROWS = 100_000
_Out = TypeVar("_Out", pl.DataFrame, pl.Series)


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
    return pl.concat(parts)


def judge_column(
    values: pl.Series,
    *,
    lenient: bool = False,
    hint_regions: Sequence[str] = (),
    fix_region: str | None = None,
    with_hints: bool = True,
    types: bool = True,
) -> pl.DataFrame:
    """Verdicts for a column of values, one row per value, in the same order.

    Columns `reference.VERDICT_COLUMNS`: valid, reason, hint, e164, region,
    number_type, fix, fix_kind, alternative. Without `with_hints` the explanations
    (hint, fix, fix_kind) are left null, and with them their cost (judging the readings
    of every problem row): profiles need only verdicts. Without `types` number_type is
    null (validity then takes two regex passes instead of four). `alternative` (an
    ambiguous country) is judged when a `fix_region` is given.
    """
    values = values.cast(pl.String).fill_null("")
    regions = tuple(hint_regions)
    return _in_slices(
        lambda part: _judge_column(part, lenient, regions, fix_region, with_hints, types),
        values,
    )


def _judge_column(
    values: pl.Series,
    lenient: bool,
    hint_regions: tuple[str, ...],
    fix_region: str | None,
    with_hints: bool,
    types: bool,
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
    # Values that are not well formed (a few, usually): empty, spreadsheet-damaged, or
    # with bad characters.
    stripped = v.str.strip_chars(_whitespace())
    others = _rows(frame.with_row_index("i"), ~wf, "i", "v").select(
        "i",
        reason=pl.when(stripped == "")
        .then(pl.lit(Reason.EMPTY.value))
        .when(stripped.str.contains(_EXCEL_SCIENTIFIC))
        .then(pl.lit(Reason.EXCEL_DAMAGED.value))
        .otherwise(pl.lit(Reason.BAD_CHARACTERS.value)),
    )
    reason = _scatter(reason, others.get_column("i"), others.get_column("reason"))
    n = frame.height
    hint = _constant("hint", None, n)
    fix = _constant("fix", None, n)
    fix_kind = _constant("fix_kind", None, n)
    alternative = _constant("alternative", None, n)
    if with_hints:
        problem = (~valid).arg_true()
        if problem.len():
            explained = _explain(
                values.gather(problem), reason.gather(problem), lenient, hint_regions, fix_region
            )
            hint = _scatter(hint, problem, explained.get_column("hint"))
            fix = _scatter(fix, problem, explained.get_column("fix"))
            fix_kind = _scatter(fix_kind, problem, explained.get_column("fix_kind"))
            alternative = _scatter(alternative, problem, explained.get_column("alternative"))
    if fix_region:
        ambiguous = _alternatives(
            frame.with_columns(valid=valid, e164=verdicts.get_column("e164")).with_row_index("i"),
            fix_region,
            lenient,
        )
        if ambiguous.height:
            index = ambiguous.get_column("i")
            alternative = _scatter(alternative, index, ambiguous.get_column("alternative"))
            if with_hints:
                regions = verdicts.get_column("region").gather(index)
                warned = ambiguous.with_columns(region=regions).select(_warning(fix_region))
                hint = _scatter(hint, index, warned.to_series())
    return pl.DataFrame(
        {
            "valid": valid,
            "reason": reason,
            "hint": hint,
            "e164": verdicts.get_column("e164"),
            "region": verdicts.get_column("region"),
            "number_type": verdicts.get_column("number_type"),
            "fix": fix,
            "fix_kind": fix_kind,
            "alternative": alternative,
        }
    )


def _alternatives(frame: pl.DataFrame, fix_region: str, lenient: bool) -> pl.DataFrame:
    """i, e164, alternative of valid values without + that read as another valid number
    when their digits are a national number of `fix_region` (`reference.national_alternative`)."""
    code = country_code_of(fix_region)
    rows = _rows(frame, pl.col("valid") & ~pl.col("v").str.starts_with("+"), "i", "v", "e164")
    if rows.height == 0 or not code:
        return pl.DataFrame(schema={"i": pl.UInt32, "e164": pl.String, "alternative": pl.String})
    national = judge_digits(
        rows.select(pl.concat_str(pl.lit(str(code)), "v")).to_series(),
        lenient=lenient,
        full=False,
    )
    return (
        rows.with_columns(ok=national.get_column("valid"), alt=national.get_column("e164"))
        .filter(pl.col("ok").fill_null(False) & (pl.col("alt") != pl.col("e164")))
        .select("i", "e164", alternative="alt")
    )


def alternatives(
    values: pl.Series,
    valid: pl.Series,
    e164: pl.Series,
    *,
    fix_region: str,
    lenient: bool = False,
) -> pl.Series:
    """The `alternative` column of `judge_column` for verdicts made without a fix region
    (a profile's): the other valid number each valid value without + reads as."""
    frame = pl.DataFrame(
        {"v": values.cast(pl.String).fill_null(""), "valid": valid, "e164": e164}
    ).with_row_index("i")
    found = _alternatives(frame, fix_region, lenient)
    out = _constant("alternative", None, frame.height)
    return _scatter(out, found.get_column("i"), found.get_column("alternative"))


def warning_hints(
    e164: pl.Series, regions: pl.Series, alternative: pl.Series, *, fix_region: str
) -> pl.Series:
    """The hint of each ambiguous valid value (`rules.AMBIGUOUS_WARNING`)."""
    frame = pl.DataFrame({"e164": e164, "region": regions, "alternative": alternative})
    return frame.select(_warning(fix_region).alias("hint")).to_series()


def _warning(fix_region: str) -> pl.Expr:
    return _fill(
        rules.AMBIGUOUS_WARNING,
        {
            "typed": pl.col("e164"),
            "typed_region": pl.col("region").fill_null("no region"),
            "national": pl.col("alternative"),
            "region": pl.lit(fix_region.upper()),
        },
    )


# Dates and times, which normalise to 8 or more digits too.
_DATE = (
    r"^\s*(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4})"
    r"(?:\s|T|$)"
)


# An ASCII letter that normalising never removes (only the "tel:" of a link goes): a
# value holding one cannot become a number, so notes and names skip `_normalised`.
_KEPT_LETTER = "[A-DF-KM-SU-Za-df-km-su-z]"


def phone_like(values: pl.Series) -> int:
    """How many values that are not well formed normalise to an optional + and 7 to 17
    digits: formatted numbers a repair may make callable (a column of them is a phone
    column, whatever its share of valid numbers as typed)."""
    frame = pl.DataFrame({"v": values.cast(pl.String).fill_null("")})
    # In steps, each over what the one before left: a phone column keeps few values
    # after the first, a notes or names column none after the second (a million-row
    # column: two or three regex passes less, 40 to 60 ms).
    v = pl.col("v")
    frame = (
        frame.filter(~v.str.contains(_WELL_FORMED))
        .filter(~v.str.contains(_KEPT_LETTER))
        .filter(v.str.contains("[0-9]") & ~v.str.contains(_DATE))
    )
    if frame.height == 0:
        return 0
    candidate = _normalised(frame).get_column("candidate").str.strip_prefix("+")
    return int(candidate.str.len_bytes().is_between(7, 17).sum())


def normalised_numbers(values: pl.Series) -> pl.Series:
    """Each value as the rules normalise it (`reference.normalise`): an optional + and
    ASCII digits once wrappers (`tel:`), formatting symbols and other scripts' digits
    are gone; null when anything else is left (an extension, a note)."""
    frame = _normalised(pl.DataFrame({"v": values.cast(pl.String).fill_null("")}))
    return frame.get_column("candidate")


def typed_numbers(values: pl.Series, *, lenient: bool = False) -> pl.Series:
    """Each value's digits as typed read as +digits (its normalised candidate), the
    E.164 number when valid, else null: the "as typed" reading of an ambiguous value."""
    frame = _normalised(pl.DataFrame({"v": values.cast(pl.String).fill_null("")}))
    digits = frame.get_column("candidate").str.strip_prefix("+")
    judged = judge_digits(digits, lenient=lenient, full=False)
    return judged.select(pl.when(pl.col("valid")).then("e164")).to_series().alias("e164")
