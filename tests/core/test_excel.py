"""Excel workbooks read as people have them: real .xlsx/.xls files written here, read into
the same text table as a CSV; phones stored as numbers named; bad workbooks refused in one
sentence."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from core.errors import UnreadableFile
from core.excel import MAX_WORKBOOK_BYTES, workbook_kind
from core.plan import plan_check, plan_create
from core.reading import read_file

Cell = Any  # a value, or ("number"|"text"|"date"|"bool"|"formula", value[, result])


def workbook(path: Path, sheets: dict[str, list[list[Cell]]], *, start_row: int = 0) -> Path:
    """Write a real .xlsx: strings as text cells, ints and floats as number cells."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                at = (start_row + r, c)
                if value is None:
                    continue
                if isinstance(value, tuple):
                    kind, *rest = value
                    if kind == "date":
                        sheet.write_datetime(*at, rest[0], date_format)
                    elif kind == "bool":
                        sheet.write_boolean(*at, rest[0])
                    elif kind == "formula":
                        sheet.write_formula(*at, rest[0], None, rest[1])
                elif isinstance(value, bool):
                    sheet.write_boolean(*at, value)
                elif isinstance(value, int | float):
                    sheet.write_number(*at, value)
                else:
                    sheet.write_string(*at, value)
    book.close()
    return path


# A CRM export as Excel users have it: some phones typed as numbers (the + and the
# leading 0 gone), some as text, one float from a formula-era sheet.
MARCH, NEW_YEAR = ("date", dt.datetime(2024, 3, 5)), ("date", dt.datetime(2023, 12, 31))
CONTACTS: list[list[Cell]] = [
    ["Name", "Phone", "Email", "Signed up", "Zip", "Score", "VIP"],
    ["Ann Lee", 447400123456, "ann@example.com", MARCH, "00501", 1.5, True],
    ["Bob Roy", "+447400123457", "bob@example.com", "soon", "02134", 2, False],
    ["Cy Zhu", 12025550147.0, "cy@example.com", NEW_YEAR, "10001", 3.25, True],
    ["Di Ng", "12025550148.0", "di@example.com", "", "94105", 4, False],
    ["Ed Kim", 7400123456, "ed@example.com", "", "60601", 5, False],
]  # fmt: skip


def test_cells_are_text_as_shown_and_number_cells_are_named(tmp_path: Path) -> None:
    table = read_file(workbook(tmp_path / "crm.xlsx", {"Contacts": CONTACTS}))
    assert table.headers == CONTACTS[0]
    assert table.sheet == "Contacts" and table.sheets == ["Contacts"]
    assert table.parser == "excel" and table.converted_from is None
    assert table.frame.to_dicts()[0] == {
        "Name": "Ann Lee",
        "Phone": "447400123456",  # a number cell: digits, its + gone for good
        "Email": "ann@example.com",
        "Signed up": "2024-03-05 00:00:00",
        "Zip": "00501",  # text cells keep their zeros
        "Score": "1.5",
        "VIP": "true",
    }
    # 12025550147.0 as a number has no `.0`; as text it stays as typed.
    assert table.frame["Phone"].to_list() == [
        "447400123456",
        "+447400123457",
        "12025550147",
        "12025550148.0",
        "7400123456",
    ]
    assert table.numeric_columns == {"Phone": "some", "Score": "all"}
    assert all(str(dtype) == "String" for dtype in table.frame.dtypes)
    assert table.lines == [2, 3, 4, 5, 6]


def test_a_phone_column_of_numbers_is_all_numbers(tmp_path: Path) -> None:
    rows = [["name", "phone"], ["A", 447400123456], ["B", 919876543210], ["C", None]]
    table = read_file(workbook(tmp_path / "n.xlsx", {"S": rows}))
    assert table.numeric_columns == {"phone": "all"}  # an empty cell is no text
    assert table.frame["phone"].to_list() == ["447400123456", "919876543210", ""]


def test_formulas_and_errors_read_as_their_shown_result(tmp_path: Path) -> None:
    rows = [
        ["name", "phone", "calc"],
        ["A", "+12025550123", ("formula", "=1+1", 2)],
        ["B", "+12025550124", ("formula", '="a"&"b"', "ab")],
        ["C", "+12025550125", ("formula", "=NA()", "#N/A")],
    ]
    table = read_file(workbook(tmp_path / "f.xlsx", {"S": rows}))
    assert table.frame["calc"].to_list() == ["2", "ab", ""]
    assert table.numeric_columns == {"calc": "some"}


