"""Audience to CSV: original column order, values byte-exact, optional spreadsheet guard.

Also the exports each voice platform accepts (`core.platforms`): the phone column under
the platform's header with E.164 values, the other columns kept, and files cut into
parts when the platform limits rows or bytes. Every file is written atomically and 0600.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.atomic import atomic_write
from core.audience import Audience, Member
from core.errors import AudiencesError, FileExists, NotAPlaceForAFile, RuleViolation

if TYPE_CHECKING:
    from core.platforms import Platform

# Cells a spreadsheet would run as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: str) -> str:
    """Prefix `'` so a spreadsheet shows the cell as text instead of running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_line(row: Sequence[str]) -> str:
    """One CSV record (comma, minimal quoting, LF). A CR inside a cell is quoted too
    (QUOTE_MINIMAL only knows the "\\n" terminator), so the file reads back the same
    instead of as a lone CR."""
    out = io.StringIO(newline="")
    if any("\r" in v for v in row):
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(row)
    else:
        csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


def _member_rows(
    audience: Audience,
    members: Iterable[Member],
    *,
    excel_safe_cells: bool,
    e164_phone: bool = False,
) -> Iterable[list[str]]:
    phone = audience.phone_column
    for m in members:
        yield [
            (m.e164 if e164_phone else m.values[c])
            if c == phone
            else (excel_safe(m.values[c]) if excel_safe_cells else m.values[c])
            for c in audience.columns
        ]


def to_csv(audience: Audience, members: Sequence[Member], *, excel_safe_cells: bool = False) -> str:
    """The audience as CSV text (comma, minimal quoting, LF line ends). For a file to open
    in Excel (`excel_safe_cells`), cells it would run as formulas are prefixed (the phone
    column's never: it must stay a number to dial) and the text starts with a BOM, without
    which Excel reads UTF-8 as the machine's code page (`ZoÃ«` for `Zoë`)."""
    lines = ["\ufeff" if excel_safe_cells else ""]
    lines.append(_csv_line(audience.columns))
    lines += map(_csv_line, _member_rows(audience, members, excel_safe_cells=excel_safe_cells))
    return "".join(lines)


def check_target(target: Path, overwrite: bool) -> Path:
    """The file to write for `target`: a symbolic link's own file (the link is kept, as
    writing through it would); refused when that is a folder, a device, a pipe or a
    socket (an atomic write replaces the file: it would put a plain file in their place),
    or when something is there already (a link too, even one to nothing) and `overwrite`
    is False. Paths under /dev and /proc are never files to replace (/dev/stdout leads
    to whatever the shell redirected the output to)."""
    if target.is_dir():
        raise AudiencesError(f"{target} is a folder; give a file name")
    special = NotAPlaceForAFile(
        f"{target} is not a regular file (a device, pipe or socket, or under /dev or /proc); "
        "give the path of a file"
    )
    if Path(os.path.abspath(target)).parts[1:2] in (("dev",), ("proc",)):
        raise special
    resolved = Path(os.path.realpath(target)) if target.is_symlink() else target
    if resolved.is_dir():
        raise AudiencesError(f"{resolved} is a folder; give a file name")
    if os.path.lexists(resolved) and not resolved.is_file():
        raise special
    if not overwrite and os.path.lexists(target):
        # Exit 1, as a taken audience name is: the command is right, the place is taken.
        raise FileExists(f"{target} already exists; nothing was written", str(target))
    if not resolved.parent.exists():
        raise AudiencesError(f"the folder {resolved.parent} does not exist")
    return resolved


def export_to_file(
    audience: Audience,
    members: Sequence[Member],
    path: str | os.PathLike[str],
    *,
    excel_safe_cells: bool = False,
    overwrite: bool = True,
) -> Path:
    """Write the CSV atomically and privately (0600); returns the path written.

    `overwrite=False` refuses an existing file (FileExists) before writing anything.
    """
    target = check_target(Path(path).expanduser(), overwrite)
    data = to_csv(audience, members, excel_safe_cells=excel_safe_cells).encode()
    atomic_write(target, data, kept=f"{target.name} was not written (a file there is unchanged)")
    return target


def leave_out(members: Sequence[Member], suppressed: frozenset[str]) -> tuple[list[Member], int]:
    """The members whose number is not in `suppressed`, and how many were left out.
    Refused (RuleViolation, nothing written) when that leaves none: a file of headers
    alone would read as an export done."""
    kept = [m for m in members if m.e164 not in suppressed]
    if members and not kept:
        raise RuleViolation(
            f"nothing was written: {'the' if len(members) == 1 else 'all'} "
            f"{len(members):,} member{'' if len(members) == 1 else 's'} "
            f"{'is' if len(members) == 1 else 'are'} on the do-not-call list"
        )
    return kept, len(members) - len(kept)


