"""Deterministic (seeded) benchmark data: contact CSVs with numbers from many regions."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import phonenumbers

DATA = Path(__file__).parent / "data"


@cache
def _prefixes() -> list[tuple[int, str]]:
    """(country code, national number) of every region's example mobile and fixed line."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                out.append((example.country_code, str(example.national_number)))
    return out


def phone_values(n: int, seed: int = 1, valid_share: float = 0.7) -> list[str]:
    """n phone cells, roughly `valid_share` valid, the rest broken in the usual ways."""
    rng = random.Random(seed)
    prefixes = _prefixes()
    out = []
    for _ in range(n):
        code, national = rng.choice(prefixes)
        tail = "".join(rng.choice("0123456789") for _ in range(min(3, len(national) - 2)))
        national = national[: len(national) - len(tail)] + tail
        roll = rng.random()
        if roll < valid_share:
            value = f"+{code}{national}" if rng.random() < 0.5 else f"{code}{national}"
        elif roll < valid_share + 0.08:
            value = national  # missing country code
        elif roll < valid_share + 0.14:
            value = f"+{code} {national[:3]} {national[3:]}"  # spaces
        elif roll < valid_share + 0.2:
            value = f"+{code}{national}{rng.randint(0, 99)}"  # too long
        elif roll < valid_share + 0.25:
            value = f"+{code}{national[:3]}"  # too short
        else:
            value = ""
        out.append(value)
    return out


def contact_csv(rows: int, seed: int = 1) -> Path:
    """A 5-column contact CSV with `rows` rows (cached on disk under benchmarks/data/)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"contacts_{rows}_{seed}.csv"
    if path.exists():
        return path
    rng = random.Random(seed + 1)
    phones = phone_values(rows, seed)
    first = ["Ann", "Bo", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hiro", "Ines", "Jamal"]
    cities = ["Leeds", "Pune", "Austin", "Lagos", "Oslo", "Lima", "Osaka", "Perth"]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("phone,first_name,last_name,city,notes\n")
        for i, phone in enumerate(phones):
            fh.write(
                f"{phone},{rng.choice(first)},{rng.choice(first)}son,{rng.choice(cities)},"
                f"customer {i}\n"
            )
    tmp.replace(path)
    return path


def large_contact_csv(rows: int, seed: int = 1) -> Path:
    """A contact CSV of `rows` rows (10 million: about 460 MB) for the batched path,
    built from copies of the 1M-row file whose phones' last two digits are shifted per
    copy (so most numbers stay valid and distinct), written by Polars."""
    import polars as pl

    path = DATA / f"contacts_{rows}_{seed}_large.csv"
    if path.exists():
        return path
    base = pl.read_csv(contact_csv(1_000_000, seed), infer_schema=False).fill_null("")
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        done = 0
        copy = 0
        while done < rows:
            part = base.head(rows - done)
            if copy:
                phone = pl.col("phone")
                digits = phone.str.slice(-2).cast(pl.Int64, strict=False)
                shifted = ((digits + 7 * copy) % 100).cast(pl.String).str.zfill(2)
                part = part.with_columns(
                    phone=pl.when(phone.str.contains(r"[0-9]{2}$"))
                    .then(pl.concat_str(phone.str.slice(0, phone.str.len_chars() - 2), shifted))
                    .otherwise(phone),
                    notes=pl.concat_str(pl.lit(f"copy {copy} "), pl.col("notes")),
                )
            part.write_csv(out, include_header=copy == 0, quote_style="never")
            done += part.height
            copy += 1
    tmp.replace(path)
    return path
