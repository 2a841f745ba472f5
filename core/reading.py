"""Bytes to a text-only table: encoding, delimiter, shape errors, control characters.

Every cell is read as text (never inferred), so leading `+` and zeros survive byte for
byte. Two parsers give the same table: a vectorized one for files without quote
characters (most large exports) and Python's `csv` module for the rest.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import MalformedRow, UnreadableFile
from core.text import (
    CONTROL_CHARACTERS_PATTERN,
    fixed_column_names,
    strip_controls,
)

if TYPE_CHECKING:
    import polars as pl

    from core.excel import NumericShare

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Reading takes about 7x (plain) to 11x (quoted) the file's size in memory; 80 MB keeps a
# check under 1 GB and still holds about 1.7 million 5-column contact rows. Larger CSV
# files are checked in batches (`read_batches`), which bounds memory whatever the size.
MAX_FILE_BYTES = 80 * 1024 * 1024
BATCH_BYTES = 16 * 1024 * 1024  # about 350,000 5-column contact rows a batch

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed"),
    (b"PK\x03\x04", "a ZIP archive (or an Excel .xlsx workbook)"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"(\xb5/\xfd", "zstd-compressed"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


@dataclass
class CsvTable:
    """A CSV (or one sheet of a workbook) read as text.

    `headers` are the names as written in the file (after control characters are
    removed); `frame` has one String column per header, named by `headers` when they are
    usable as names, else by `fixed_column_names(headers)`. `lines` holds the file line
    each data row starts on (rows are numbered from 1 after the header); for a sheet, the
    sheet's row number. `sheet` is the sheet read (None for a CSV), `sheets` all of the
    workbook's, and `numeric_columns` the frame columns that held number cells ("all" or
    "some" of their cells): a phone stored as a number has lost its `+` and leading 0s.
    """

    frame: pl.DataFrame
    headers: list[str]
    delimiter: str
    encoding: str
    line_numbers: pl.Series | list[int]
    cleaned_cells: int = 0
    source: str = ""
    parser: str = "csv"
    converted_from: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    numeric_columns: dict[str, NumericShare] = field(default_factory=dict)
    left_out: tuple[int, ...] = ()
    """Positions (from 1) of the columns left out at the end of the file: no name and
    no value (`without_empty_unnamed_ends`)."""

    @property
    def rows(self) -> int:
        return self.frame.height

    @property
    def lines(self) -> list[int]:
        """The file line each data row starts on."""
        if not isinstance(self.line_numbers, list):
            self.line_numbers = self.line_numbers.to_list()
        return self.line_numbers

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def read_file(
    path: str | os.PathLike[str], *, encoding: str | None = None, sheet: str | None = None
) -> CsvTable:
    """Read a CSV file or an Excel workbook's sheet (`sheet`, default the first).

    `encoding` is the user's consent to convert a CSV from it (a workbook has its own).
    """
    p = Path(path).expanduser()
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise UnreadableFile(f"{p} is a folder, not a CSV file")
        if not p.is_file():
            raise UnreadableFile(f"{p} is not a regular file")
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"{p.name} is {size / 1024**2:,.0f} MB; files up to "
                f"{MAX_FILE_BYTES // 1024**2} MB are read: cut it into smaller files first "
                "(check reads any size)"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"no file at {p}") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{p} is a folder, not a CSV file") from None
    except PermissionError:
        raise UnreadableFile(f"no permission to read {p}") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {p}: {exc.strerror or 'I/O error'}") from None
    return read_data(data, p.name, str(p), encoding=encoding, sheet=sheet)


def read_data(
    data: bytes,
    name: str,
    source: str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> CsvTable:
    """A file's bytes (`name` in messages, `source` where it came from) as a table: a CSV
    or a workbook's sheet, as `read_file` reads them."""
    if data.startswith(_WORKBOOK_MAGIC) or name.lower().endswith(EXCEL_SUFFIXES):
        from core.excel import read_workbook, workbook_kind  # (most files are CSV text)

        if workbook_kind(data, name):
            if encoding is not None:
                # The consent to convert text from an encoding: a workbook's cells are
                # Unicode already, so the flag would be ignored without a word.
                raise UnreadableFile(
                    f"{name} is an Excel workbook: its text needs no encoding; "
                    "run again without --encoding"
                )
            return without_empty_unnamed_ends(read_workbook(data, sheet=sheet, source=source))
    if sheet is not None:
        raise UnreadableFile(
            f"{name} is a CSV text file, not an Excel workbook: it has no sheets to choose"
        )
    return without_empty_unnamed_ends(read_bytes(data, encoding=encoding, source=source))


