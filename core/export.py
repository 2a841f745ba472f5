"""Audience to CSV: original column order, values byte-exact, optional spreadsheet guard."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from core.audience import Audience, Member
from core.errors import AudiencesError
from core.store import atomic_write

# Cells a spreadsheet would run as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: str) -> str:
    """Prefix `'` so a spreadsheet shows the cell as text instead of running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(audience: Audience, members: Sequence[Member], *, excel_safe_cells: bool = False) -> str:
    """The audience as CSV text (comma, minimal quoting, LF line ends)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    # A CR inside a cell is quoted too (QUOTE_MINIMAL only knows the "\n" terminator),
    # so the file reads back the same instead of as a lone CR.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(audience.columns)
    phone = audience.phone_column
    for m in members:
        row = [
            excel_safe(m.values[c]) if excel_safe_cells and c != phone else m.values[c]
            for c in audience.columns
        ]
        (quoted if any("\r" in v for v in row) else writer).writerow(row)
    return out.getvalue()


def export_to_file(
    audience: Audience,
    members: Sequence[Member],
    path: str | os.PathLike[str],
    *,
    excel_safe_cells: bool = False,
) -> Path:
    """Write the CSV atomically and privately (0600); returns the path written."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise AudiencesError(f"{target} is a folder; give a file name")
    if not target.parent.exists():
        raise AudiencesError(f"the folder {target.parent} does not exist")
    atomic_write(target, to_csv(audience, members, excel_safe_cells=excel_safe_cells).encode())
    return target
