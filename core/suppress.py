"""The do-not-call (suppression) list: one per store, numbers judged on their E.164 form.

Kept beside the audiences with the same safety (`Store.change_suppression`: the store's
lock, an atomic write, 0600, a checksum; a damaged file is refused, never read as an
empty list). Each entry remembers where it came from (a file's name, or "by hand") and
when; a number added again takes the newer source and time.

Other paths ask `SuppressionList.load(store)` and then `.contains(e164)` or `.keys()`.
Every change returns a `ListEdit` too: `undo_edit` and `redo_edit` take it back and do it
again while the numbers it touched are as it left them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from core.errors import NotFound, RuleViolation, StoreDamaged
from core.text import columns_text
from core.words import plural

if TYPE_CHECKING:
    from core.reading import CsvTable
    from core.store import Store

BY_HAND = "by hand"
FRESH_DAYS = 31  # a do-not-call scrub must be fresh within 31 days (TSR, 16 CFR 310.4)
FORMAT = "audiences-suppression"
VERSION = 1

Kind = Literal["file", "hand"]
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# A first row that is a phone number: the file has no header row.
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ().-]{5,}")
# Between numbers typed in one box: commas, semicolons, line breaks, and spaces before a
# + (a + inside a number is never valid, so one after a space starts the next number).
_TYPED_SEPARATORS = re.compile(r"[,;\r\n]+|\s+(?=\+)")
WHOLE_NUMBER_DIGITS = 8
"""Digits a space-separated part of a typed line needs to be a number of its own (with
its country code), not a group of a formatted one (`+1 202 555 0199`)."""


def _stamp(at: datetime | None) -> str:
    moment = datetime.now(UTC) if at is None else at.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Batch:
    """One addition to the list: a file imported, or numbers typed by hand."""

    id: int
    source: str
    kind: Kind
    at: str  # UTC, ISO 8601
    count: int  # numbers in it when it was added

    @property
    def moment(self) -> datetime:
        return _parse_stamp(self.at)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """One number on the list, with where it came from and when."""

    e164: str
    source: str
    kind: Kind
    added_at: str


@dataclass(frozen=True, slots=True)
class SuppressionChange:
    """What a change did: numbers new to the list, already on it (now refreshed),
    removed, and the list's size after."""

    added: int = 0
    refreshed: int = 0
    removed: int = 0
    total: int = 0
    left_out: LeftOut | None = None  # invalid rows an import left out (--skip-invalid)
    columns: tuple[str, ...] = ()  # the file's columns an import read
    edit: ListEdit | None = None  # what it did, to undo or redo it (None: nothing)


@dataclass(frozen=True, slots=True)
class ListEdit:
    """What one change did to the list, so that it can be taken back or done again: each
    number it touched with its batch before and after (None: not listed), and the batch
    it wrote (an addition's source and time)."""

    numbers: tuple[tuple[str, int | None, int | None], ...]
    batch_id: str | None = None
    batch: dict[str, Any] | None = None

    @property
    def first(self) -> str | None:
        """A number the change touched (for a front end to show), or None."""
        return self.numbers[0][0] if self.numbers else None


