"""Fuzzing the reader and the checker: only the project's own errors ever come out.

Hypothesis feeds random bytes and random CSV-like text (quotes, delimiters, CR/LF, NUL,
BOMs, non-ASCII, phone-like values, in several encodings) to `core.reading.read_bytes`,
then profiles the table and runs `core.plan.plan_check` on the suggested (else the
first) column and asks the plan for everything a screen would show. The only exceptions
allowed are `core.errors.AudiencesError` subclasses; a table that is read must also be
well-formed (one String column per header, one file line per row, no control character
left in a cell).

A differential test checks that the two parsers in core/reading.py (the vectorized one
for quote-free files and the csv-module one) give the same table, or the same error,
for any quote-free text.

Regular run: a few hundred examples. `-m slow`: 100,000+ cases in chunks.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import AudiencesError, EncodingNeedsConsent, MalformedRow
from core.plan import plan_check
from core.profile import profile_table
from core.reading import DELIMITERS, _parse_plain, _parse_quoted, read_bytes
from core.text import CONTROL_CHARACTERS

TOKENS = [
    '"',
    '""',
    ",",
    ";",
    "\t",
    "|",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\ufeff",
    " ",
    "  ",
    "a",
    "Z",
    "é",
    "ß",
    "中文",
    "€",
    "\u202e",
    "\u2066",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\x0b",
    "+",
    "0",
    "9",
    "+12025550123",
    "919876543210",
    "(202) 555-0123",
    "4.41E+11",
    "2025550123",
    "+447911123456",
    "07911 123456",
    "phone",
    "name",
    "Phone Number",
    "=cmd|' /C calc'!A0",
    "[bold]x[/bold]",
    "\U0001f600",
    "*",
    "^",
    "$",
    "^a.*$",
    "\\",
    "'",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "cp1252", "latin-1"]
BOMS = [b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]

csv_text = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
csv_bytes = st.builds(
    lambda bom, text, encoding: bom + text.encode(encoding, errors="replace"),
    st.sampled_from(BOMS),
    csv_text,
    st.sampled_from(ENCODINGS),
)
raw_bytes = st.binary(max_size=600)
fuzz_input = st.one_of(csv_bytes, csv_bytes, raw_bytes)


def exercise(data: bytes) -> str:
    """Read, profile, check; returns what happened (only project errors may escape)."""
    try:
        table = read_bytes(data)
    except EncodingNeedsConsent as exc:
        try:
            table = read_bytes(data, encoding=exc.detected)  # the user's consent
        except AudiencesError:
            return "refused"
    except AudiencesError:
        return "refused"
    check_table(table)
    try:
        profile = profile_table(table)
        column = profile.suggested_phone_column or table.frame.columns[0]
        plan = plan_check(table, column, profile=profile)
        assert plan.total == table.rows
        assert plan.new + plan.invalid + plan.duplicates_in_file == plan.total
        plan.problems()
        plan.regions()
        plan.invalid_by_reason()
        plan.members(skip_invalid=True, skip_duplicates=True)
    except AudiencesError:
        return "read, check refused"
    return "read and checked"


def check_table(table: Any) -> None:
    frame = table.frame
    assert frame.width == len(table.headers) >= 1
    assert len(set(frame.columns)) == frame.width
    assert frame.height == len(table.lines)
    assert all(str(dtype) == "String" for dtype in frame.dtypes)
    assert table.lines == sorted(set(table.lines)) and all(line >= 2 for line in table.lines)
    for header in table.headers:
        assert not CONTROL_CHARACTERS.search(header)
    for column in frame.columns:
        for value in frame[column].to_list():
            assert value is not None and not CONTROL_CHARACTERS.search(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuzz_input)
def test_reader_and_checker_raise_only_project_errors(data: bytes) -> None:
    exercise(data)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(10))
def test_reader_and_checker_fuzz_long(chunk: int) -> None:
    """10 chunks x 10,000 examples = 100,000 cases (each chunk its own seed)."""

    @settings(
        max_examples=10_000,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz_input)
    def run(data: bytes) -> None:
        outcomes.append(exercise(data))

    outcomes: list[str] = []
    run._hypothesis_internal_use_seed = 1_000 + chunk  # type: ignore[attr-defined]
    run()
    assert len(outcomes) >= 10_000
    counts = {o: outcomes.count(o) for o in set(outcomes)}
    print(f"chunk {chunk}: {len(outcomes):,} cases {counts}")


# --- the two parsers agree ----------------------------------------------------------------

PLAIN_TOKENS = [t for t in TOKENS if '"' not in t] + ["\n\n", "\r\n\r\n", ",,", ";;"]
quote_free_text = st.lists(st.sampled_from(PLAIN_TOKENS), min_size=1, max_size=60).map("".join)


def parse(parser: str, text: str, delim: str) -> tuple[Any, ...]:
    """One parser's table as plain lists, or its error as (type, message, row, line).

    "plain" is the vectorized parser as files meet it (a regular file takes its fast
    way), "lines" the same parser made to split lines, "quoted" the csv module.
    """
    try:
        if parser in ("plain", "lines"):
            headers, columns, lines, _ = _parse_plain(
                text, text.encode(), delim, regular=parser == "plain"
            )
            cells = [columns[c].to_list() for c in columns.columns]
            lines = list(lines)
        else:
            headers, cells, lines = _parse_quoted(text, delim)
    except AudiencesError as exc:
        return (
            "error",
            type(exc).__name__,
            exc.message,
            getattr(exc, "row", None),
            getattr(exc, "line", None),
        )
    return ("table", headers, cells, lines)


def _differential(text: str, delim: str) -> None:
    # As read_bytes hands them text: leading BOMs removed, blank text refused before.
    text = text.lstrip("\ufeff")
    if not text.strip():
        return
    plain = parse("plain", text, delim)
    quoted = parse("quoted", text, delim)
    assert plain == quoted, f"{text!r} with {delim!r}: plain {plain!r} != csv {quoted!r}"
    lines = parse("lines", text, delim)
    assert plain == lines, f"{text!r} with {delim!r}: plain {plain!r} != split {lines!r}"


@settings(max_examples=400, deadline=None)
@given(quote_free_text, st.sampled_from(DELIMITERS))
def test_vectorized_and_csv_parsers_agree_on_quote_free_text(text: str, delim: str) -> None:
    _differential(text, delim)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, database=None)
@given(quote_free_text, st.sampled_from(DELIMITERS))
def test_vectorized_and_csv_parsers_agree_long(text: str, delim: str) -> None:
    _differential(text, delim)


# Files of regular shape (every line the same number of fields): the fast way of the
# vectorized parser. Cells may hold control characters and non-ASCII text; a line may end
# in CRLF or LF, the last one in nothing; now and then one line is made irregular.
_CELL_TOKENS = [t for t in PLAIN_TOKENS if not set(t) & set(",;\t|\r\n")]


@st.composite
def regular_text(draw: st.DrawFn) -> tuple[str, str]:
    delim = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(2, 5))
    cell = st.lists(st.sampled_from(_CELL_TOKENS), max_size=4).map("".join)
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=8))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(rows), max_size=len(rows)))
    lines = [delim.join(r) + e for r, e in zip(rows, ends, strict=True)]
    if draw(st.booleans()):
        lines[-1] = lines[-1].rstrip("\r\n")
    if draw(st.integers(0, 4)) == 0:  # one irregular line: a field more or less, a blank, a CR
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.sampled_from([delim, "\n", "\r", "x" + delim])) + lines[i]
    if draw(st.integers(0, 4)) == 0:  # a lone CR inside a line's last field
        i = draw(st.integers(0, len(lines) - 1))
        body = lines[i].rstrip("\r\n")
        lines[i] = body + "\r" + draw(st.sampled_from(["x", " ", "é"])) + lines[i][len(body) :]
    return "".join(lines), delim


@settings(max_examples=300, deadline=None)
@given(regular_text())
def test_fast_way_for_regular_files_agrees_with_both_parsers(case: tuple[str, str]) -> None:
    _differential(*case)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None, database=None)
@given(regular_text())
def test_fast_way_for_regular_files_agrees_long(case: tuple[str, str]) -> None:
    _differential(*case)


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n",
        "a,b\n1,2",  # no newline at the end
        "a,b\n1,2\rxyz\n3,4\n",  # a lone CR inside the last field (found in review)
        "a,b\rc\n1,2\n",  # ... of the header
        "a,b\n1,2 \r \n",
        "a,b\r\n1,\u202e2\r\n",  # a bidi override (E2 lead byte) in a cell
        "a,b\n\u0085x,\xe9\n",  # C1 control and a non-ASCII letter (C2/C3 lead bytes)
        "a,b\n1,2\n\n",  # a blank line at the end
        "a,b\n,\n",
        "a,b\r\n1,2\r\n\r\n3,4",
        "\n\na,b\n\n1,2\n",
        "a\rb\n1\n",  # a lone CR in the header
        "a,b\n1,2\r",  # CR at the very end
        "a,b\n1,2,3\n",
        "a,b\n1\n",
        "a\n\x00\n",
        "a,b\n1\u2028,2\n",  # a Unicode line separator is not a line break in CSV
        "a,b\n1\x85,2\n",
        "a;b\n1,2;3\n",
        " \n",
    ],
)
def test_parsers_agree_on_known_edges(text: str) -> None:
    for delim in DELIMITERS:
        _differential(text, delim)


def test_the_fuzzer_reaches_every_outcome() -> None:
    """Guard against a generator that only ever produces refusals."""
    assert exercise(b"phone,name\n+12025550123,A\n") == "read and checked"
    assert exercise(b"\x1f\x8b\x08") == "refused"
    assert exercise("phone\n+12025550123\n".encode("utf-16")) == "read and checked"
    assert re.search("refused", exercise(b'a\n"x'))
    assert isinstance(MalformedRow("m", 1, 2), AudiencesError)
