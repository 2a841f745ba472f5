"""Column names of an incoming file against an audience's: exact match, near matches,
and the renames a user asked for (`--map`, `--fix-headers`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.errors import RuleViolation
from core.reading import CsvTable
from core.text import fixed_column_names


@dataclass(frozen=True)
class HeaderDiff:
    """Existing columns against incoming ones (exact, case-sensitive; order may differ)."""

    matched: list[str]
    missing: list[str]
    extra: list[str]
    near: list[tuple[str, str]] = field(default_factory=list)  # (incoming, existing)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra

    def message(self) -> str:
        parts: list[str] = []
        for incoming, existing in self.near:
            parts.append(f"{incoming!r} should be {existing!r}")
        near_in = {i for i, _ in self.near}
        near_ex = {e for _, e in self.near}
        missing = [m for m in self.missing if m not in near_ex]
        extra = [e for e in self.extra if e not in near_in]
        if missing:
            parts.append("missing: " + ", ".join(repr(m) for m in missing))
        if extra:
            parts.append("not in the audience: " + ", ".join(repr(e) for e in extra))
        return (
            "the file's column names must match the audience's exactly (case-sensitive): "
            + "; ".join(parts)
        )


_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ().-]{5,}")


def ensure_header_row(table: CsvTable) -> None:
    """Refuse a file whose first row is contact data rather than column names.

    The message names no value: the row is somebody's phone number and name.
    """
    if any(_PHONE_LIKE.fullmatch(h.strip()) for h in table.headers):
        raise RuleViolation(
            "the first row holds a phone number, so the file has no header row; add a first "
            "line with the column names (for example: phone,name)"
        )


def _loose(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def diff_headers(existing: Sequence[str], incoming: Sequence[str]) -> HeaderDiff:
    """Compare column names exactly, naming near matches such as `Phone` for `phone`.

    A name the file repeats counts as extra the second time (it cannot be stored twice).
    """
    matched = [c for c in existing if c in incoming]
    missing = [c for c in existing if c not in incoming]
    seen: set[str] = set()
    extra = []
    for c in incoming:
        if c not in existing or c in seen:
            extra.append(c)
        seen.add(c)
    near: list[tuple[str, str]] = []
    free = list(missing)
    for name in extra:
        loose = [m for m in free if _loose(m) == _loose(name)]
        close = loose or difflib.get_close_matches(name.lower(), [m.lower() for m in free], 1, 0.6)
        if close:
            target = loose[0] if loose else next(m for m in free if m.lower() == close[0])
            near.append((name, target))
            free.remove(target)
    return HeaderDiff(matched, missing, extra, near)


def near_mapping(diff: HeaderDiff) -> dict[str, str]:
    """The renames that would make a file's names match: incoming -> existing, for the
    near matches that differ only in case, spaces and punctuation, and only where that
    pairing is the only one (an audience with both `first_name` and `FirstName` gets no
    rename for `First Name`: it would be a guess)."""
    audience = [*diff.matched, *diff.missing]
    incoming = [*diff.matched, *diff.extra]

    def alone(name: str, names: list[str]) -> bool:
        return sum(1 for n in names if _loose(n) == _loose(name)) == 1

    return {
        i: e
        for i, e in diff.near
        if _loose(i) == _loose(e) and alone(e, audience) and alone(i, incoming)
    }


def renames_suffice(diff: HeaderDiff) -> bool:
    """Whether `near_mapping`'s renames alone make the names match (so --fix-headers
    is advice that works)."""
    renames = near_mapping(diff)
    return bool(renames) and len(renames) == len(diff.missing) == len(diff.extra)


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``FILE_NAME=AUDIENCE_NAME`` pairs as a mapping (the file's name on the left)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source or not target:
            raise RuleViolation(
                f"a column mapping is written FILE_COLUMN=AUDIENCE_COLUMN, got {pair!r}"
            )
        if source in mapping:
            raise RuleViolation(f"the file column {source!r} is mapped twice")
        mapping[source] = target
    return mapping


def incoming_names(
    table: CsvTable, mapping: Mapping[str, str], *, fix_headers: bool = False
) -> list[str]:
    """A file's column names after `mapping` (file name -> audience name) and, with
    `fix_headers`, the proposed valid spelling of every other name (as `create` proposes
    them, so a file from the same source as the creating one matches).

    A mapped name that the file does not have is refused, naming it.
    """
    unknown = [name for name in mapping if name not in table.headers]
    if unknown:
        raise RuleViolation(
            "the file has no column "
            + ", ".join(repr(n) for n in unknown)
            + "; its columns are: "
            + ", ".join(table.headers)
        )
    names = [mapping.get(h, h) for h in table.headers]
    return fixed_column_names(names) if fix_headers else names