# --- exports for a voice platform ---------------------------------------------------------
@dataclass(frozen=True)
class PlatformExport:
    """A platform export ready to write: its parts' bytes and row counts."""

    platform: Platform
    header: list[str]
    parts: list[bytes]
    rows: list[int]


def platform_export(
    audience: Audience,
    members: Sequence[Member],
    platform: Platform,
    *,
    excel_safe_cells: bool = False,
) -> PlatformExport:
    """The members as `platform` takes them, cut into parts within its limits.

    RuleViolation (nothing made) when a column name would be refused, or a single row is
    larger than the platform's file size limit.
    """
    from core.platforms import column_refusals, phone_header

    refusals = column_refusals(platform, audience.columns, audience.phone_column)
    if refusals:
        raise RuleViolation(
            f"nothing was written: {platform.name} would refuse "
            + ("this column name: " if len(refusals) == 1 else "these column names: ")
            + "; ".join(refusals)
            + " (export a plain CSV and rename the column in that file, or create the audience "
            "again from a file whose column has another name)"
        )
    phone = phone_header(platform, audience.phone_column)
    header = [phone if c == audience.phone_column else c for c in audience.columns]
    head = _csv_line(header).encode()
    max_rows = platform.max_rows or len(members) or 1
    max_bytes = platform.max_bytes
    parts: list[bytes] = []
    counts: list[int] = []
    chunk: list[bytes] = []
    size = len(head)
    rows = _member_rows(audience, members, excel_safe_cells=excel_safe_cells, e164_phone=True)
    for number, row in enumerate(rows, start=1):
        line = _csv_line(row).encode()
        if max_bytes is not None and len(head) + len(line) > max_bytes:
            raise RuleViolation(
                f"nothing was written: member {number:,} alone makes a file larger than "
                f"{platform.name}'s limit of {max_bytes:,} bytes"
            )
        full = len(chunk) >= max_rows or (max_bytes is not None and size + len(line) > max_bytes)
        if full:
            parts.append(head + b"".join(chunk))
            counts.append(len(chunk))
            chunk, size = [], len(head)
        chunk.append(line)
        size += len(line)
    parts.append(head + b"".join(chunk))
    counts.append(len(chunk))
    return PlatformExport(platform, header, parts, counts)


def part_paths(path: str | os.PathLike[str], parts: int) -> list[Path]:
    """`FILE.csv` for one part; `FILE-1.csv`, `FILE-2.csv`, ... for several."""
    target = Path(path).expanduser()
    if parts == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{n}{target.suffix}") for n in range(1, parts + 1)]


def write_parts(
    export: PlatformExport, path: str | os.PathLike[str], *, overwrite: bool = False
) -> list[Path]:
    """Write every part (atomically, 0600). Every target is checked before any is
    written; if one write fails, the parts this call created are removed again (a part
    that replaced an existing file with `overwrite` cannot be brought back)."""
    paths = [check_target(target, overwrite) for target in part_paths(path, len(export.parts))]
    created: list[Path] = []
    try:
        for target, data in zip(paths, export.parts, strict=True):
            existed = os.path.lexists(target)
            atomic_write(
                target, data, kept=f"{target.name} was not written (a file there is unchanged)"
            )
            if not existed:
                created.append(target)
    except BaseException:
        for target in created:
            with contextlib.suppress(OSError):
                target.unlink()
        raise
    return paths


def limits_text(made: PlatformExport) -> str:
    """The platform's file limits in words: `10,000 rows and 5 MB`."""
    target = made.platform
    limits = []
    if target.max_rows is not None:
        limits.append(f"{target.max_rows:,} rows")
    if target.max_bytes is not None:
        limits.append(f"{target.max_bytes / 1_000_000:g} MB")
    return " and ".join(limits)


def stale_parts(path: str | os.PathLike[str], parts: int) -> list[Path]:
    """Files an earlier export left that this one did not replace: parts beyond `parts`
    (FILE-4.csv, ...), and FILE.csv itself when this export is in parts."""
    target = Path(path).expanduser()
    found = [target] if parts > 1 and target.is_file() else []
    # One part is FILE.csv itself: an earlier export's FILE-1.csv is stale too.
    n = 1 if parts <= 1 else parts + 1
    while (candidate := target.with_name(f"{target.stem}-{n}{target.suffix}")).exists():
        found.append(candidate)
        n += 1
    return found