class NumbersRefused(RuleViolation):
    """Values refused a change of the list, nothing written: `invalid` name no number
    (an import with skip_invalid leaves them out when some row is valid), `ambiguous`
    read as two numbers (a default region lists both); `values` were judged."""

    def __init__(self, message: str, *, invalid: int, ambiguous: int, values: int) -> None:
        super().__init__(message)
        self.invalid = invalid
        self.ambiguous = ambiguous
        self.values = values

    @property
    def skippable(self) -> bool:
        """Leaving out the invalid values would let the rest through."""
        return 0 < self.invalid < self.values and not self.ambiguous


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Values left out as invalid: how many, by reason, and where the first ones are."""

    count: int
    by_reason: tuple[tuple[str, int], ...]  # most frequent first
    first: tuple[str, ...]  # where the first five are ("row 4 (line 5)")
    possible: int = 0  # not valid, but possible numbers written with +: listed, not left out


def left_out_lines(left_out: LeftOut) -> list[str]:
    """What an import left out, by what is wrong and where (never the values), and the
    possible numbers it listed although they are not valid."""
    lines = []
    if left_out.count:
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in left_out.by_reason)
        more = ", ..." if left_out.count > len(left_out.first) else ""
        where = ", ".join(left_out.first) + more
        lines.append(f"left out {plural(left_out.count, 'invalid row')} ({reasons}): {where}")
    if left_out.possible:
        lines.append(
            f"listed {plural(left_out.possible, 'number')} that "
            f"{'is' if left_out.possible == 1 else 'are'} possible but not valid (an audience "
            "created with --lenient takes such numbers)"
        )
    return lines


def _shaped(data: dict[str, Any]) -> bool:
    """The file holds what the list relies on (a damaged one is refused)."""
    marker = data.get("list", {}).get("1", {})
    batches = data.get("batches", {})
    if marker.get("format") != FORMAT or not isinstance(marker.get("version"), int):
        return False
    for key, b in batches.items():
        if not (
            key.isdigit()
            and isinstance(b.get("source"), str)
            and b.get("kind") in ("file", "hand")
            and isinstance(b.get("at"), str)
            and _TIME.fullmatch(b["at"])
            and isinstance(b.get("count"), int)
        ):
            return False
    return all(
        _E164.fullmatch(e164) and str(entry.get("b")) in batches
        for e164, entry in data.get("entries", {}).items()
    )


def _refuse_newer(data: dict[str, Any]) -> None:
    if data.get("list", {}).get("1", {}).get("version", 0) > VERSION:
        raise StoreDamaged("the do-not-call list was written by a newer audiences; upgrade")


class SuppressionList:
    """The store's do-not-call list as read at one moment (read-only)."""

    def __init__(self, entries: dict[str, int], batches: dict[int, Batch]) -> None:
        self._entries = entries
        self.batches = batches
        self._keys: frozenset[str] | None = None

    @classmethod
    def load(cls, store: Store) -> SuppressionList:
        """The store's list (empty when it has none yet; StoreDamaged when damaged)."""
        data = store.read_suppression(_shaped)
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: dict[str, dict[str, Any]] | None) -> SuppressionList:
        if data is None:
            return cls({}, {})
        _refuse_newer(data)
        batches = {
            int(k): Batch(int(k), b["source"], b["kind"], b["at"], b["count"])
            for k, b in data.get("batches", {}).items()
        }
        entries = {e164: int(e["b"]) for e164, e in data.get("entries", {}).items()}
        return cls(entries, batches)

    def __len__(self) -> int:
        return len(self._entries)

    def contains(self, e164: str) -> bool:
        """Is this E.164 number on the list?"""
        return e164 in self._entries

    def keys(self) -> frozenset[str]:
        """Every E.164 number on the list."""
        if self._keys is None:
            self._keys = frozenset(self._entries)
        return self._keys

    def entries(self) -> list[Suppressed]:
        """Every entry, by number."""
        out = []
        for e164 in sorted(self._entries):
            batch = self.batches[self._entries[e164]]
            out.append(Suppressed(e164, batch.source, batch.kind, batch.at))
        return out

    def newest_import(self) -> Batch | None:
        """The latest file imported (None when only numbers typed by hand, or none)."""
        files = [b for b in self.batches.values() if b.kind == "file"]
        return max(files, key=lambda b: (b.at, b.id)) if files else None

    def import_age(self, now: datetime) -> timedelta | None:
        newest = self.newest_import()
        return None if newest is None else now.astimezone(UTC) - newest.moment

    def is_stale(self, now: datetime) -> bool:
        """True when the newest import is older than 31 days."""
        age = self.import_age(now)
        return age is not None and age > timedelta(days=FRESH_DAYS)


