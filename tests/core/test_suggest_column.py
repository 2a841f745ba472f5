"""The suggested phone column of real-shaped exports (issue 9, section 4): formatted
numbers count as phone-like, a header that names a phone wins over plain figures that
happen to be valid numbers somewhere, and `tel` inside a word (`DateLatest`) names
nothing. Each file is written to disk and read as the commands read it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main
from core.profile import TableProfile, names_phone, profile_table
from core.reading import read_file

WriteCsv = Callable[..., Path]

# Figures an Apollo export puts in `Annual Revenue`: digits only, and (the trap) most of
# them valid numbers of some country when read as +digits.
REVENUES = ["2015550123", "4930123456", "4798091148", "4543254615", "12000000", "330000000"]


def profile_of(write_csv: WriteCsv, text: str, name: str = "export.csv") -> TableProfile:
    return profile_table(read_file(write_csv(text, name)))


def apollo_csv(revenue_first: bool) -> str:
    money = "Annual Revenue"
    phone = "Corporate Phone"
    middle = [money, phone] if revenue_first else [phone, money]
    headers = ["First Name", "Last Name", "Title", "Company", "Email", *middle, "# Employees"]
    lines = [",".join(headers)]
    for i, revenue in enumerate(REVENUES):
        cells = {money: revenue, phone: f"'+1 615-678-{4794 + i:04d}"}
        lines.append(
            ",".join(
                [f"Ann{i}", f"Lee{i}", "CEO", f"Acme {i}", f"ann{i}@example.com"]
                + [cells[h] for h in middle]
                + [str(40 + i)]
            )
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("revenue_first", [True, False])
def test_apollo_corporate_phone_over_annual_revenue(
    write_csv: WriteCsv, revenue_first: bool
) -> None:
    profile = profile_of(write_csv, apollo_csv(revenue_first))
    revenue = profile.column("Annual Revenue")
    # The trap is real: most revenues are valid numbers as +digits, and no phone is
    # valid as typed (each is quoted and formatted).
    assert revenue.valid_phones * 2 >= revenue.non_empty
    phone = profile.column("Corporate Phone")
    assert phone.valid_phones == 0 and phone.repairable == len(REVENUES)
    assert profile.suggested_phone_column == "Corporate Phone"


def test_check_uses_the_apollo_suggestion(write_csv: WriteCsv) -> None:
    path = write_csv(apollo_csv(revenue_first=True), "apollo.csv")
    result = CliRunner().invoke(main, ["check", str(path), "--repair"], catch_exceptions=False)
    assert "suggested phone column: Corporate Phone" in result.output
    assert "phone column: Corporate Phone" in result.output
    assert result.exit_code == 0, result.output  # every quoted number repaired


@pytest.mark.parametrize("name", ["DateLatest", "dateLatest", "Hotel", "Motel_Name", "Intel"])
def test_tel_inside_a_word_names_no_phone(name: str) -> None:
    assert not names_phone(name)


@pytest.mark.parametrize(
    "name", ["Tel", "tel_no", "Corporate Phone", "mobileNumber", "Phone 1 - Value", "Cell"]
)
def test_phone_words_name_a_phone(name: str) -> None:
    assert names_phone(name)


def test_a_date_latest_column_is_not_the_phone_column(write_csv: WriteCsv) -> None:
    text = (
        "Name,DateLatest,Mobile\n"
        "Ann,2024-01-05,+1 202 555 0123\n"
        "Bo,2024-02-11,(202) 555-0124\n"
        "Cy,2023-12-30,+1 202 555 0125\n"
    )
    profile = profile_of(write_csv, text)
    assert profile.suggested_phone_column == "Mobile"
    # With no phone column at all, a date column is not proposed either.
    dates_only = "Name,DateLatest\nAnn,2024-01-05\nBo,2024-02-11\n"
    assert profile_of(write_csv, dates_only, "dates.csv").suggested_phone_column is None


def test_google_contacts_phone_value(write_csv: WriteCsv) -> None:
    text = (
        "Name,Given Name,Family Name,Birthday,Phone 1 - Type,Phone 1 - Value,"
        "Phone 2 - Type,Phone 2 - Value,Organization 1 - Name\n"
        "Ann Lee,Ann,Lee,1980-01-02,Mobile,+1 202-555-0123,Work,,Acme\n"
        "Bo Chen,Bo,Chen,1975-05-06,Home,(415) 555-0100,,,Initech\n"
        "Cy Dee,Cy,Dee,1990-12-24,Mobile,+44 7400 123456,Home,+44 20 7946 0958,\n"
    )
    assert profile_of(write_csv, text).suggested_phone_column == "Phone 1 - Value"


def test_hubspot_phone_number(write_csv: WriteCsv) -> None:
    from exports import hubspot_csv

    assert profile_of(write_csv, hubspot_csv()).suggested_phone_column == "Phone Number"


@pytest.mark.parametrize("sum_first", [True, False])
def test_cyrillic_phone_header(write_csv: WriteCsv, sum_first: bool) -> None:
    # `Сумма` (amount) holds figures valid as +digits; `Телефон` holds formatted numbers.
    sums = ["74951234000", "79161234000", "4951234567"]
    phones = ["+7 (495) 123-45-67", "8 (916) 123-45-67", "+7 916 765-43-21"]
    heads = ["Сумма", "Телефон"] if sum_first else ["Телефон", "Сумма"]
    lines = ["Имя," + ",".join(heads) + ",Дата"]
    for i, (amount, phone) in enumerate(zip(sums, phones, strict=True)):
        cells = {"Сумма": amount, "Телефон": phone}
        lines.append(f"Имя{i}," + ",".join(cells[h] for h in heads) + f",2024-01-0{i + 1}")
    profile = profile_of(write_csv, "\n".join(lines) + "\n")
    amount = profile.column("Сумма")
    assert amount.valid_phones * 2 >= amount.non_empty  # the trap is real
    assert profile.suggested_phone_column == "Телефон"


@pytest.mark.parametrize("name", ["Телефон", "Номер телефона", "Мобильный", "Téléphone"])
def test_non_ascii_phone_headers_name_a_phone(name: str) -> None:
    assert names_phone(name)
