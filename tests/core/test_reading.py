"""Reading rules on real files: text only, encodings, delimiters, shape errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.errors import EncodingNeedsConsent, MalformedRow, UnreadableFile
from core.reading import read_file

WriteCsv = Callable[..., Path]


def test_cells_are_text_byte_for_byte(write_csv: WriteCsv) -> None:
    table = read_file(write_csv("phone,zip,amount\n+0044123,007,1e3\n919876543210,00,0.50\n"))
    assert table.frame.to_dicts() == [
        {"phone": "+0044123", "zip": "007", "amount": "1e3"},
        {"phone": "919876543210", "zip": "00", "amount": "0.50"},
    ]


@pytest.mark.parametrize("quoted", [False, True])
def test_both_parsers_give_the_same_table(write_csv: WriteCsv, quoted: bool) -> None:
    text = "phone,name\n+12025550123,Ann\n\n919876543210,Bo\r\n"
    if quoted:
        text = text.replace("Ann", '"Ann"')
    table = read_file(write_csv(text))
    assert table.parser == ("csv" if quoted else "vectorized")
    assert table.frame.to_dicts() == [
        {"phone": "+12025550123", "name": "Ann"},
        {"phone": "919876543210", "name": "Bo"},
    ]
    assert table.lines == [2, 4]


def test_utf8_bom_never_sticks_to_the_first_header(write_csv: WriteCsv) -> None:
    table = read_file(write_csv(b"\xef\xbb\xbfphone,name\n+12025550123,Zo\xc3\xab\n"))
    assert table.headers == ["phone", "name"]
    assert table.encoding == "utf-8-sig"
    assert table.frame["name"][0] == "Zoë"


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        ("phone,name\n+12025550123,José\n".encode("cp1252"), "cp1252"),
        ("phone,name\n+12025550123,Zoë\x81\n".encode("latin-1"), "latin-1"),
        ("phone,name\n+12025550123,José\n".encode("utf-16"), "utf-16-le"),
        ("phone,name\n+12025550123,José\n".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_other_encodings_need_consent(write_csv: WriteCsv, data: bytes, detected: str) -> None:
    path = write_csv(data)
    with pytest.raises(EncodingNeedsConsent) as refused:
        read_file(path)
    assert refused.value.detected == detected
    assert f"--encoding {detected}" in refused.value.message
    table = read_file(path, encoding=detected)
    assert table.converted_from is not None
    assert table.frame["phone"][0] == "+12025550123"
    assert table.frame["name"][0].startswith(("Jos", "Zo"))


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_delimiter_is_detected_and_reported(write_csv: WriteCsv, delimiter: str, name: str) -> None:
    others = "".join(d for d in ",;\t|" if d != delimiter)
    text = f'phone{delimiter}name{delimiter}note\n+12025550123{delimiter}Ann{delimiter}"{others}"\n'
    table = read_file(write_csv(text))
    assert table.delimiter == delimiter
    assert table.delimiter_name == name
    assert table.frame["note"][0] == others


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "the file is gzip-compressed, not a CSV text file"),
        (b"PK\x03\x04rest", "the file is a ZIP archive (or an Excel .xlsx workbook), not a CSV"),
        (b"%PDF-1.7\n", "the file is a PDF document, not a CSV text file"),
        (b"\x00\x01\x02\x03" * 100, "the file holds binary data (NUL bytes), not CSV text"),
    ],
)
def test_binary_named_csv_is_refused_before_parsing(
    write_csv: WriteCsv, data: bytes, said: str
) -> None:
    """Refused for what it is (never offered a conversion from some encoding)."""
    with pytest.raises(UnreadableFile) as refused:
        read_file(write_csv(data, "contacts.csv"))
    assert type(refused.value) is UnreadableFile
    assert refused.value.message.startswith(said)


@pytest.mark.parametrize(
    ("text", "row", "words"),
    [
        ("phone,name\n+1,a\n+2,b,extra\n", 2, "more than the header"),
        ('phone,name\n+1,"a\n+2,b\n', 1, "quote"),
        ("phone,name\n+1,a\r+2,b\n", 1, "carriage return"),
        ('phone,name\n+1,"a"\r+2,b\n', 1, "carriage return"),
        ("phone,name\n+1,a\n+2\n", 2, "fewer than the header"),
    ],
)
def test_shape_errors_name_the_row(write_csv: WriteCsv, text: str, row: int, words: str) -> None:
    with pytest.raises(MalformedRow) as refused:
        read_file(write_csv(text))
    assert refused.value.row == row
    assert words in refused.value.message
    assert f"row {row}" in refused.value.message


def test_shape_errors_never_quote_cell_values(write_csv: WriteCsv) -> None:
    with pytest.raises(MalformedRow) as refused:
        read_file(write_csv("phone,name\n+12025550123,Secret Name,x\n"))
    assert "Secret" not in refused.value.message and "2025550123" not in refused.value.message


def test_control_characters_are_removed_and_counted(write_csv: WriteCsv) -> None:
    text = "phone,name\n+12025550123,\x1b[31mAnn\x07\n+12025550124,Bo\u202eb\n+12025550125,Cy\tD\n"
    table = read_file(write_csv(text))
    assert table.frame["name"].to_list() == ["[31mAnn", "Bob", "Cy\tD"]
    assert table.cleaned_cells == 2


def test_empty_and_missing_files_are_refused(write_csv: WriteCsv, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        read_file(write_csv(""))
    with pytest.raises(UnreadableFile, match="no file"):
        read_file(tmp_path / "nope.csv")
    with pytest.raises(UnreadableFile, match="folder"):
        read_file(tmp_path)


def test_header_only_file_has_no_rows(write_csv: WriteCsv) -> None:
    table = read_file(write_csv("phone,name\n"))
    assert table.headers == ["phone", "name"] and table.rows == 0


def test_duplicate_headers_still_read_under_fixed_names(write_csv: WriteCsv) -> None:
    table = read_file(write_csv("phone,phone,\n+1,+2,x\n"))
    assert table.headers == ["phone", "phone", ""]
    assert table.frame.columns == ["phone", "phone_2", "column_3"]


@pytest.mark.parametrize("quoted", [False, True])
def test_empty_unnamed_columns_at_the_end_are_left_out(write_csv: WriteCsv, quoted: bool) -> None:
    """A spreadsheet saved as CSV ends every line with `;;` when empty columns beyond
    the data were formatted: no name, no value, nothing to keep (both parsers)."""
    text = "phone;name;;\r\n+12025550123;Ann;;\r\n+12025550124;Bob; ;\r\n"
    if quoted:
        text = text.replace("Ann", '"Ann"')
    table = read_file(write_csv(text))
    assert table.headers == ["phone", "name"] and table.frame.columns == ["phone", "name"]
    assert table.left_out == (3, 4)
    assert table.frame.to_dicts()[1] == {"phone": "+12025550124", "name": "Bob"}


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        # A column with no name that holds a value is kept (it needs a name).
        ("phone,name,\n+12025550123,Ann,x\n", ["phone", "name", "column_3"]),
        # A named empty column is kept (the audience has it).
        ("phone,name,notes\n+12025550123,Ann,\n", ["phone", "name", "notes"]),
        # Only columns at the end: one in the middle keeps its place (and made-up name).
        ("phone,,name,\n+12025550123,,Ann,\n", ["phone", "column_2", "name"]),
    ],
)
def test_other_columns_are_kept(write_csv: WriteCsv, text: str, columns: list[str]) -> None:
    assert read_file(write_csv(text)).frame.columns == columns