def without_empty_unnamed_ends(table: CsvTable) -> CsvTable:
    """The table without the columns at its end that have no name and no value in any
    row: the `;;` a spreadsheet saved as CSV leaves at the end of every line when empty
    columns beyond the data were formatted. They hold nothing to keep, and would need
    names made up for them. Only columns at the end are left out, so every other column
    keeps its position and the name `fixed_column_names` gives it; `left_out` says which
    (an audience created before, whose `column_N` came from them, still takes the file:
    `restore_left_out`)."""
    frame = table.frame

    def empty(column: str) -> bool:
        return bool((frame.get_column(column).fill_null("").str.strip_chars() == "").all())

    return keep_columns(table, empty_unnamed_ends(table, empty))


def empty_unnamed_ends(table: CsvTable, empty: Callable[[str], bool]) -> int:
    """How many of the table's columns to keep: all but those at the end with no name
    for which `empty(frame column)` holds (at least one is kept)."""
    keep = len(table.headers)
    while keep > 1 and not table.headers[keep - 1].strip() and empty(table.frame.columns[keep - 1]):
        keep -= 1
    return keep


def keep_columns(table: CsvTable, keep: int) -> CsvTable:
    """The table with its first `keep` columns, the others said to be left out."""
    import polars as pl

    if keep >= len(table.headers):
        return table
    kept = table.headers[:keep]
    before = table.frame.columns[:keep]
    # Names were made up for every column when only the ones left out needed them.
    names = kept if usable_names(kept) else before
    renamed = dict(zip(before, names, strict=True))
    return replace(
        table,
        frame=table.frame.select(pl.col(c).alias(renamed[c]) for c in before),
        headers=kept,
        numeric_columns={
            renamed[c]: share for c, share in table.numeric_columns.items() if c in renamed
        },
        left_out=tuple(range(keep + 1, len(table.headers) + 1)),
    )


def left_out_text(table: CsvTable) -> str | None:
    """What to say about the columns `without_empty_unnamed_ends` left out (None: none)."""
    n = len(table.left_out)
    if not n:
        return None
    return (
        f"left out {'the empty column' if n == 1 else f'{n} empty columns'} with no name at "
        "the end of each line"
    )


def restore_left_out(table: CsvTable, wanted: Sequence[str]) -> CsvTable:
    """The table with its left-out columns back, empty, under the names `wanted` holds
    for them: `column_N`, as `--fix-headers` named them when an audience was created
    from such a file before they were left out."""
    import polars as pl

    back = {
        f"column_{position}": position
        for position in table.left_out
        if f"column_{position}" in wanted and f"column_{position}" not in table.frame.columns
    }
    if not back:
        return table
    frame = table.frame.with_columns(pl.lit("", pl.String).alias(name) for name in back)
    left_out = tuple(p for p in table.left_out if p not in back.values())
    return replace(table, frame=frame, headers=[*table.headers, *back], left_out=left_out)


