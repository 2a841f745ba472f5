"""`audiences check`: judge a file on its own, and the report every command prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.cli import options
from core.cli.base import escape_controls, exits_quickly, main, reports_errors, show_progress
from core.errors import AudiencesError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from core.large import LargeCheck
    from core.plan import Blocker, ImportPlan
    from core.reading import CsvTable

_PLACEHOLDER = "8f1c2a7e-placeholder"


STDIN = Path("-")
"""The FILE argument that means standard input (a CSV or workbook piped in)."""


def read_table(file: Path, encoding: str | None) -> CsvTable:
    """The file as a table: a CSV, or the `--sheet` of a workbook (see `options.sheet`);
    `-` reads standard input (up to the size a file is read whole)."""
    from core.reading import MAX_FILE_BYTES, read_data, read_file

    context = click.get_current_context(silent=True)
    sheet = context.meta.get(options.SHEET_KEY) if context is not None else None
    if file == STDIN:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            from core.errors import UnreadableFile

            raise UnreadableFile(
                f"standard input holds over {MAX_FILE_BYTES // 1024**2} MB: save it to a "
                "file first (check reads a file of any size)"
            )
        return read_data(data, "standard input", "standard input", encoding=encoding, sheet=sheet)
    return read_file(file, encoding=encoding, sheet=sheet)


def numbers_note(plan: ImportPlan | LargeCheck) -> str | None:
    """What to say when the phone column of a workbook held number cells, else None."""
    table = plan.table
    column = plan.phone_column
    if column not in table.frame.columns:
        names = plan.columns if column in plan.columns else table.headers
        column = table.frame.columns[names.index(column)] if column in names else column
    share = table.numeric_columns.get(column)
    if share is None:
        return None
    return (
        f"column {plan.phone_column} holds numbers, not text"
        + (" (in some cells)" if share == "some" else "")
        + ": leading + and 0 were lost; re-export it as text, or repair it with --repair "
        "and --default-region (the numbers' country)"
    )


def pick_phone_column(
    table: CsvTable, phone_column: str | None, lenient: bool
) -> tuple[str, str | None]:
    from core.profile import profile_table

    suggested = profile_table(table, lenient=lenient).suggested_phone_column
    chosen = phone_column or suggested
    if chosen is None:
        raise AudiencesError("no column holds phone numbers; name one with --phone-column")
    return chosen, suggested


def ensure_column(table: CsvTable, column: str, *, fix_headers: bool = False) -> None:
    """A --phone-column the file does not have is bad usage (exit 2), naming the columns
    (once they are known to be column names, not somebody's number and name). With
    `fix_headers` the fixed spelling of a name counts too (`Telefon` for `Телефон`)."""
    from core.headers import ensure_header_row
    from core.text import columns_text, fixed_column_names

    ensure_header_row(table)
    fixed = fixed_column_names(table.headers) if fix_headers else []
    if column not in table.frame.columns and column not in table.headers and column not in fixed:
        raise AudiencesError(
            f"there is no column named {column!r}; the columns are: " + columns_text(table.headers)
        )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@contextmanager
def fix_headers_advice() -> Iterator[None]:
    """Core refuses a new audience's column names; the CLI says how to accept its
    proposed names."""
    from core.errors import RuleViolation
    from core.plan import HeadersRefused

    try:
        yield
    except HeadersRefused as refused:
        raise RuleViolation(f"{refused} (accept them with --fix-headers)") from None


def blocked_text(blockers: list[Blocker], plan: ImportPlan, *, adding: bool) -> str:
    """Why nothing was written, in the CLI's words: what to fix and with which flag."""
    from core.plan import describe

    parts: list[str] = []
    for blocker in blockers:
        text = describe(blocker)
        if blocker.kind == "headers":
            assert blocker.headers is not None
            if blocker.headers.near:
                from core.headers import renames_suffice

                text += " (rename with --map 'FILE_NAME=AUDIENCE_NAME'" + (
                    ", or read names that differ only in case, spaces and punctuation as the "
                    "audience's with --fix-headers)"
                    if renames_suffice(blocker.headers)
                    else ")"
                )
        elif blocker.kind == "invalid":
            fixable = plan.fixable
            text += " (leave them out with --skip-invalid"
            text += f", or repair {fixable:,} with --repair)" if fixable else ")"
        elif blocker.kind == "duplicates":
            text += " (leave them out with --skip-duplicates"
            already = blocker.by.get("already_in_audience", 0)
            text += ", or update those members with --update)" if adding and already else ")"
        elif blocker.kind == "ambiguous":
            text += " (choose with --ambiguous as-typed, national or skip)"
        elif blocker.kind == "empty" and plan.invalid and plan.fix_region is None:
            text += " (numbers without a country code are repaired only with --default-region)"
        elif blocker.kind == "limit":
            text += (
                " (add the rows that fit with --up-to-limit)"
                if adding
                else " (make several audiences of it with `audiences split FILE --name NAME`)"
            )
        parts.append(text)
    return "nothing was written: " + "; ".join(parts)


def _is_workbook(file: Path) -> bool:
    try:
        with file.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def _max_mb() -> int:
    from core.reading import MAX_FILE_BYTES

    return MAX_FILE_BYTES // 1024**2


# Files up to this size are judged on one thread: Polars' pool compiles each large regex
# once per thread that runs it, which costs more than a small file's parallel work saves.
SMALL_FILE_BYTES = 8 * 1024 * 1024


def _small_work(file: Path) -> None:
    """Polars on one thread for a small file (unless the user chose a thread count);
    it takes effect only before Polars first runs, which in a `check` it has not."""
    import os

    try:
        small = file.stat().st_size <= SMALL_FILE_BYTES
    except OSError:
        return
    if small and "polars" not in sys.modules:
        os.environ.setdefault("POLARS_MAX_THREADS", "1")


def _progress(file: Path) -> Callable[[int, int, int], None]:
    """Rows checked so far on stderr, on one line rewritten (a terminal only)."""

    def show(rows: int, done: int, size: int) -> None:
        text = f"{file.name}: {rows:,} rows read and judged ({done / max(size, 1):.0%})"
        show_progress(text, last=done >= size)

    return show


PROBLEMS_SHOWN = 20  # problem rows printed unless --all: a big file can have 100,000s

# Plans of at least this many rows count their fixes on a second thread while the rest
# of the report is made (a million rows: 0.2 s of each). Smaller ones do not: Polars
# compiles the large regexes again on each thread that runs them.
COUNT_ASIDE_ROWS = 200_000


def _count_fixes_aside(plan: ImportPlan | LargeCheck) -> Future[int] | None:
    """The count of fixes of a large plan started on a second thread (None: not)."""
    from core.plan import ImportPlan

    if not isinstance(plan, ImportPlan) or plan.total < COUNT_ASIDE_ROWS or not plan.invalid:
        return None
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="fixes")
    counting = pool.submit(lambda: plan.fixable)
    pool.shutdown(wait=False)
    return counting