# --- judging what is added -------------------------------------------------------------
def listed_among(store: Store, numbers: Sequence[str]) -> int:
    """How many of `numbers` (E.164) are on the store's list, read by a writer holding
    the store's exclusive lock (no list: none)."""
    data = store.read_suppression(_shaped, locked=True)
    if data is None:
        return 0
    _refuse_newer(data)
    entries = data.get("entries", {})
    return sum(1 for n in set(numbers) if n in entries)


def judge_numbers(
    values: Sequence[str],
    where: Sequence[str],
    *,
    default_region: str | None = None,
    regions: Sequence[str] = (),
) -> list[str]:
    """The E.164 numbers to list for `values` (every reading of each, see
    `judge_readings`)."""
    readings, _ = judge_readings(values, where, default_region=default_region, regions=regions)
    return [k for found in readings for k in found]


def judge_readings(
    values: Sequence[str],
    where: Sequence[str],
    *,
    default_region: str | None = None,
    regions: Sequence[str] = (),
    doing: str = "listed",
    skip_invalid: bool | None = None,
) -> tuple[list[list[str]], LeftOut | None]:
    """The E.164 numbers each of `values` names, or RuleViolation naming where the bad
    ones are (`where[i]` says it: "row 4 (line 5)", "number 2"); never the values
    themselves. `doing` words the refusal ("listed", "removed").

    With `skip_invalid` the values that name no number are left out (no reading, and
    counted in the LeftOut) unless every value is one; with False the refusal says they
    may be (None: it is not offered). A value that reads as two numbers is never left
    out: it is valid, and the number meant would be dialled.

    A value without `+` may be a national number. Without `default_region`, a value
    valid as typed that is also a valid national number of one of `regions` (the
    store's) is refused: listed as typed only, the number meant would still be dialled.
    With `default_region` every reading is listed: as typed (its digits, formatted or
    not), as a national number of `default_region` and of each of `regions` (a
    do-not-call list may block too much, never too little).
    """
    import polars as pl

    from core.phones import judge_column
    from core.phones.vector import normalised_numbers, typed_numbers

    column = pl.Series("v", list(values), dtype=pl.String).fill_null("")
    typed = judge_column(column, with_hints=False, types=False)
    keys: list[list[str]] = [[e] if e is not None else [] for e in typed["e164"].to_list()]
    unsigned = (~column.str.strip_chars().str.starts_with("+")).to_list()
    # What a value not valid as typed is once normalised: a + inside a wrapper
    # (`tel:+1...`, a spreadsheet's `'+1...`) or in other scripts (`＋`) is written with +
    # too; None when more than a number is left (an extension, a note).
    invalid = [i for i, key in enumerate(keys) if not key]
    candidate: dict[int, str | None] = {}
    if invalid:
        normalised = normalised_numbers(column.gather(invalid)).to_list()
        candidate = dict(zip(invalid, normalised, strict=True))
        for i, found in candidate.items():
            if found is not None and found.startswith("+"):
                unsigned[i] = False
    # A formatted value's digits, as typed: read only where they are listed (values
    # written with + that are not valid as typed; with a region, those without +).
    wanted = [
        i
        for i, key in enumerate(keys)
        if (unsigned[i] and default_region) or not (key or unsigned[i])
    ]
    as_typed: list[str | None] = [None] * len(keys)
    if wanted:
        read = typed_numbers(column.gather(wanted)).to_list()
        for i, found in zip(wanted, read, strict=True):
            as_typed[i] = found
    for i, listed in enumerate(keys):
        typed_digits = as_typed[i]
        if not listed and not unsigned[i] and typed_digits is not None:
            # Written with + and its country code, and formatted (`+1 202-555-0199`, a
            # CRM's column, `tel:+12025550199`): one number only, whatever the regions.
            listed.append(typed_digits)
    others = [r for r in dict.fromkeys(regions) if r != default_region]
    ambiguous: dict[int, list[str]] = {}
    if default_region:
        for region in [default_region, *others]:
            # Only the given region's fix is listed: the others need no explanations.
            national = judge_column(
                column, fix_region=region, with_hints=region == default_region, types=False
            )
            for i, (alt, fix) in enumerate(
                zip(national["alternative"], national["fix"], strict=True)
            ):
                if not unsigned[i]:
                    continue
                for found in (alt, fix if region == default_region else None, as_typed[i]):
                    if found is not None and found not in keys[i]:
                        keys[i].append(found)
    elif any(unsigned):
        for region in others:
            national = judge_column(column, fix_region=region, with_hints=False, types=False)
            for i, alt in enumerate(national["alternative"].to_list()):
                if alt is not None and unsigned[i] and keys[i]:
                    ambiguous.setdefault(i, []).append(region)
    reasons = typed["reason"].to_list()
    bad = [i for i, found in enumerate(keys) if not found or i in ambiguous]
    left_out: LeftOut | None = None
    invalid = [i for i in bad if i not in ambiguous]
    listed_possible = 0
    # A value no strict reading names may still be a possible number (`+1 211 ...`): an
    # audience created with --lenient takes such numbers, so they are listed (a
    # do-not-call list may block too much, never too little). Written with + they name
    # one number and are listed always; without + they are listed (as typed, and as
    # national numbers of the regions) only where invalid rows would otherwise be left
    # out (--skip-invalid): elsewhere their refusal tells the user to give the country
    # code, and `2025550199` listed as an Egyptian number would hide the US one meant.
    possible = [i for i in invalid if skip_invalid or not unsigned[i]]
    if possible:
        judged = pl.Series(
            "v", [candidate.get(i) or values[i] or "" for i in possible], dtype=pl.String
        )
        # As an audience created with --lenient reads them: as typed, and (with
        # --repair --default-region) as national numbers of that region only.
        tried: list[str | None] = (
            [default_region] if default_region and any(unsigned[i] for i in possible) else []
        )
        for n, place in enumerate(tried or [None]):
            lenient = judge_column(
                judged, lenient=True, fix_region=place, with_hints=place is not None, types=False
            )
            for i, e164, fix, alt in zip(
                possible, lenient["e164"], lenient["fix"], lenient["alternative"], strict=True
            ):
                readings: list[str | None] = [e164] if n == 0 else []  # as typed, once
                if unsigned[i]:
                    readings += [fix, alt]
                keys[i] += [
                    r for r in dict.fromkeys(readings) if r is not None and r not in keys[i]
                ]
        still = [i for i in invalid if not keys[i]]
        listed_possible = len(invalid) - len(still)
        invalid = still
        bad = [i for i in bad if not keys[i] or i in ambiguous]
        if listed_possible and not invalid:
            left_out = LeftOut(0, (), (), listed_possible)
    if skip_invalid and invalid and len(invalid) < len(keys):
        # By what is wrong with them, in words (`bad_characters` told apart: an
        # extension, two numbers, no digits), as the refusal's advice tells them apart.
        by_reason = Counter(
            _KIND_WORDS[k] for k in _bad_kinds(values, reasons, candidate, unsigned, invalid, ())
        )
        left_out = LeftOut(
            len(invalid),
            tuple(sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))),
            tuple(where[i] for i in invalid[:5]),
            listed_possible,
        )
        bad = [i for i in bad if i in ambiguous]
    if bad:
        kinds = Counter(_bad_kinds(values, reasons, candidate, unsigned, bad, ambiguous))
        shown = "; ".join(
            f"{where[i]}: " + ("reads as two numbers" if i in ambiguous else str(reasons[i]))
            for i in bad[:5]
        )
        more = f" and {len(bad) - 5:,} more" if len(bad) > 5 else ""
        named = sorted({r for found in ambiguous.values() for r in found})
        advice = "; ".join(
            _advice(kind, n, len(kinds) == 1, doing=doing, region=default_region, named=named)
            for kind, n in sorted(kinds.items(), key=lambda item: _KINDS.index(item[0]))
        )
        if ambiguous:
            what = "value cannot" if len(bad) == 1 else "values cannot"
            what += f" be {doing} as written"
        else:
            what = (
                "value is not a valid number" if len(bad) == 1 else "values are not valid numbers"
            )
        if skip_invalid is False and any(i not in ambiguous for i in bad):
            advice += "; or leave them out with --skip-invalid"
        raise NumbersRefused(
            f"nothing was changed: {len(bad):,} {what} ({shown}{more}); {advice}",
            invalid=sum(1 for i in bad if i not in ambiguous),
            ambiguous=len(ambiguous),
            values=len(values),
        )
    return keys, left_out