# What `core.excel.workbook_kind` looks at: a workbook's first bytes (ZIP, OLE), or a
# name that says workbook. Other files are CSV text, told without importing it.
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, str | None]:
    """`core.encodings.decode`, whose every answer but the most common one needs that
    module: UTF-8 without a BOM and without NULs at its start (not UTF-16) is the text
    as it is, told here."""
    if encoding is None and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if "\x00" not in text[:65536]:
                return text, "utf-8", None
    from core.encodings import decode

    return decode(data, encoding)


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(f"the file is {what}, not a CSV text file")


PREVIEW_BYTES = 64 * 1024


def preview_file(path: str | os.PathLike[str], encoding: str, *, rows: int = 5) -> list[list[str]]:
    """The header and first `rows` rows of a file decoded as `encoding`, for a person to
    judge the encoding before anything is converted (see `preview_bytes`)."""
    try:
        with Path(path).expanduser().open("rb") as file:
            head = file.read(PREVIEW_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    return preview_bytes(head, encoding, rows=rows)


def preview_bytes(data: bytes, encoding: str, *, rows: int = 5) -> list[list[str]]:
    """The first records of CSV bytes decoded as `encoding`, cells as one line of text.

    Lenient, for display only: undecodable bytes show as U+FFFD, control characters are
    removed, and a record cut off at the end of `data` is shown as far as it goes.
    """
    from core.encodings import canonical_encoding
    from core.text import one_line

    try:
        codec = canonical_encoding(encoding)
    except LookupError:
        raise UnreadableFile(f"unknown encoding {encoding!r}") from None
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    records: list[list[str]] = []
    try:
        for record in reader:
            if record:
                records.append([one_line(cell) for cell in record])
            if len(records) > rows:
                break
    except csv.Error:
        pass  # a broken quote: the preview stops there, reading the file will name it
    return records


def detect_delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate that appears most (outside quotes)."""
    first = _first_record_text(text)
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _first_record_text(text: str) -> str:
    end = 0
    in_quotes = False
    while end < len(text):
        ch = text[end]
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            break
        end += 1
        if end > 1_000_000:
            break
    return text[:end]


def read_bytes(
    data: bytes,
    *,
    encoding: str | None = None,
    source: str = "",
    clean: bool = True,
    delimiter: str | None = None,
) -> CsvTable:
    """Read CSV bytes into a `CsvTable`; raises `UnreadableFile` with a clear message."""
    if not data or data.isspace():
        raise UnreadableFile("the file is empty")
    _refuse_binary(data)
    text, used, converted = _decode(data, encoding)
    extra_bom = text.startswith("\ufeff")
    if extra_bom:
        # A second BOM (files joined by tools): dropped, as Polars' reader would drop it;
        # otherwise the csv-module parser would keep it glued to the first header.
        text = text.lstrip("\ufeff")
    if "\x00" in text[:65536] and text[:65536].count("\x00") > len(text[:65536]) // 100:
        raise UnreadableFile("the file holds binary data (NUL bytes), not CSV text")
    if text.isspace():
        raise UnreadableFile("the file is empty")
    delim = delimiter or detect_delimiter(text)
    may_have_controls = True
    columns: list[list[str]] | pl.DataFrame
    lines: list[int] | pl.Series
    if '"' in text:
        headers, columns, lines = _parse_quoted(text, delim)
        parser = "csv"
    else:
        payload = (
            text.encode()
            if extra_bom or used not in ("utf-8", "utf-8-sig")
            else data
            if used == "utf-8"
            else data[3:]
        )
        headers, columns, lines, may_have_controls = _parse_plain(text, payload, delim)
        parser = "vectorized"
    import polars as pl

    if clean:
        headers = [strip_controls(h) for h in headers]
    names = headers if usable_names(headers) else fixed_column_names(headers)
    if isinstance(columns, pl.DataFrame):
        frame = columns.rename(dict(zip(columns.columns, names, strict=True)))
    else:
        frame = pl.DataFrame(
            [
                pl.Series(name, col, dtype=pl.String)
                for name, col in zip(names, columns, strict=True)
            ]
        )
    cleaned = 0
    if clean and may_have_controls:
        frame, cleaned = clean_frame(frame)
    return CsvTable(
        frame=frame,
        headers=headers,
        delimiter=delim,
        encoding=used,
        line_numbers=lines,
        cleaned_cells=cleaned,
        source=source,
        parser=parser,
        converted_from=converted,
    )


def usable_names(names: list[str]) -> bool:
    """Names usable as frame columns: non-empty, unique, and not read by Polars as a
    pattern (`*` is every column, `^...$` a regular expression: a header like `^p.*$`
    crashed every column expression)."""
    return (
        all(names)
        and len(set(names)) == len(names)
        and not any(n == "*" or (n.startswith("^") and n.endswith("$")) for n in names)
    )


def clean_frame(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Remove control characters from every cell; returns the frame and cells changed."""
    import polars as pl

    if frame.height == 0 or frame.width == 0:
        return frame, 0
    has = [pl.col(c).str.contains(CONTROL_CHARACTERS_PATTERN) for c in frame.columns]
    changed = int(frame.select(pl.sum_horizontal(has).sum()).item() or 0)
    if changed == 0:
        return frame, 0
    cleaned = frame.with_columns(
        pl.col(c).str.replace_all(CONTROL_CHARACTERS_PATTERN, "") for c in frame.columns
    )
    return cleaned, changed


def _lone_cr_error(row: int, line: int) -> MalformedRow:
    where = f"row {row} (line {line})" if row else f"the header (line {line})"
    return MalformedRow(
        f"{where} contains a lone carriage return (CR) outside quotes; "
        "save the file with standard line endings (LF or CRLF)",
        row,
        line,
    )


def _field_count_error(row: int, line: int, got: int, want: int) -> MalformedRow:
    more = "more" if got > want else "fewer"
    return MalformedRow(
        f"row {row} (line {line}) has {got} field{'' if got == 1 else 's'}, "
        f"{more} than the header's {want}; "
        "check for an extra delimiter or a missing quote",
        row,
        line,
    )


_LINE_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x01")


def _split_lines(text: str, payload: bytes) -> pl.Series:
    """The text's lines ("\n"-separated, a trailing "\r" removed, blank as "")."""
    import polars as pl

    expected = text.count("\n") + (0 if text.endswith("\n") else 1)
    separator = next((c for c in _LINE_SEPARATORS if c not in text), None)
    if separator is not None:
        # Polars splits lines in parallel; a field separator absent from the text makes
        # each line one field. Checked against the line count, else the plain split.
        try:
            lines = pl.read_csv(
                payload,
                has_header=False,
                separator=separator,
                quote_char=None,
                infer_schema=False,
                new_columns=["text"],
            )["text"].fill_null("")
        except pl.exceptions.PolarsError:
            lines = None
        if lines is not None and lines.len() == expected:
            return lines
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    return pl.Series("text", raw, dtype=pl.String).str.strip_suffix("\r")


def _read_fields(payload: bytes, delim: str, width: int) -> pl.DataFrame | None:
    """Every line's fields as text columns field_0.., by Polars' reader (no quoting);
    None when it refuses (a line with more fields than `width`, ...)."""
    import polars as pl

    try:
        return pl.read_csv(
            payload,
            has_header=False,
            separator=delim,
            quote_char=None,
            infer_schema=False,
            new_columns=[f"field_{i}" for i in range(width)],
            truncate_ragged_lines=False,
            empty_string_is_null=False,
        )
    except pl.exceptions.PolarsError:
        return None


def _split_fields(
    payload: bytes, body: pl.DataFrame, all_lines: int, delim: str, width: int
) -> pl.DataFrame:
    """The fields of the body lines: Polars' reader when it agrees on shape, else split."""
    import polars as pl

    names = [f"field_{i}" for i in range(width)]
    everything = _read_fields(payload, delim, width)
    if everything is not None and everything.height == all_lines and everything.width == width:
        # No blank lines: the body is everything but line 1.
        rows = everything.slice(1) if body.height == all_lines - 1 else everything[body["line"] - 1]
        return rows.with_columns(pl.all().fill_null(""))
    if width == 1:
        return body.select(pl.col("text").alias(names[0]))
    return (
        body.select(pl.col("text").str.split_exact(delim, width - 1))
        .unnest("text")
        .select(pl.col(f"field_{i}").alias(names[i]) for i in range(width))
    )


# Bytes that tell a plain file's shape (line ends, delimiters) or may be part of a control
# character: C0 controls and DEL, and the UTF-8 lead bytes of C1 controls (C2), U+061C (D8)
# and the bidi marks and overrides (E2).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_LEAD_BYTES = b"\xc2\xd8\xe2"


def _regular_shape(payload: bytes, delim: str, width: int) -> tuple[int, bool] | None:
    """(lines, may have control characters) when every line of a plain file has `width`
    fields and none is blank or holds a lone CR; None when any might not (or is unsure).

    Deleting every other byte leaves a few bytes per line, which for a regular file are
    exactly `delim * (width - 1) + "\n"` per line: one C-speed pass and one comparison
    instead of splitting a million lines in Python or Polars.
    """
    if width < 2:
        return None  # a blank line looks like any other line of one field
    if b"\r" in payload and payload.count(b"\r") != payload.count(b"\r\n"):
        return None  # a lone CR (the skeleton would hide what stands between it and LF)
    sep = delim.encode()
    keep = set(b"\n\r" + sep + _CONTROL_BYTES + _LEAD_BYTES)
    skeleton = payload.translate(None, bytes(b for b in range(256) if b not in keep))
    leads = any(b in skeleton for b in (0xC2, 0xD8, 0xE2))
    if leads:
        # Non-ASCII text: the lead bytes may start ordinary letters; the cells are scanned.
        skeleton = skeleton.translate(None, _LEAD_BYTES)
    skeleton = skeleton.replace(b"\r\n", b"\n")
    if not payload.endswith(b"\n"):
        skeleton += b"\n"  # the last line without its newline
    line = sep * (width - 1) + b"\n"
    lines, rest = divmod(len(skeleton), len(line))
    if rest or lines == 0 or skeleton != line * lines:
        return None
    return lines, leads


def _parse_regular(
    payload: bytes, header_text: str, delim: str
) -> tuple[list[str], pl.DataFrame, pl.Series, bool] | None:
    """The fast way for a plain file of regular shape (see `_regular_shape`), else None."""
    import polars as pl

    headers = header_text.split(delim)
    shape = _regular_shape(payload, delim, len(headers))
    if shape is None:
        return None
    lines, leads = shape
    everything = _read_fields(payload, delim, len(headers))
    if everything is None or everything.height != lines or everything.width != len(headers):
        return None
    rows = everything.slice(1)
    numbers = pl.int_range(2, rows.height + 2, eager=True).alias("line")
    return headers, rows, numbers, leads


def _parse_plain(
    text: str, payload: bytes, delim: str, *, regular: bool = True
) -> tuple[list[str], pl.DataFrame, pl.Series, bool]:
    """Parse text without quote characters: records are lines, vectorized with Polars.

    `payload` is the UTF-8 encoding of `text` (the file's own bytes when it is UTF-8).
    Files of regular shape take a faster way unless `regular` is False (tests compare).
    """
    import polars as pl

    end = text.find("\n")  # not `partition`, which copies the whole rest of the text
    header_line = (text if end < 0 else text[:end]).removesuffix("\r")
    if regular and header_line and (fast := _parse_regular(payload, header_line, delim)):
        return fast
    lines = _split_lines(text, payload)
    numbered = pl.DataFrame({"text": lines, "line": pl.int_range(1, lines.len() + 1, eager=True)})
    nonblank = numbered.filter(pl.col("text") != "")
    if nonblank.height == 0:
        raise UnreadableFile("the file is empty")
    header_text = nonblank["text"][0]
    if "\r" in header_text:
        raise _lone_cr_error(0, int(nonblank["line"][0]))
    headers = header_text.split(delim)
    body = nonblank.slice(1).with_row_index("row", offset=1)
    with_cr = body.filter(pl.col("text").str.contains("\r", literal=True))
    if with_cr.height:
        raise _lone_cr_error(int(with_cr["row"][0]), int(with_cr["line"][0]))
    counts = body["text"].str.count_matches(delim, literal=True) + 1
    bad = body.filter(counts != len(headers))
    if bad.height:
        first = bad.row(0, named=True)
        got = first["text"].count(delim) + 1
        raise _field_count_error(first["row"], first["line"], got, len(headers))
    columns = _split_fields(payload, body, lines.len(), delim, len(headers))
    # One scan of the lines tells whether any cell needs cleaning (most files: none).
    has_controls = bool(body["text"].str.contains(CONTROL_CHARACTERS_PATTERN).any())
    return headers, columns, body["line"], has_controls


def _parse_quoted(text: str, delim: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Parse text with quote characters using Python's csv module (RFC 4180 quoting)."""
    _check_lone_cr(text, delim)
    # The csv module refuses fields over 128 KiB ("field larger than field limit"), which
    # would be reported as a broken quote; the vectorized parser has no such limit.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', strict=True)
    headers: list[str] | None = None
    columns: list[list[str]] = []
    lines: list[int] = []
    row = 0
    line = 1
    try:
        for record in reader:
            start_line = line
            line = reader.line_num + 1
            if not record:
                continue
            if headers is None:
                headers = record
                columns = [[] for _ in headers]
                continue
            row += 1
            if len(record) != len(headers):
                raise _field_count_error(row, start_line, len(record), len(headers))
            for col, value in zip(columns, record, strict=True):
                col.append(value)
            lines.append(start_line)
    except csv.Error:
        raise MalformedRow(
            f"row {row + 1} (line {line}) has a quote that is never closed or a stray "
            'character after a closing quote; check the quotes (" inside a value is written "")',
            row + 1,
            line,
        ) from None
    if headers is None:
        raise UnreadableFile("the file is empty")
    return headers, columns, lines


def _check_lone_cr(text: str, delim: str) -> None:
    """Refuse a CR that is not part of CRLF and sits outside quotes."""
    if "\r" not in text:
        return
    quotes, counted = 0, 0
    for match in re.finditer(r"\r(?!\n|\Z)", text):
        # Quotes counted once, incrementally: linear even with many CRs inside quotes.
        quotes += text.count('"', counted, match.start())
        counted = match.start()
        if quotes % 2 == 0:
            prefix = text[: match.start()]
            records = list(csv.reader(io.StringIO(prefix, newline=""), delimiter=delim))
            complete = len([r for r in records if r])
            # The CR ends the record it sits in; at a line start it begins the next one.
            # Record 0 is the header (row 0), as in the vectorized parser.
            row = max(complete if prefix.endswith("\n") else complete - 1, 0)
            line = prefix.count("\n") + 1
            raise _lone_cr_error(row, line)


# --------------------------------------------------------------------------- batches


@dataclass
class Batch:
    """Records of a large file read as a table of its own (`CsvTable`, with the file's
    header), with where they sit in the file: `table.line_numbers` are file lines, and
    the batch's rows are rows `first_row` to `first_row + table.rows - 1` of the file."""

    table: CsvTable
    first_row: int
    offset: int  # bytes of the file read so far, this batch included
    size: int  # the file's size in bytes


def is_large(path: str | os.PathLike[str]) -> bool:
    """A CSV file over `MAX_FILE_BYTES`: checked in batches (`read_batches`)."""
    p = Path(path).expanduser()
    try:
        return p.is_file() and p.stat().st_size > MAX_FILE_BYTES
    except OSError:
        return False


def _record_end(data: bytes, start: int, quotes_before: int) -> int:
    """The end (after its LF) of the last complete record in ``data[start:]``: an LF
    outside quotes, which an even count of quote characters before it tells (an escaped
    quote is two). -1 when there is none."""
    end = len(data)
    while True:
        newline = data.rfind(b"\n", start, end)
        if newline < 0:
            return -1
        if (quotes_before + data.count(b'"', start, newline)) % 2 == 0:
            return newline + 1
        end = newline


def read_batches(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> Iterator[Batch]:
    """Read a CSV file of any size in batches of about `batch_bytes` of whole records.

    Each batch is read by `read_bytes` with the file's header in front, so it follows
    every rule of a file read whole (encoding, delimiter, quotes, shape errors, control
    characters); errors name the file's rows and lines. Encodings where a newline is not
    the byte 0x0A (UTF-16, UTF-32) are refused: such a file must be converted first.
    """
    p = Path(path).expanduser()
    try:
        size = p.stat().st_size
        file = p.open("rb")
    except FileNotFoundError:
        raise UnreadableFile(f"no file at {p}") from None
    except PermissionError:
        raise UnreadableFile(f"no permission to read {p}") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {p}: {exc.strerror or 'I/O error'}") from None
    with file:
        data = file.read(min(batch_bytes, 1024 * 1024))
        _refuse_binary(data)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
            raise UnreadableFile(
                f"{p.name} holds NUL bytes: binary data, or text in UTF-16 or UTF-32, which "
                f"files over {MAX_FILE_BYTES // 1024**2} MB may not be (they are read in "
                "batches of lines): convert it to UTF-8 first"
            )
        # The header is the first non-blank record (blank lines before it are kept with
        # it, so that line numbers count them as a whole file's reading does).
        header_end = -1
        searched = 0
        while header_end < 0:
            newline = data.find(b"\n", searched)
            if newline < 0:
                more = file.read(batch_bytes)
                if not more:
                    header_end = len(data)
                    break
                data += more
                continue
            searched = newline + 1
            if data[:newline].strip() and data.count(b'"', 0, newline) % 2 == 0:
                header_end = newline + 1
        header = data[:header_end]
        header_lines = header.count(b"\n")
        pending = data[header_end:]
        done = header_end
        line = header_lines + 1  # the file line the next batch starts on
        row = 1
        ended = False
        first = True
        while not ended or pending or first:
            while not ended and len(pending) < batch_bytes:
                more = file.read(batch_bytes)
                ended = not more
                pending += more
            cut = len(pending) if ended else _record_end(pending, 0, 0)
            if cut < 0:  # a record longer than a batch: read on
                more = file.read(batch_bytes)
                ended = not more
                pending += more
                continue
            body, pending = pending[:cut], pending[cut:]
            done += len(body)
            try:
                table = read_bytes(header + body, encoding=encoding, source=str(p))
            except MalformedRow as exc:
                raise _shifted(exc, row - 1, line - 1 - header_lines) from None
            if table.rows or first:
                import polars as pl

                lines = table.line_numbers
                series = lines if isinstance(lines, pl.Series) else pl.Series(lines)
                shift = line - 1 - header_lines
                table.line_numbers = (series.cast(pl.Int64) + shift).alias("line")
                yield Batch(table, row, done, size)
                row += table.rows
            first = False
            line += body.count(b"\n")


def _shifted(exc: MalformedRow, rows: int, lines: int) -> MalformedRow:
    """A batch's shape error with the file's row and line numbers."""
    message = exc.message
    row = None if exc.row is None else exc.row + rows if exc.row else exc.row
    at = None if exc.line is None else exc.line + lines
    if exc.row and exc.line is not None:
        message = message.replace(f"row {exc.row} (line {exc.line})", f"row {row} (line {at})", 1)
    return MalformedRow(message, row, at)