def print_plan(
    plan: ImportPlan | LargeCheck,
    *,
    show_problems: bool = True,
    all_problems: bool = False,
    updating: bool = False,
) -> None:
    """The report of a plan; when `updating` (add --update), rows that update members
    are not listed as problems (the command lists them as updates)."""
    from core.plan import ImportPlan  # loaded already: core.large imports it too

    if show_problems and all_problems and isinstance(plan, ImportPlan):
        # Every problem row is explained for the listing below: made first, the count
        # of fixes is read from those explanations instead of being judged again.
        plan.with_hints()
    counting = _count_fixes_aside(plan)
    table = plan.table
    layout = (
        f"Excel sheet {escape_controls(table.sheet)!r}"
        if table.sheet is not None
        else f"{table.delimiter_name}-separated, "
        + (
            f"converted from {table.converted_from} to UTF-8"
            if table.converted_from
            else table.encoding
        )
    )
    click.echo(
        f"{table.source or 'input'}: {_plural(plan.total, 'row')}, "
        f"{_plural(len(table.headers), 'column')}, {layout}"
    )
    if table.cleaned_cells:
        click.echo(f"control characters removed from {_plural(table.cleaned_cells, 'cell')}")
    from core.reading import left_out_text

    left_out = left_out_text(table)
    if left_out:
        click.echo(left_out)
    note = numbers_note(plan)
    if note:
        click.echo(escape_controls(note))
    click.echo(
        f"phone column: {plan.phone_column}"
        + (f"   national numbers read as: {plan.fix_region}" if plan.fix_region else "")
    )
    if plan.repaired:
        click.echo(f"repaired: {plan.repaired:,}")
    click.echo(
        f"valid and new: {plan.new:,}   invalid: {plan.invalid:,}   "
        f"duplicates in file: {plan.duplicates_in_file:,}"
        + (f"   already in audience: {plan.already_in_audience:,}" if plan.existing else "")
    )
    for reason, n in plan.invalid_by_reason().items():
        click.echo(f"  {reason}: {n:,}")
    # What follows the count of fixes is made while it is counted.
    regions = plan.regions()
    if show_problems:
        problems = plan.problems(None if all_problems else PROBLEMS_SHOWN, updating=updating)
    if counting is not None:
        counting.result()
    if plan.invalid:
        fixable = plan.fixable
        if fixable:
            click.echo(f"fixable: {fixable:,} (--repair applies every fix)")
    if plan.ambiguous:
        click.echo(
            f"ambiguous: {plan.ambiguous:,} without + read as two countries' numbers, as "
            f"typed and as national numbers of {plan.fix_region} "
            "(--ambiguous as-typed, national or skip)"
        )
    if plan.ambiguous_skipped:
        click.echo(f"ambiguous, left out: {plan.ambiguous_skipped:,}")
    if regions:
        click.echo("regions: " + ", ".join(f"{r} {n:,}" for r, n in list(regions.items())[:8]))
    if not show_problems:
        return
    problem_rows = plan.total - plan.new - (plan.already_in_audience if updating else 0)
    if problems:
        click.echo("problems (row, line, value, reason, hint):")
        for p in problems:
            click.echo(
                f"  row {p.row} (line {p.line}): {p.value!r} {p.reason}"
                + (f" - {p.hint}" if p.hint else "")
            )
    more = problem_rows - len(problems)
    if more > 0:
        click.echo(f"  ... and {more:,} more problem rows (--all lists every one)")
    if plan.ambiguous and plan.ambiguity is None:
        warned = plan.warnings_frame()
        if not all_problems:
            warned = warned.head(PROBLEMS_SHOWN)
        click.echo("ambiguous (row, value, hint):")
        for row, value, hint in warned.select("row", "value", "hint").iter_rows():
            click.echo(f"  row {row}: {value!r} - {hint}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--phone-column", help="The column with the numbers (default: suggested).")
