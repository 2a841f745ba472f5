"""The ways the issue compares against: per-row csv + phonenumbers, and a bare Polars read."""

from __future__ import annotations

import csv
from pathlib import Path

import phonenumbers


def per_row_loop(path: Path, phone_column: str = "phone") -> dict[str, int]:
    """`csv` module + `phonenumbers.parse`/`is_valid_number` per row (pattern cache on).

    Does the same checks as `audiences check` minus hints: format rule, verdict, region,
    duplicates on E.164.
    """
    phonenumbers.enable_pattern_cache()
    valid = invalid = duplicates = 0
    seen: set[str] = set()
    regions: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            value = row[phone_column]
            digits = value[1:] if value.startswith("+") else value
            if not digits.isascii() or not digits.isdigit():
                invalid += 1
                continue
            try:
                number = phonenumbers.parse("+" + digits, None)
            except phonenumbers.NumberParseException:
                invalid += 1
                continue
            if not phonenumbers.is_valid_number(number):
                invalid += 1
                continue
            key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            valid += 1
            region = phonenumbers.region_code_for_number(number)
            regions[region] = regions.get(region, 0) + 1
    return {"valid": valid, "invalid": invalid, "duplicates": duplicates}


def polars_read(path: Path) -> int:
    """Polars reading the file alone, every column as text (the floor)."""
    import polars as pl

    return pl.read_csv(path, infer_schema=False).height
