"""The baseline of issue 12: a naive per-row check, as a person would write it in 12 lines.

`python benchmarks/naive_check.py FILE [PHONE_COLUMN]`: the csv module and phonenumbers
(pattern cache on), one row at a time: valid, invalid and repeated numbers (E.164).
"""

import csv
import sys

import phonenumbers

phonenumbers.enable_pattern_cache()
column = sys.argv[2] if len(sys.argv) > 2 else "phone"
valid = invalid = repeats = 0
seen: set[str] = set()
with open(sys.argv[1], newline="", encoding="utf-8") as file:
    for row in csv.DictReader(file):
        value = row[column]
        try:
            number = phonenumbers.parse(value if value.startswith("+") else "+" + value)
        except phonenumbers.NumberParseException:
            invalid += 1
            continue
        if not phonenumbers.is_valid_number(number):
            invalid += 1
            continue
        key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        repeats += key in seen
        valid += key not in seen
        seen.add(key)
print(f"valid {valid}, invalid {invalid}, repeats {repeats}")