# Why a value names no number, in the order a refusal gives the advice.
_KINDS = (
    "ambiguous",
    "plus",
    "no_plus",
    "empty",
    "excel_damaged",
    "several",
    "extension",
    "no_digits",
    "characters",
)


_KIND_WORDS = {
    "plus": "not a valid number",
    "no_plus": "no country code",
    "empty": "empty",
    "excel_damaged": "spreadsheet damage",
    "several": "two numbers in one",
    "extension": "extension",
    "characters": "more than a number",
    "no_digits": "no digits",
}


def _bad_kinds(
    values: Sequence[str],
    reasons: Sequence[str | None],
    candidate: dict[int, str | None],
    unsigned: Sequence[bool],
    rows: Sequence[int],
    ambiguous: Collection[int],
) -> list[str]:
    """The kind of advice each of `rows` needs (see `_advice`). The texts are searched
    with Polars (linear time): a backtracking search for eight digits in a row took 1.4 s
    of a refusal of 200,000 rows."""
    import polars as pl

    from core.phones import rules

    texts = pl.Series("v", [values[i] or "" for i in rows], dtype=pl.String)
    found = pl.DataFrame({"v": texts}).select(
        several=pl.col("v").str.contains(rules.SEVERAL_NUMBERS),
        extension=pl.col("v").str.contains(rules.EXTENSION),
        digit=pl.col("v").str.contains("[0-9]"),
    )
    kinds = []
    for i, several, extension, digit in zip(
        rows, found["several"], found["extension"], found["digit"], strict=True
    ):
        if i in ambiguous:
            kinds.append("ambiguous")
        elif reasons[i] in ("empty", "excel_damaged"):
            kinds.append(str(reasons[i]))
        elif candidate.get(i) is None:  # more than a number: an extension, two, a note
            kinds.append(
                "several"
                if several
                else "extension"
                if extension
                else "characters"
                if digit
                else "no_digits"
            )
        else:
            kinds.append("no_plus" if unsigned[i] else "plus")
    return kinds