def test_sheets_are_chosen_by_name(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "two.xlsx",
        {
            "Summary": [["total"], [2]],
            "Leads": [["phone", "name"], ["+12025550123", "Ann"], ["+12025550124", "Bo"]],
            "Empty": [],
        },
    )
    first = read_file(path)
    assert first.sheet == "Summary" and first.headers == ["total"]
    leads = read_file(path, sheet="Leads")
    assert leads.sheet == "Leads" and leads.rows == 2
    assert leads.sheets == ["Summary", "Leads", "Empty"]
    with pytest.raises(UnreadableFile) as unknown:
        read_file(path, sheet="leads")
    assert unknown.value.message == (
        "the workbook has no sheet named 'leads'; its sheets are: 'Summary', 'Leads', 'Empty'"
    )
    with pytest.raises(UnreadableFile, match="^sheet 'Empty' is empty$"):
        read_file(path, sheet="Empty")


def test_an_encoding_named_for_a_workbook_is_refused(tmp_path: Path) -> None:
    """--encoding is consent to convert a CSV's text: on a workbook it would do nothing,
    so it is refused rather than ignored without a word."""
    path = workbook(tmp_path / "leads.xlsx", {"Leads": [["phone"], ["+12025550147"]]})
    with pytest.raises(UnreadableFile, match="leads.xlsx is an Excel workbook.*without --encoding"):
        read_file(path, encoding="cp1252")
    assert read_file(path).rows == 1


def test_blank_rows_and_columns_are_left_out_and_rows_keep_sheet_numbers(tmp_path: Path) -> None:
    rows = [
        ["name", None, "phone"],
        ["A", None, "+12025550123"],
        [None, None, None],
        ["   ", None, ""],
        ["B", None, "+12025550124"],
    ]
    table = read_file(workbook(tmp_path / "gaps.xlsx", {"S": rows}, start_row=2))
    assert table.headers == ["name", "phone"]
    assert table.frame.rows() == [("A", "+12025550123"), ("B", "+12025550124")]
    assert table.lines == [4, 7]  # the header is on row 3 of the sheet


def test_header_only_sheet_has_no_rows(tmp_path: Path) -> None:
    table = read_file(workbook(tmp_path / "h.xlsx", {"S": [["phone", "name"]]}))
    assert table.headers == ["phone", "name"] and table.rows == 0


def test_cyrillic_headers_get_transliterated_proposals(tmp_path: Path) -> None:
    rows = [["Имя", "Телефон"], ["Иван", "+79161234567"], ["Ольга", 79262345678]]
    table = read_file(workbook(tmp_path / "ru.xlsx", {"Контакты": rows}))
    assert table.sheet == "Контакты"
    plan = plan_create(table, "Телефон", fix_headers=True)
    assert plan.columns == ["Imya", "Telefon"] and plan.new == 2
    assert table.numeric_columns == {"Телефон": "some"}


def test_control_characters_and_markup_in_cells(tmp_path: Path) -> None:
    rows = [["name", "phone"], ["[b]A\x1b[31m\u202eB", "+12025550123"]]
    table = read_file(workbook(tmp_path / "c.xlsx", {"S": rows}))
    assert table.frame["name"].to_list() == ["[b]A[31mB"] and table.cleaned_cells == 1


def test_phones_judged_after_excel(tmp_path: Path) -> None:
    """Number cells with their country code are valid as `+digits`; one that lost its 0
    and country code is invalid, with the default region's hint."""
    plan = plan_check(
        read_file(workbook(tmp_path / "crm.xlsx", {"Contacts": CONTACTS})),
        "Phone",
        default_region="GB",
    )
    statuses = plan.rows["status"].to_list()
    assert statuses[0] == statuses[1] == statuses[2] == "new"
    assert statuses[3] == "bad_characters"  # `12025550148.0` typed as text
    assert statuses[4] != "new"
    hint = {p.row: p.hint for p in plan.problems()}[5]
    assert hint and "+447400123456" in hint


def test_old_xls_workbooks_are_read(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Leads")
    for c, value in enumerate(["Name", "Phone"]):
        sheet.write(0, c, value)
    sheet.write(1, 0, "Ann")
    sheet.write(1, 1, 447400123456)
    sheet.write(2, 0, "Bob")
    sheet.write(2, 1, "+12025550147")
    path = tmp_path / "old.xls"
    book.save(str(path))
    table = read_file(path)
    assert table.sheet == "Leads"
    assert table.frame.rows() == [("Ann", "447400123456"), ("Bob", "+12025550147")]
    assert table.numeric_columns == {"Phone": "some"}


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "export.csv", {"S": [["phone"], ["+12025550123"]]})
    assert read_file(path).sheet == "S"


def test_csv_text_named_xls_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "download.xls"
    path.write_text("phone\tname\n+12025550123\tAnn\n")
    table = read_file(path)
    assert table.sheet is None and table.delimiter == "\t" and table.rows == 1


