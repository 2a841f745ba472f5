"""Text rules shared by reading, display and export: control characters and column names."""

from __future__ import annotations

import re
import unicodedata

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
    """Column names become call-script variables: letters, digits and `_` only."""
    return VALID_COLUMN_NAME.fullmatch(name) is not None


def fixed_column_name(name: str, position: int) -> str:
    """The proposed valid spelling of a column name (`First Name` -> `First_Name`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fixed = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_name.strip()).strip("_")
    return fixed or f"column_{position + 1}"


def fixed_column_names(names: list[str]) -> list[str]:
    """Valid, unique spellings for every column name (unchanged where already valid)."""
    out: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(names):
        candidate = name if is_valid_column_name(name) else fixed_column_name(name, position)
        base, n = candidate, 2
        while candidate in seen:
            candidate = f"{base}_{n}"
            n += 1
        seen.add(candidate)
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
            problems.append(f"column {position} name {name!r} may hold only letters, digits and _")
        if name in seen and name != "":
            problems.append(f"columns {seen[name]} and {position} are both named {name!r}")
        seen.setdefault(name, position)
    return problems
