"""What each voice platform's batch-call CSV upload accepts, as data.

One row per platform: the header its phone column must have, its limits, and the
column names it refuses or reads as call settings. Every front end and the export read
this table; nothing else knows a platform's rules. The documentation page of each row is
cited in tests/core/test_platforms.py; the facts marked `sure=False` could not be checked
against that page when written (see `notes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MB = 1_000_000  # limits given in MB are read as decimal megabytes: the stricter reading


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform's upload rules."""

    key: str
    name: str
    phone_header: str | None  # None: the audience's own phone column name is kept
    max_rows: int | None  # data rows per file; None: no documented limit
    max_bytes: int | None  # bytes per file, header included; None: no documented limit
    docs: str  # the page the facts come from (also cited in tests/core/test_platforms.py)
    # Column names refused outright (compared case-insensitively), and name prefixes.
    reserved: tuple[str, ...] = ()
    reserved_prefixes: tuple[str, ...] = ()
    # What a column name must look like to be usable as a variable (None: anything).
    name_pattern: re.Pattern[str] | None = None
    sure: bool = False
    notes: str = ""


PLATFORMS: dict[str, Platform] = {
    p.key: p
    for p in (
        Platform(
            key="atoms",
            name="Atoms",
            # Atoms asks, at creation, which column holds the numbers: any name works, so
            # the audience's own phone column name is kept.
            phone_header=None,
            max_rows=10_000,
            max_bytes=5 * MB,
            docs="the Atoms Audiences page (the project's shared/spec/atoms-audiences-seed.txt)",
            name_pattern=re.compile(r"[A-Za-z0-9_]+"),
            sure=False,
            notes="the 10,000-member limit and the chosen phone column are in the Audiences "
            "page; the 5 MB limit comes from the issue, not from that page",
        ),
        Platform(
            key="vapi",
            name="Vapi",
            phone_header="number",
            max_rows=10_000,
            max_bytes=5 * MB,
            docs="https://docs.vapi.ai/outbound-campaigns/contact-data",
            sure=True,
            notes="a lowercase `number` column (E.164 advised); an optional lowercase `name` "
            "(up to 40 characters); other columns become dynamic variables; 10,000 rows per "
            "campaign, 5 MB per file in the Dashboard",
        ),
        Platform(
            key="retell",
            name="Retell",
            phone_header="phone number",
            max_rows=None,
            max_bytes=None,
            docs="https://docs.retellai.com/deploy/make-batch-call",
            sure=True,
            notes="a `phone number` column (E.164 unless `ignore e164 validation` is set); "
            "other columns become dynamic variables; no row or size limit on the page",
        ),
        Platform(
            key="bland",
            name="Bland",
            phone_header="phone_number",
            max_rows=None,
            max_bytes=None,
            docs="https://docs.bland.ai/tutorials/batch-calls",
            sure=True,
            notes="a `phone_number` column; other columns become variables; no row or size "
            "limit on the page",
        ),
        Platform(
            key="elevenlabs",
            name="ElevenLabs",
            phone_header="phone_number",
            max_rows=None,
            max_bytes=None,
            docs="https://elevenlabs.io/docs/eleven-agents/phone-numbers/batch-calls",
            reserved_prefixes=("system__",),
            sure=False,
            notes="`phone_number` (the recipients' field in the batch-calling API); other "
            "columns become dynamic variables; `system__` names are the platform's own "
            "variables (not confirmed on the page); no limit found",
        ),
    )
}


def column_refusals(platform: Platform, columns: list[str], phone_column: str) -> list[str]:
    """One sentence per column name the platform would refuse (empty when all pass).

    Checked on the exported names: the phone column is exported as `phone_header`, so
    another column already called that (in any case) would make two phone columns.
    """
    header = phone_header(platform, phone_column)
    problems: list[str] = []
    for position, name in enumerate(columns, start=1):
        if name == phone_column:
            continue
        folded = name.casefold()
        if folded == header.casefold():
            problems.append(
                f"column {position} {name!r} is the name {platform.name} gives the phone "
                f"column ({phone_column!r} is exported as {header!r})"
            )
        elif folded in (r.casefold() for r in platform.reserved):
            problems.append(f"column {position} {name!r} is reserved by {platform.name}")
        elif any(folded.startswith(p.casefold()) for p in platform.reserved_prefixes):
            prefixes = ", ".join(repr(p) for p in platform.reserved_prefixes)
            problems.append(
                f"column {position} {name!r} starts with {prefixes}, kept by {platform.name} "
                "for its own variables"
            )
        elif platform.name_pattern is not None and not platform.name_pattern.fullmatch(name):
            problems.append(
                f"column {position} {name!r} may hold only letters, digits and _ for "
                f"{platform.name}"
            )
    return problems


def phone_header(platform: Platform, phone_column: str) -> str:
    """The header the phone column gets in an export for `platform`."""
    return platform.phone_header or phone_column


def platform(key: str) -> Platform:
    """The platform by its key (atoms, vapi, retell, bland, elevenlabs)."""
    try:
        return PLATFORMS[key]
    except KeyError:
        raise ValueError(f"no platform {key!r}; choose one of: {', '.join(PLATFORMS)}") from None
