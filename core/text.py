"""Text rules shared by reading, display and export: control characters and column names."""

from __future__ import annotations

import re
from collections.abc import Sequence

# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates
# that can make a cell display differently from what it holds ("Trojan Source").
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# The same as a Rust-regex pattern for Polars (it has no lookarounds we need here).
CONTROL_CHARACTERS_PATTERN = (
    r"[\x00-\x08\x0B-\x1F\x7F-\x9F\x{061C}\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
)

VALID_COLUMN_NAME = re.compile(r"[A-Za-z0-9_]+")


def strip_controls(text: str) -> str:
    """Remove control characters (keeps tab and newline)."""
    return CONTROL_CHARACTERS.sub("", text)


def one_line(text: str) -> str:
    """Text safe to print as one terminal field: controls removed, tabs and breaks as spaces."""
    return strip_controls(text).replace("\t", " ").replace("\n", " ")


def is_valid_column_name(name: str) -> bool:
    """Column names become call-script variables: ASCII letters, digits and `_` only."""
    return VALID_COLUMN_NAME.fullmatch(name) is not None


def fixed_column_name(name: str, position: int) -> str:
    """The proposed valid spelling of a column name.

    `First Name` -> `First_Name`; other scripts are transliterated (`Имя` -> `Imya`,
    `Straße` -> `Strasse`) so the name still says what the column holds.
    """
    from anyascii import anyascii

    ascii_name = anyascii(strip_controls(name))
    fixed = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_name.strip()).strip("_")
    return fixed or f"column_{position + 1}"


def fixed_column_names(names: list[str]) -> list[str]:
    """Valid, unique spellings for every column name (unchanged where already valid).

    A valid name keeps its spelling even when a fixed name before it would have taken it
    (`Имя,Imya` -> `Imya_2,Imya`): names the user wrote win over names proposed.
    """
    kept: set[str] = set()
    keeps: list[bool] = []
    for name in names:
        keep = is_valid_column_name(name) and name not in kept
        keeps.append(keep)
        if keep:
            kept.add(name)
    out: list[str] = []
    taken = set(kept)
    for position, (name, keep) in enumerate(zip(names, keeps, strict=True)):
        if keep:
            out.append(name)
            continue
        base = name if is_valid_column_name(name) else fixed_column_name(name, position)
        candidate, n = base, 2
        while candidate in taken:
            candidate = f"{base}_{n}"
            n += 1
        taken.add(candidate)
        out.append(candidate)
    return out


def header_problems(names: list[str]) -> list[str]:
    """One sentence per problem with the column names; empty when all are fine."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name == "":
            problems.append(f"column {position} has no name")
        elif not is_valid_column_name(name):
            problems.append(
                f"column {position} name {name!r} may hold only ASCII letters, digits and _"
            )
        if name in seen and name != "":
            problems.append(f"columns {seen[name]} and {position} are both named {name!r}")
        seen.setdefault(name, position)
    return problems


def columns_text(names: Sequence[str], *, most: int = 20, width: int = 40) -> str:
    """Column names for a message: at most `most` of them, each cut to `width`
    characters (a file without a header row, or read in the wrong encoding, has a
    "name" that is a whole line of someone's data)."""
    shown = [n if len(n) <= width else n[: width - 1] + "…" for n in names[:most]]
    more = f" and {len(names) - most:,} more" if len(names) > most else ""
    return ", ".join(shown) + more