def test_a_web_page_named_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.xls"
    path.write_text("<html><table><tr><td>phone</td></tr></table></html>")
    with pytest.raises(UnreadableFile, match="web page"):
        read_file(path)


def test_a_sheet_named_for_a_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("phone\n+12025550123\n")
    with pytest.raises(UnreadableFile, match="plain.csv is a CSV text file, not an Excel"):
        read_file(path, sheet="Sheet1")


def encrypted(source: Path, target: Path) -> Path:
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    with source.open("rb") as plain, target.open("wb") as out:
        msoffcrypto.OOXMLFile(plain).encrypt("secret", out)
    return target


@pytest.mark.parametrize("case", ["truncated", "password", "zip of other files", "garbage"])
def test_bad_workbooks_are_refused_in_one_sentence(case: str, tmp_path: Path) -> None:
    good = workbook(tmp_path / "good.xlsx", {"S": [["phone", "name"], ["+12025550123", "Ann"]]})
    path = tmp_path / "bad.xlsx"
    if case == "truncated":
        path.write_bytes(good.read_bytes()[:2000])
    elif case == "password":
        encrypted(good, path)
    elif case == "zip of other files":
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.txt", "Ann +12025550123")
    else:
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(UnreadableFile) as caught:
        read_file(path)
    message = caught.value.message
    assert message.count("\n") == 0 and "Ann" not in message and "2025550123" not in message
    if case == "password":
        assert message.startswith("the workbook is password-protected")
    else:
        assert message.startswith("the workbook cannot be read (it is damaged")


def test_big_workbooks_are_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as file:  # sparse: no disk used
        file.write(b"PK\x03\x04")
        file.truncate(MAX_WORKBOOK_BYTES + 1)
    with pytest.raises(UnreadableFile, match="workbooks up to 20 MB are read"):
        read_file(path)


def test_workbook_kind_is_told_by_content() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write(0, 0, "phone")
    book.close()
    data = buffer.getvalue()
    assert workbook_kind(data, "x.csv") == "xlsx"
    assert workbook_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.csv") == "xls"
    assert workbook_kind(b"PK\x03\x04broken", "x.csv") is None  # refused as a ZIP archive
    assert workbook_kind(b"PK\x03\x04broken", "x.XLSX") == "xlsx"  # refused as damaged
    assert workbook_kind(b"phone\n+1\n", "x.xlsx") is None


# --- the command line -------------------------------------------------------------------


def run(*args: str | Path, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    store = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *store, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_check_names_the_sheet_and_the_numbers(tmp_path: Path) -> None:
    path = workbook(tmp_path / "crm.xlsx", {"Contacts": CONTACTS, "Other": [["x"], ["y"]]})
    result = run("check", path, "--phone-column", "Phone", "--default-region", "GB")
    assert result.returncode == 1, result.stderr
    assert "crm.xlsx: 5 rows, 7 columns, Excel sheet 'Contacts'" in result.stdout
    assert (
        "column Phone holds numbers, not text (in some cells): leading + and 0 were lost; "
        "re-export it as text, or repair it with --repair and --default-region (the numbers' "
        "country)"
    ) in result.stdout
    # The number cell that lost its 0 is repaired only with the region it was typed in.
    assert "'7400123456' too_short - add the country code of GB: +447400123456" in result.stdout
    report = json.loads(run("check", path, "--json", "--phone-column", "Phone").stdout)
    assert report["sheet"] == "Contacts"
    assert report["numeric_columns"] == {"Phone": "some", "Score": "all"}
    unknown = run("check", path, "--sheet", "Leads")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr == (
        "audiences: the workbook has no sheet named 'Leads'; its sheets are: 'Contacts', 'Other'\n"
    )


def test_cli_create_and_add_from_sheets(tmp_path: Path) -> None:
    db = tmp_path / "store"
    path = workbook(
        tmp_path / "leads.xlsx",
        {
            "March": [["name", "phone"], ["Ann", "+447400123456"], ["Bo", 919876543210]],
            "April": [["name", "phone"], ["Cy", "+12025550123"]],
        },
    )
    created = run("create", "Leads", path, "--phone-column", "phone", db=db)
    assert created.returncode == 0, created.stderr
    assert "column phone holds numbers, not text (in some cells)" in created.stdout
    added = run("add", "Leads", path, "--sheet", "April", db=db)
    assert added.returncode == 0, added.stderr
    shown = json.loads(run("show", "Leads", "--json", db=db).stdout)
    assert [m["phone"] for m in shown["members"]] == [
        "+447400123456",
        "919876543210",
        "+12025550123",
    ]
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(path.read_bytes()[:1500])
    refused = run("add", "Leads", damaged, db=db)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "the workbook cannot be read" in refused.stderr