@options.judging
@options.reading
@options.repair
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (every problem row).")
@options.all_problems
@reports_errors
def check(
    file: Path,
    phone_column: str | None,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    repair: bool,
    as_json: bool,
    all_problems: bool,
) -> None:
    """Check a CSV's rows: exit 0 when every row is valid and unique and no number reads
    as two countries', 1 when not (the store's do-not-call list and limit are not looked
    at)."""
    from core.reading import is_large

    large = is_large(file) and not _is_workbook(file)
    if not large:
        _small_work(file)
    plan: ImportPlan | LargeCheck
    if large:
        if repair:
            raise AudiencesError(
                f"--repair reads the whole file; files up to {_max_mb()} MB are repaired "
                "(check this one without --repair, or split it)"
            )
        from core.large import check_large

        plan = check_large(
            file,
            phone_column=phone_column,
            lenient=lenient,
            default_region=default_region,
            encoding=encoding,
            keep_hints=as_json or all_problems,
            progress=_progress(file) if sys.stderr.isatty() else None,
        )
        table = plan.table
        profile = plan.profile
        chosen: str | None = plan.phone_column
    else:
        from core.plan import plan_check
        from core.profile import profile_table

        table = read_table(file, encoding)
        if phone_column is not None:
            ensure_column(table, phone_column)
        profile = profile_table(table, lenient=lenient)
        chosen = phone_column or profile.suggested_phone_column
        if chosen is None:
            raise AudiencesError("no column holds phone numbers; name one with --phone-column")
        plan = plan_check(
            table,
            chosen,
            lenient=lenient,
            default_region=default_region,
            profile=profile,
            repair=repair,
        )
    if as_json:
        # Every problem row is explained for the report: made first, the count of
        # fixes is read from those explanations instead of being judged again.
        problems = plan.problems_frame()
        report = {
            "file": str(file),
            "rows": plan.total,
            "columns": table.headers,
            "delimiter": table.delimiter,
            "encoding": table.encoding,
            "sheet": table.sheet,
            "numeric_columns": table.numeric_columns,
            "phone_column": chosen,
            "suggested_phone_column": profile.suggested_phone_column,
            "fix_region": plan.fix_region,
            "valid": plan.new,
            "invalid": plan.invalid,
            "duplicates": plan.duplicates_in_file,
            "fixable": plan.fixable,
            **({"repaired": plan.repaired} if repair else {}),
            "problems": _PLACEHOLDER + "problems",
            "warnings": _PLACEHOLDER + "warnings",
            "regions": plan.regions(),
            "cleaned_cells": table.cleaned_cells,
            "left_out_columns": list(table.left_out),
            "profile": [
                {
                    "column": c.name,
                    "empty": c.empty,
                    "valid_phones": c.valid_phones,
                    "valid_share": round(c.valid_share, 4),
                    "repairable": c.repairable,
                    "top_regions": dict(c.top_regions),
                }
                for c in profile.columns
            ],
        }
        # Polars serialises the (possibly 100,000s of) problem rows itself, fast.
        text = json.dumps(report, ensure_ascii=False, indent=2)
        text = text.replace(f'"{_PLACEHOLDER}problems"', problems.write_json(), 1)
        text = text.replace(f'"{_PLACEHOLDER}warnings"', plan.warnings_frame().write_json(), 1)
        click.echo(escape_controls(text))
    else:
        click.echo(
            "columns: "
            + ", ".join(
                f"{c.name} ({c.valid_share:.0%} phones, {c.empty:,} empty)" for c in profile.columns
            )
        )
        click.echo(f"suggested phone column: {profile.suggested_phone_column or '-'}")
        print_plan(plan, all_problems=all_problems)
    exits_quickly()  # a report: nothing is left to write once it is printed
    # The rows' verdict: numbers read as two countries' need a choice (--ambiguous) in
    # create, as invalid rows and repeats need --skip-*.
    sys.exit(0 if plan.invalid + plan.duplicates_in_file + plan.ambiguous == 0 else 1)
