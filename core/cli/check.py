"""`audiences check`: judge a file on its own, and the report every command prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.cli import options
from core.cli.base import escape_controls, main, reports_errors
from core.errors import AudiencesError

if TYPE_CHECKING:
    from core.plan import ImportPlan
    from core.reading import CsvTable

_PROBLEMS_PLACEHOLDER = "problems-8f1c2a7e-placeholder"


def read_table(file: Path, encoding: str | None) -> CsvTable:
    """The file as a table: a CSV, or the `--sheet` of a workbook (see `options.sheet`)."""
    from core.reading import read_file

    context = click.get_current_context(silent=True)
    sheet = context.meta.get(options.SHEET_KEY) if context is not None else None
    return read_file(file, encoding=encoding, sheet=sheet)


def numbers_note(plan: ImportPlan) -> str | None:
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
        + ": leading + and 0 were lost; re-export it as text or repair with --default-region"
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


PROBLEMS_SHOWN = 20  # problem rows printed unless --all: a big file can have 100,000s


def print_plan(plan: ImportPlan, *, show_problems: bool = True, all_problems: bool = False) -> None:
    table = plan.table
    layout = (
        f"Excel sheet {escape_controls(table.sheet)!r}"
        if table.sheet is not None
        else f"{table.delimiter_name}-separated, {table.encoding}"
    )
    click.echo(
        f"{table.source or 'input'}: {plan.total:,} rows, {len(table.headers)} columns, {layout}"
        + (f" (converted from {table.converted_from})" if table.converted_from else "")
    )
    if table.cleaned_cells:
        click.echo(f"control characters removed from {table.cleaned_cells:,} cells")
    note = numbers_note(plan)
    if note:
        click.echo(escape_controls(note))
    click.echo(f"phone column: {plan.phone_column}")
    click.echo(
        f"valid and new: {plan.new:,}   invalid: {plan.invalid:,}   "
        f"duplicates in file: {plan.duplicates_in_file:,}"
        + (f"   already in audience: {plan.already_in_audience:,}" if plan.existing else "")
    )
    for reason, n in plan.invalid_by_reason().items():
        click.echo(f"  {reason}: {n:,}")
    regions = plan.regions()
    if regions:
        click.echo("regions: " + ", ".join(f"{r} {n:,}" for r, n in list(regions.items())[:8]))
    if not show_problems:
        return
    problems = plan.problems(None if all_problems else PROBLEMS_SHOWN)
    if problems:
        click.echo("problems (row, line, value, reason, hint):")
        for p in problems:
            click.echo(
                f"  row {p.row} (line {p.line}): {p.value!r} {p.reason}"
                + (f" - {p.hint}" if p.hint else "")
            )
    more = plan.total - plan.new - len(problems)
    if more > 0:
        click.echo(f"  ... and {more:,} more problem rows (--all lists every one)")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--phone-column", help="The column with the numbers (default: suggested).")
@options.judging
@options.reading
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (every problem row).")
@options.all_problems
@reports_errors
def check(
    file: Path,
    phone_column: str | None,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    as_json: bool,
    all_problems: bool,
) -> None:
    """Check a CSV: exit 0 when every row is valid and unique, 1 when not."""
    from core.plan import plan_check
    from core.profile import profile_table

    table = read_table(file, encoding)
    profile = profile_table(table, lenient=lenient)
    chosen = phone_column or profile.suggested_phone_column
    if chosen is None:
        raise AudiencesError("no column holds phone numbers; name one with --phone-column")
    plan = plan_check(
        table, chosen, lenient=lenient, default_region=default_region, profile=profile
    )
    if as_json:
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
            "valid": plan.new,
            "invalid": plan.invalid,
            "duplicates": plan.duplicates_in_file,
            "problems": _PROBLEMS_PLACEHOLDER,
            "regions": plan.regions(),
            "cleaned_cells": table.cleaned_cells,
            "profile": [
                {
                    "column": c.name,
                    "empty": c.empty,
                    "valid_phones": c.valid_phones,
                    "valid_share": round(c.valid_share, 4),
                    "top_regions": dict(c.top_regions),
                }
                for c in profile.columns
            ],
        }
        # Polars serialises the (possibly 100,000s of) problem rows itself, fast.
        text = json.dumps(report, ensure_ascii=False, indent=2)
        problems = plan.problems_frame().write_json()
        click.echo(escape_controls(text.replace(f'"{_PROBLEMS_PLACEHOLDER}"', problems, 1)))
    else:
        click.echo(
            "columns: "
            + ", ".join(
                f"{c.name} ({c.valid_share:.0%} phones, {c.empty:,} empty)" for c in profile.columns
            )
        )
        click.echo(f"suggested phone column: {profile.suggested_phone_column or '-'}")
        print_plan(plan, all_problems=all_problems)
    sys.exit(0 if plan.invalid + plan.duplicates_in_file == 0 else 1)