def _advice(
    kind: str, n: int, alone: bool, *, doing: str, region: str | None, named: Sequence[str]
) -> str:
    """What to do about `n` values of one kind (`alone`: the only kind, called "they")."""
    one = n == 1
    who = ("it" if one else "they") if alone else f"{n:,}"
    if kind == "ambiguous":
        return (
            f"written without +, they are also national numbers of {', '.join(named)}: give "
            "--default-region (the region they are national numbers of; "
            + (
                "every reading is then listed"
                if doing == "listed"
                else "that region's reading is then removed, with the readings listed with it"
            )
            + "), or write them with + and the country code"
        )
    if kind == "plus":
        return (
            f"written with + and a country code, {who} {'is' if one else 'are'} still not "
            f"{'a valid number' if one else 'valid numbers'}: check the country code and "
            "the digits"
        )
    if kind == "no_plus" and region:
        return (
            f"written without +, {who} {'is' if one else 'are'} valid neither as typed nor "
            f"as national numbers of {region}: check the digits, or write "
            f"{'it' if one else 'them'} with + and the country code"
        )
    if kind == "no_plus":
        return (
            f"written without +, {who} {'needs' if one else 'need'} the country code, e.g. "
            "+1 for the US (or give --default-region for national numbers)"
        )
    if kind == "empty":
        return f"{who} {'is' if one else 'are'} empty: a number is required"
    if kind == "excel_damaged":
        return (
            f"{who} lost {'its' if one else 'their'} digits to a spreadsheet's scientific "
            "notation: re-export the column formatted as text"
        )
    holds = "holds" if one else "hold"
    if kind == "several":
        return f"{who} {holds} more than one number: keep one number in each"
    if kind == "extension":
        return (
            f"{who} {holds} an extension, which a call cannot dial: keep the number alone "
            "(+ and the country code, then the digits)"
        )
    if kind == "no_digits":
        return f"{who} {holds} no digits: give a number with + and the country code"
    return (
        f"{who} {holds} more than a number: keep the number alone, with + and the country "
        "code (spaces, dashes and brackets may stay)"
    )


