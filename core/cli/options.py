"""Options shared by several commands, declared once (as csvkit's common options are)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from core.audience import MEMBER_LIMIT

F = TypeVar("F", bound=Callable[..., Any])


def region_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ISO 3166 region libphonenumber knows (`us` is read as `US`), else exit 2."""
    if value is None:
        return None
    from core.phones import region_code

    try:
        return region_code(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a region code; use a two-letter ISO code such as US, GB or IN",
            ctx=ctx,
            param=param,
        ) from None


default_region = click.option(
    "--default-region",
    callback=region_code,
    help="Two-letter ISO region for numbers written without a country code (e.g. US).",
)
lenient = click.option(
    "--lenient", is_flag=True, help="Accept possible numbers, not only valid ones."
)
encoding = click.option(
    "--encoding", help="Convert from this encoding (consent for non-UTF-8 files)."
)


def _keep_sheet(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # Kept on the context for `check.read_table`, so the commands' signatures stay as
    # they are: every command that reads a file takes it, none does anything else with it.
    ctx.meta[SHEET_KEY] = value


SHEET_KEY = "audiences.sheet"
sheet = click.option(
    "--sheet",
    callback=_keep_sheet,
    expose_value=False,
    help="The sheet of an Excel workbook to read (default: the first).",
)
all_problems = click.option(
    "--all", "all_problems", is_flag=True, help="List every problem row (default: the first 20)."
)
skip_invalid = click.option(
    "--skip-invalid", is_flag=True, help="Leave out rows with invalid numbers."
)
skip_duplicates = click.option(
    "--skip-duplicates",
    is_flag=True,
    help="Leave out repeated numbers and numbers already present.",
)


def judging(func: F) -> F:
    """The options every command that judges phone numbers takes."""
    return default_region(lenient(func))


def reading(func: F) -> F:
    """The options every command that reads a file takes."""
    return encoding(sheet(func))


repair = click.option(
    "--repair",
    is_flag=True,
    help="Apply every fix (formatted numbers to E.164, as check lists them) before judging.",
)
ambiguous = click.option(
    "--ambiguous",
    type=click.Choice(["as-typed", "national", "skip"]),
    help="Numbers without + that read as another valid number in the file's region: "
    "keep as typed, read as national numbers of that region, or leave out.",
)
fix_headers = click.option(
    "--fix-headers", is_flag=True, help="Accept the proposed column names (as create proposes)."
)
mapping = click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FILE_NAME=AUDIENCE_NAME",
    help="Read a column of the file under the audience's name (repeatable).",
)
up_to_limit = click.option(
    "--up-to-limit",
    is_flag=True,
    help=f"Add the rows that fit under the {MEMBER_LIMIT:,}-member limit, in file order.",
)


def writing(func: F) -> F:
    """The options every command that writes a file's rows takes."""
    return skip_invalid(skip_duplicates(repair(ambiguous(func))))
