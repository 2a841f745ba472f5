"""Excel workbooks (.xlsx, .xlsm and old .xls) to the same text-only table as a CSV.

Read with fastexcel (Rust calamine, the engine behind `pl.read_excel(engine="calamine")`),
straight into Polars. Every cell becomes text as fastexcel renders it: text cells as
written, number cells as digits (`447400123456`, no `.0` on whole numbers), dates as
`2024-03-05 00:00:00`, booleans as `true`/`false`. A workbook stores a phone typed as a
number without its leading `+` or `0`, so the table records which columns held number
cells (`CsvTable.numeric_columns`): a second pass reads the sheet as booleans, where
only number and boolean cells have a value (text cells are null), which tells them apart
from text cells that hold digits.

Rows are numbered as the sheet numbers them (the header is usually row 1). Rows and
columns with nothing in them are left out, as a CSV's blank lines are.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Literal

from core.errors import UnreadableFile
from core.reading import EXCEL_SUFFIXES
from core.text import strip_controls

if TYPE_CHECKING:
    import polars as pl
    from fastexcel import ExcelReader

    from core.reading import CsvTable

# calamine holds every cell in memory (a 4 MB workbook of 800,000 cells took 160 MB to
# read); 20 MB keeps a check well under 1 GB. Bigger sheets can be saved as CSV.
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024

NumericShare = Literal["all", "some"]

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: old .xls, or an encrypted .xlsx
# Office keeps a password-protected .xlsx as this stream inside a Compound File.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def workbook_kind(data: bytes, name: str = "") -> str | None:
    """ "xlsx" or "xls" when the file is a workbook, else None (read it as CSV text).

    The content decides: a workbook a web export saved as `contacts.csv` is read as the
    workbook it is, and a CSV or tab-separated text named `.xls` (old "Excel" downloads)
    as the text it is. A ZIP that is not a readable workbook counts as one only when its
    name says so (then it is refused as a damaged workbook).
    """
    named = name.lower().endswith(EXCEL_SUFFIXES)
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        return "xlsx" if named else None
    if data.startswith(_OLE):
        return "xls"
    if named and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise UnreadableFile(
            "the file is a web page (HTML) saved under an Excel name, not a workbook; open "
            "it in Excel and save it as .xlsx or CSV"
        )
    return None


def read_workbook(data: bytes, *, sheet: str | None = None, source: str = "") -> CsvTable:
    """One sheet of a workbook (the first when `sheet` is None) as a `CsvTable`."""
    import polars as pl

    from core.reading import CsvTable, clean_frame, usable_names
    from core.text import fixed_column_names

    if len(data) > MAX_WORKBOOK_BYTES:
        raise UnreadableFile(
            f"the workbook is {len(data) / 1024**2:,.0f} MB; workbooks up to "
            f"{MAX_WORKBOOK_BYTES // 1024**2} MB are read: save the sheet as CSV instead"
        )
    reader = _open(data)
    names = [str(n) for n in reader.sheet_names]
    if not names:
        raise UnreadableFile("the workbook has no sheets")
    if sheet is None:
        index = 0
    elif sheet in names:
        index = names.index(sheet)
    else:
        raise UnreadableFile(
            f"the workbook has no sheet named {strip_controls(sheet)!r}; its sheets are: "
            + ", ".join(repr(strip_controls(n)) for n in names)
        )
    name = names[index]
    texts, numbers = _load(reader, index)
    cells = texts.with_columns(pl.all().fill_null(""))
    # Rows and columns with nothing in them hold nothing: left out, as blank CSV lines.
    has_text = cells.select(pl.any_horizontal(pl.all().str.strip_chars() != "")).to_series()
    kept_rows = has_text.arg_true()
    if kept_rows.len() == 0:
        raise UnreadableFile(f"sheet {strip_controls(name)!r} is empty")
    cells = cells[kept_rows]
    numbers = numbers[kept_rows]
    used = [c for c in cells.columns if (cells[c].str.strip_chars() != "").any()]
    cells, numbers = cells.select(used), numbers.select(used)
    headers = [strip_controls(h) for h in cells.row(0)]
    body, numbers = cells.slice(1), numbers.slice(1)
    lines = (kept_rows.slice(1) + 1).cast(pl.Int64).alias("line")
    frame_names = headers if usable_names(headers) else fixed_column_names(headers)
    frame = body.rename(dict(zip(body.columns, frame_names, strict=True)))
    numeric = _numeric_columns(frame, numbers)
    frame, cleaned = clean_frame(frame)
    return CsvTable(
        frame=frame,
        headers=headers,
        delimiter="",
        encoding="utf-8",
        line_numbers=lines,
        cleaned_cells=cleaned,
        source=source,
        parser="excel",
        sheet=name,
        sheets=names,
        numeric_columns=numeric,
    )


def _open(data: bytes) -> ExcelReader:
    import fastexcel

    if data.startswith(_OLE) and _ENCRYPTED in data:
        raise _password_protected()
    try:
        return fastexcel.read_excel(data)
    except fastexcel.FastExcelError as exc:
        # calamine's own words may quote the file; only what kind of failure it is shows.
        if "password" in str(exc).lower():
            raise _password_protected() from None
        raise UnreadableFile(
            "the workbook cannot be read (it is damaged, or not an Excel workbook); open it "
            "in Excel and save it again, or save the sheet as CSV"
        ) from None


def _password_protected() -> UnreadableFile:
    return UnreadableFile(
        "the workbook is password-protected; save a copy without a password (or save the "
        "sheet as CSV) and read that"
    )


def _load(reader: ExcelReader, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sheet's cells as text, and as booleans (null where a cell holds text)."""
    import fastexcel

    try:
        # header_row=None, skip_rows=0: every row from the sheet's row 1, header included.
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        texts = sheet.to_polars()
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="boolean")
        flags = sheet.to_polars()
    except fastexcel.FastExcelError:
        raise UnreadableFile(
            "a sheet of the workbook cannot be read (it is damaged); open it in Excel and "
            "save it again, or save the sheet as CSV"
        ) from None
    if texts.width == 0:
        return texts, flags
    # A number cell has a boolean value (0 is false); so has a boolean cell, shown as
    # "true"/"false" in text; a text cell has none.
    numbers = flags.select(
        (flags[c].is_not_null() & ~texts[c].is_in(["true", "false"]).fill_null(False)).alias(c)
        for c in texts.columns
    )
    return texts, numbers


def _numeric_columns(frame: pl.DataFrame, numbers: pl.DataFrame) -> dict[str, NumericShare]:
    """Columns holding number cells: "all" when every non-empty cell is one, else "some"."""
    shares: dict[str, NumericShare] = {}
    for name, flags in zip(frame.columns, numbers.columns, strict=True):
        count = int(numbers[flags].sum())
        if count == 0:
            continue
        filled = int((frame[name] != "").sum())
        shares[name] = "all" if count == filled else "some"
    return shares