def store_regions(store: Store) -> list[str]:
    """The regions of the store's members: where numbers without + are likely national."""
    return sorted({r for a in store.list_audiences() for r in a.regions})


def _add(store: Store, keys: Sequence[str], source: str, kind: Kind, at: str) -> SuppressionChange:
    unique = list(dict.fromkeys(keys))
    counts = {"added": 0, "refreshed": 0}
    edits: list[ListEdit] = []

    def change(data: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
        data = _fresh() if data is None else data
        batches = data.setdefault("batches", {})
        entries = data.setdefault("entries", {})
        batch_id = str(max((int(k) for k in batches), default=0) + 1)
        batch = {"source": source, "kind": kind, "at": at, "count": len(unique)}
        batches[batch_id] = batch
        before = [(k, _batch_of(entries, k), int(batch_id)) for k in unique]
        refreshed = sum(1 for k in unique if k in entries)
        for key in unique:
            entries[key] = {"b": int(batch_id)}
        counts.update(added=len(unique) - refreshed, refreshed=refreshed)
        edits.append(ListEdit(tuple(before), batch_id, dict(batch)))
        return data

    data = store.change_suppression(_shaped, change)
    return SuppressionChange(
        counts["added"], counts["refreshed"], 0, len(data["entries"]), edit=edits[-1]
    )


def _batch_of(entries: dict[str, Any], e164: str) -> int | None:
    entry = entries.get(e164)
    return None if entry is None else int(entry["b"])


def undo_edit(store: Store, edit: ListEdit) -> None:
    """Take back a change (`SuppressionChange.edit`): every number it touched goes back
    to where it was, and an addition's batch goes (the list's newest import is again the
    one before). Refused, nothing written, when another process changed one of those
    numbers since."""
    _replay(store, edit, undoing=True)


def redo_edit(store: Store, edit: ListEdit) -> None:
    """Do a change taken back again (as `undo_edit`, the other way)."""
    _replay(store, edit, undoing=False)


def _replay(store: Store, edit: ListEdit, *, undoing: bool) -> None:
    now, then = (2, 1) if undoing else (1, 2)

    def change(data: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
        data = _fresh() if data is None else data
        batches = data.setdefault("batches", {})
        entries = data.setdefault("entries", {})
        changed = sum(1 for row in edit.numbers if _batch_of(entries, row[0]) != row[now])
        if edit.batch_id is not None:
            expected = edit.batch if undoing else None
            changed += batches.get(edit.batch_id) != expected
            if undoing:
                batches.pop(edit.batch_id, None)
            else:
                batches[edit.batch_id] = dict(edit.batch or {})
        gone = {row[then] for row in edit.numbers} - {None} - {int(k) for k in batches}
        if changed or gone:
            raise RuleViolation(
                "the do-not-call list has changed since (another program listed or removed "
                "some of these numbers): nothing was changed"
            )
        for e164, before, after in edit.numbers:
            target = before if undoing else after
            if target is None:
                entries.pop(e164, None)
            else:
                entries[e164] = {"b": target}
        return data

    store.change_suppression(_shaped, change)


def _fresh() -> dict[str, dict[str, Any]]:
    return {"list": {"1": {"format": FORMAT, "version": VERSION}}, "batches": {}, "entries": {}}


def add_numbers(
    store: Store,
    values: Sequence[str],
    *,
    at: datetime | None = None,
    default_region: str | None = None,
) -> SuppressionChange:
    """Add numbers typed by hand (all or none: an invalid one refuses the lot; see
    `judge_numbers` for numbers written without +)."""
    keys = judge_numbers(
        values,
        [f"number {i}" for i in range(1, len(values) + 1)],
        default_region=default_region,
        regions=store_regions(store),
    )
    return _add(store, keys, BY_HAND, "hand", _stamp(at))


def import_file(
    store: Store,
    path: str | Path,
    phone_column: str | None,
    *,
    encoding: str | None = None,
    at: datetime | None = None,
    default_region: str | None = None,
    skip_invalid: bool = False,
) -> SuppressionChange:
    """Add every number of a CSV's phone column (all or none), remembering the file's
    name and the time (see `import_table`)."""
    from core.reading import read_file

    table = read_file(path, encoding=encoding)
    return import_table(
        store,
        table,
        Path(path).name,
        phone_column,
        at=at,
        default_region=default_region,
        skip_invalid=skip_invalid,
    )


def import_table(
    store: Store,
    table: CsvTable,
    source: str,
    phone_column: str | None = None,
    *,
    at: datetime | None = None,
    default_region: str | None = None,
    skip_invalid: bool | None = False,
) -> SuppressionChange:
    """Add every number of a file's phone column (all or none), remembering `source`
    (the file's name) and the time; `phone_column` None takes every column of phone
    numbers (`phone_columns`). Empty cells and invalid numbers refuse the file, naming rows (see
    `judge_readings` for numbers written without +); with `skip_invalid` they are left
    out (the change says how many, why and where) unless no row is valid (None: the
    refusal does not offer it, a front end says how in its own words)."""
    if any(_PHONE_LIKE.fullmatch(h.strip()) for h in table.headers):
        raise RuleViolation(
            "the first row holds a phone number, so the file has no header row; add a "
            "first line with the column name (for example: phone)"
        )
    others: list[str] = []
    if phone_column is None:
        # Every column of phone numbers: a person's mobile and work numbers are both
        # not to be called (a list may block too much, never too little).
        phone_column, *others = phone_columns(table)
    if phone_column not in table.frame.columns and phone_column in table.headers:
        # A header the frame renamed (empty or repeated names): the same column.
        phone_column = table.frame.columns[table.headers.index(phone_column)]
    if phone_column not in table.frame.columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; the columns are: "
            + columns_text(table.headers)
        )
    values = table.frame[phone_column].fill_null("").to_list()
    lines = table.lines
    where = [f"row {i} (line {lines[i - 1]})" for i in range(1, len(values) + 1)]
    if not values:
        raise RuleViolation("nothing was imported: the file has no rows")
    for column in others:
        # The other columns' empty cells are no fault (not everyone has a work phone).
        cells = table.frame[column].fill_null("").to_list()
        filled = [i for i, cell in enumerate(cells) if cell.strip()]
        values += [cells[i] for i in filled]
        where += [f"row {i + 1} (line {lines[i]}), column {column}" for i in filled]
    readings, left_out = judge_readings(
        values,
        where,
        default_region=default_region,
        regions=store_regions(store),
        skip_invalid=skip_invalid,
    )
    keys = [k for found in readings for k in found]
    change = _add(store, keys, source, "file", _stamp(at))
    return replace(change, left_out=left_out, columns=(phone_column, *others))


def phone_columns(table: CsvTable) -> list[str]:
    """The columns of a file that hold phone numbers: the one suggested for them first,
    then every other whose values are mostly phone numbers (valid, or formatted ones a
    repair would make valid), in file order."""
    from core.profile import profile_table

    profile = profile_table(table)
    first = profile.suggested_phone_column
    if first is None:
        raise RuleViolation(
            "no column of the file holds phone numbers; the columns are: "
            + columns_text(table.headers)
        )
    mostly = [
        c.name
        for c in profile.columns
        if c.name != first and c.non_empty and c.phone_like * 2 >= c.non_empty
    ]
    return [first, *mostly]


def split_typed(text: str) -> list[str]:
    """The numbers typed in one box: separated by commas, semicolons or line breaks, by
    spaces before a +, or by spaces when every space-separated part holds a whole number
    (WHOLE_NUMBER_DIGITS digits or more): `+1 202 555 0199` is one value,
    `+1 202 555 0199 +44 20 7946 0958` and `2025550199 2025550123` two. Each value is
    then judged as any other (`add_numbers`)."""
    values: list[str] = []
    for part in _TYPED_SEPARATORS.split(text):
        words = part.split()
        if len(words) > 1 and all(
            sum(c.isdigit() for c in w) >= WHOLE_NUMBER_DIGITS for w in words
        ):
            values.extend(words)
        elif words:
            values.append(part.strip())
    return values


def _meant_readings(
    values: Sequence[str], readings: list[list[str]], default_region: str | None
) -> list[str]:
    """The number each value means (one of its `readings`): as written, with + or valid as
    typed; a value without + read with `default_region`, the national number of that
    region when it is one (its other readings are what it may also be)."""
    meant = [found[0] for found in readings]
    if default_region is None:
        return meant
    import polars as pl

    from core.phones import judge_column

    column = pl.Series("v", list(values), dtype=pl.String).fill_null("")
    national = judge_column(column, fix_region=default_region, with_hints=True, types=False)
    signed = column.str.strip_chars().str.starts_with("+").to_list()
    for i, (alt, fix) in enumerate(zip(national["alternative"], national["fix"], strict=True)):
        reading = alt or fix
        if not signed[i] and reading is not None and reading in readings[i]:
            meant[i] = reading
    return meant


def remove_numbers(
    store: Store, values: Sequence[str], *, default_region: str | None = None
) -> SuppressionChange:
    """Take numbers off the list (all or none: each must be on it). A value is read as
    `add_numbers` reads it (`judge_readings`): every reading of it on the list goes, and
    a value without + that is also a national number of the store's regions is refused
    without `default_region`, as it is when added."""
    readings, _ = judge_readings(
        values,
        [f"number {i}" for i in range(1, len(values) + 1)],
        default_region=default_region,
        regions=store_regions(store),
        doing="removed",
    )
    meant = _meant_readings(values, readings, default_region)
    removed = {"n": 0}
    edits: list[ListEdit] = []

    def change(data: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
        entries = (data or {}).get("entries", {})
        # A value is on the list when the number it means is. Its other readings go only
        # when they were listed with it (the same add or import): one listed apart from
        # it (`+353 2401219` from an Irish file, read in `(353) 240-1219` as typed) is
        # another person's, and stays.
        missing = [i for i, key in enumerate(meant, start=1) if key not in entries]
        if missing:
            raise NotFound(
                f"{len(missing):,} of the numbers "
                + ("is" if len(missing) == 1 else "are")
                + " not on the do-not-call list (number "
                + ", ".join(str(i) for i in missing[:5])
                + ("..." if len(missing) > 5 else "")
                + "); nothing was removed"
            )
        assert data is not None
        unique = sorted(
            {
                k
                for key, found in zip(meant, readings, strict=True)
                for k in found
                if k in entries and entries[k]["b"] == entries[key]["b"]
            }
        )
        edits.append(ListEdit(tuple((k, _batch_of(entries, k), None) for k in unique)))
        for key in unique:
            del entries[key]
        removed["n"] = len(unique)
        return data

    data = store.change_suppression(_shaped, change)
    return SuppressionChange(removed=removed["n"], total=len(data["entries"]), edit=edits[-1])
