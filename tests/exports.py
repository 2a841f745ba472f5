"""Files shaped like real contact exports, made here (seeded) so the suite needs no
download: a HubSpot export of 14 contacts with numbers as people type them, and files
shaped like the public us-500 and uk-500 sample lists (formatted national numbers).

Every number is a valid number of its country; each file also says which E.164 number
each row means, so tests can check that repairs give exactly that number.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

import phonenumbers

HUBSPOT_HEADERS = [
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Company Name",
    "Lifecycle Stage",
    "Create Date",
]

# (first, last, phone as typed, the number it means or None when no single one follows)
HUBSPOT_ROWS: list[tuple[str, str, str, str | None]] = [
    ("Ann", "Lee", "(202) 555-0123", "+12025550123"),
    ("Ben", "Okafor", "+44 20 7946 0958", "+442079460958"),
    ("Chloé", "Martin", "0044 20 7946 0959", "+442079460959"),
    ("Dev", "Patel", "91-98765-43210", "+919876543210"),
    ("Eve", "Novak", "+1 (415) 555-0100", "+14155550100"),
    ("Finn", "Walsh", "202.555.0146", "+12025550146"),
    ("Gia", "Rossi", "'+1 615-678-4794", "+16156784794"),
    ("Hugo", "Brandt", "tel:+12025550144", "+12025550144"),
    ("Ivy", "Chen", "+12025550147", "+12025550147"),  # already right
    ("Jon", "Berg", "011 44 20 7946 0960", "+442079460960"),
    ("Kai", "Moreau", "12025550148.0", "+12025550148"),  # a spreadsheet's decimal
    ("Lea", "Ito", "1.20256E+10", None),  # scientific notation: digits lost
    ("Max", "Kowal", "202-555-0199 ext. 7", None),  # an extension: never guessed
    ("Nia", "Adeyemi", "", None),  # no number
]


def hubspot_csv(rows: list[tuple[str, str, str, str | None]] | None = None) -> str:
    """The HubSpot-style export as CSV text (headers with spaces, as HubSpot writes)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HUBSPOT_HEADERS)
    for i, (first, last, phone, _) in enumerate(rows or HUBSPOT_ROWS):
        email = f"{first.lower()}.{last.lower()}@example.com"
        writer.writerow(
            [first, last, email, phone, f"Acme {i % 3}", "lead", f"2026-11-{1 + i:02d} 09:30"]
        )
    return out.getvalue()


@dataclass(frozen=True)
class SampleList:
    """A generated sample list: its CSV text and the E.164 number of each row."""

    text: str
    numbers: list[str]


def _valid(rng: random.Random, region: str, kind: int) -> phonenumbers.PhoneNumber:
    """A valid number of the region and type: the example's length, random digits."""
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    national = str(example.national_number)
    while True:
        digits = "".join(rng.choice("0123456789") for _ in range(len(national)))
        number = phonenumbers.parse(f"+{example.country_code}{digits}")
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
            kind,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            return number


def us500(rows: int = 500, seed: int = 500) -> SampleList:
    """Shaped like us-500.csv: phone1/phone2 as `504-621-8927` (no country code)."""
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "first_name",
            "last_name",
            "company_name",
            "address",
            "city",
            "county",
            "state",
            "zip",
            "phone1",
            "phone2",
            "email",
            "web",
        ]
    )
    numbers = []
    for i in range(rows):
        one = _valid(rng, "US", phonenumbers.PhoneNumberType.FIXED_LINE)
        two = _valid(rng, "US", phonenumbers.PhoneNumberType.FIXED_LINE)
        n1, n2 = (str(n.national_number) for n in (one, two))
        writer.writerow(
            [
                f"First{i}",
                f"Last{i}",
                f"Company {i}",
                f"{i} Main St",
                "Springfield",
                "Greene",
                "MO",
                f"{65800 + i % 99:05d}",
                f"{n1[:3]}-{n1[3:6]}-{n1[6:]}",
                f"{n2[:3]}-{n2[3:6]}-{n2[6:]}",
                f"person{i}@example.com",
                "http://example.com",
            ]
        )
        numbers.append(phonenumbers.format_number(one, phonenumbers.PhoneNumberFormat.E164))
    return SampleList(out.getvalue(), numbers)


def uk500(rows: int = 500, seed: int = 44) -> SampleList:
    """Shaped like uk-500.csv: phone1/phone2 as `01835-703597` (trunk 0, no code)."""
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "first_name",
            "last_name",
            "company_name",
            "address",
            "city",
            "county",
            "postal",
            "phone1",
            "phone2",
            "email",
            "web",
        ]
    )
    numbers = []
    for i in range(rows):
        one = _valid(rng, "GB", phonenumbers.PhoneNumberType.FIXED_LINE)
        two = _valid(rng, "GB", phonenumbers.PhoneNumberType.MOBILE)
        n1 = "0" + str(one.national_number)
        n2 = "0" + str(two.national_number)
        writer.writerow(
            [
                f"First{i}",
                f"Last{i}",
                f"Company {i}",
                f"{i} High St",
                "Leeds",
                "Yorkshire",
                "LS1 4AP",
                f"{n1[:5]}-{n1[5:]}",
                f"{n2[:5]}-{n2[5:]}",
                f"p{i}@example.co.uk",
                "http://example.co.uk",
            ]
        )
        numbers.append(phonenumbers.format_number(one, phonenumbers.PhoneNumberFormat.E164))
    return SampleList(out.getvalue(), numbers)
