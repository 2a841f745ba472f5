"""Ready to dial: `hours` (calling hours), `suppress` (the do-not-call list), `split`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from core.audience import MEMBER_LIMIT
from core.cli import options
from core.cli.base import as_json_text, exits_quickly, main, open_store, reports_errors
from core.cli.check import print_plan, read_table
from core.words import plural

if TYPE_CHECKING:
    from core.hours import HoursReport, Window, ZoneHours


def _at(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime:
    """`--at`: an ISO time with its offset (Z for UTC); now when not given."""
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO time; write it as 2026-12-02T14:00:00Z", ctx, param
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(
            f"{value!r} has no offset; add Z for UTC or +HH:MM, e.g. 2026-12-02T14:00:00Z",
            ctx,
            param,
        )
    from core.hours import as_utc

    try:
        return as_utc(moment)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is out of range; {exc}", ctx, param) from None


def _window(ctx: click.Context, param: click.Parameter, value: str) -> Window:
    from core.hours import parse_window

    try:
        return parse_window(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hours_json(report: HoursReport) -> dict[str, Any]:
    """The `hours --json` document (the shape issue 11 gives, plus `suppressed` and
    `us_state_rules`, whether they were applied)."""
    return {
        "at": _iso(report.at),
        "window": str(report.window),
        "us_state_rules": report.us_state_rules,
        "callable": report.callable,
        "not_callable": report.not_callable,
        "unknown": report.unknown,
        "suppressed": report.suppressed,
        "zones": [
            {
                "zone": z.label,
                "members": z.members,
                "local_time": ", ".join(z.local_times) or None,
                "callable": z.callable,
                "next_start": _iso(z.next_start),
            }
            for z in report.zones
        ],
    }


TIMES_NAMED = 2
"""Local times named in a line of `hours` (the JSON holds them all)."""


def _local(zone: ZoneHours) -> str:
    """The zone set's local times, each once, at most TIMES_NAMED of them: a Russian
    mobile's 16 zones read `19:30, 02:30 and 9 more`."""
    from core.hours import distinct_times

    times = distinct_times(zone.local_times)
    text = ", ".join(times[:TIMES_NAMED]) or "--:--"
    if len(times) > TIMES_NAMED:
        text += f" and {len(times) - TIMES_NAMED:,} more"
    return text


def _when(zone: ZoneHours) -> str:
    if zone.unknown:
        return "zone unknown"
    if zone.callable:
        return "callable now"
    if zone.next_start is None:
        from core.hours import never_text

        return never_text(str(zone.window), zone.states)
    return f"from {zone.next_start:%Y-%m-%d %H:%M} UTC"


def hours_text(report: HoursReport, name: str) -> list[str]:
    """The `hours` report's lines: a header, the counts, one line per zone set."""
    from core.hours import state_rules_note
    from core.text import one_line

    note = state_rules_note(report.window) if report.us_state_rules else None
    lines = [
        f"{one_line(name)} at {report.at:%Y-%m-%d %H:%M} UTC, calling hours "
        f"{report.window} local" + (f" ({note})" if note else ""),
        f"callable now: {report.callable:,} / {report.members:,}   not now: "
        f"{report.not_callable:,}   zone unknown: {report.unknown:,}"
        + (f"   on the do-not-call list: {report.suppressed:,}" if report.suppressed else ""),
    ]
    rows = [(z.members, _local(z), _when(z), z) for z in report.zones]
    # As wide as the widest row: "never: ..." is long.
    local_width = max((len(r[1]) for r in rows), default=0)
    when_width = max((len(r[2]) for r in rows), default=0)
    for members, local, when, z in rows:
        lines.append(
            f"  {members:>6,}  {local:<{local_width}}  {when:<{when_width}}  "
            f"{z.describe(max_zones=3)}"
        )
    return lines


@main.command()
@click.argument("name")
@click.option(
    "--at",
    "at",
    callback=_at,
    help="The time to judge (ISO, e.g. 2026-12-02T14:00:00Z; default now).",
)
@click.option(
    "--window",
    default="08:00-21:00",
    show_default=True,
    callback=_window,
    help="Calling hours in each member's local time (start included, end excluded).",
)
@click.option(
    "--us-state-rules",
    is_flag=True,
    help="End at 20:00 for Florida, Oklahoma and Washington numbers.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@reports_errors
def hours(
    ctx: click.Context, name: str, at: datetime, window: Window, us_state_rules: bool, as_json: bool
) -> None:
    """Who in audience NAME may be called now, by each member's local time."""
    from core.hours import hours_report, window_caution
    from core.suppress import SuppressionList

    exits_quickly()  # a report: its process ends once the output is out (`base.run`)
    caution = window_caution(window)
    if caution:
        click.echo(f"note: {caution}", err=True)

    store = open_store(ctx)
    audience, members = store.load(name)
    report = hours_report(
        [m.e164 for m in members],
        [m.number_type for m in members],
        at=at,
        window=window,
        us_state_rules=us_state_rules,
        suppressed=SuppressionList.load(store).keys(),
    )
    if as_json:
        click.echo(as_json_text(hours_json(report)))
        return
    for line in hours_text(report, audience.name):
        click.echo(line)


# --- the do-not-call list --------------------------------------------------------------
@main.group()
def suppress() -> None:
    """The do-not-call list: numbers never exported or called."""


def _said(change: Any, verb: str) -> str:
    parts = [f"{change.added:,} added"]
    if change.refreshed:
        parts.append(f"{change.refreshed:,} already on the list (source and time renewed)")
    return f"{verb}: " + ", ".join(parts) + f"; the list holds {plural(change.total, 'number')}"


_NATIONAL_HELP = (
    "Two-letter ISO region whose national numbers the values written without + may be: "
    "every reading of such a value (as typed, national here or in the store's other "
    "regions) is listed."
)


@suppress.command("add")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--default-region", callback=options.region_code, help=_NATIONAL_HELP)
@click.pass_context
@reports_errors
def suppress_add(ctx: click.Context, numbers: tuple[str, ...], default_region: str | None) -> None:
    """Add NUMBERS (with their country code) to the do-not-call list."""
    from core.suppress import add_numbers

    change = add_numbers(open_store(ctx), list(numbers), default_region=default_region)
    click.echo(_said(change, "do-not-call list"))


@suppress.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--phone-column", help="The column with the numbers (default: suggested).")
@click.option("--default-region", callback=options.region_code, help=_NATIONAL_HELP)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Leave out rows whose value is not a valid number (empty cells included) and "
    "say how many; a number without + that reads as two is still refused.",
)
@options.reading
@click.pass_context
@reports_errors
def suppress_import(
    ctx: click.Context,
    file: Path,
    phone_column: str | None,
    default_region: str | None,
    skip_invalid: bool,
    encoding: str | None,
) -> None:
    """Add every number of a CSV FILE to the do-not-call list (its name is kept): the
    numbers of --phone-column, else of every column holding phone numbers."""
    from core.suppress import import_file
    from core.text import one_line

    # Without --phone-column every column of phone numbers is read (mobile and work).
    change = import_file(
        open_store(ctx),
        file,
        phone_column,
        encoding=encoding,
        default_region=default_region,
        skip_invalid=skip_invalid,
    )
    read = ", ".join(change.columns)
    kind = "column" if len(change.columns) == 1 else "columns"
    click.echo(_said(change, f"imported {file.name} ({kind} {one_line(read)})"))
    if change.left_out is not None:
        from core.suppress import left_out_lines

        for line in left_out_lines(change.left_out):
            click.echo(line)


_REMOVE_NATIONAL_HELP = (
    "Two-letter ISO region whose national numbers the values written without + may be: "
    "every reading of such a value is removed, as `add` with it listed them."
)


@suppress.command("remove")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--default-region", callback=options.region_code, help=_REMOVE_NATIONAL_HELP)
@click.pass_context
@reports_errors
def suppress_remove(
    ctx: click.Context, numbers: tuple[str, ...], default_region: str | None
) -> None:
    """Take NUMBERS off the do-not-call list (each must be on it), read as `add` reads
    them."""
    from core.suppress import remove_numbers

    change = remove_numbers(open_store(ctx), list(numbers), default_region=default_region)
    click.echo(f"removed {change.removed:,}; the list holds {plural(change.total, 'number')}")


@suppress.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@reports_errors
def suppress_list(ctx: click.Context, as_json: bool) -> None:
    """Show the do-not-call list, and whether its newest import is fresh (31 days)."""
    from core.suppress import FRESH_DAYS, SuppressionList

    listed = SuppressionList.load(open_store(ctx))
    now = datetime.now(UTC)
    newest = listed.newest_import()
    age = listed.import_age(now)
    stale = listed.is_stale(now)
    if as_json:
        click.echo(
            as_json_text(
                {
                    "count": len(listed),
                    "newest_import": None
                    if newest is None
                    else {"source": newest.source, "at": newest.at, "count": newest.count},
                    "stale": stale,
                    "entries": [
                        {"e164": e.e164, "source": e.source, "added_at": e.added_at}
                        for e in listed.entries()
                    ],
                }
            )
        )
        return
    from core.text import one_line

    said = f"do-not-call list: {plural(len(listed), 'number')}"
    if newest is not None and age is not None:
        said += f"; newest import {one_line(newest.source)} at {newest.at} ({age.days:,} days ago)"
    elif len(listed):
        said += "; no file imported yet (numbers added by hand only)"
    click.echo(said)
    if stale and age is not None:
        click.echo(
            f"warning: the newest import is {age.days:,} days old; a do-not-call scrub must be "
            f"fresh within {FRESH_DAYS} days: import the current list",
            err=True,
        )
    for e in listed.entries():
        click.echo(f"{e.e164}\t{one_line(e.source)}\t{e.added_at}")


# --- split -----------------------------------------------------------------------------
@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--name", "prefix", required=True, help="Audiences are named PREFIX 1, PREFIX 2, ...")
@click.option("--phone-column", required=True, help="The one column used for calling.")
@click.option(
    "--size",
    type=click.IntRange(1, MEMBER_LIMIT),
    default=MEMBER_LIMIT,
    show_default=True,
    help=f"Members per audience (at most {MEMBER_LIMIT:,}).",
)
@click.option(
    "--by",
    type=click.Choice(["zone", "region"]),
    help="Group by time zone or region first; an audience never mixes two groups.",
)
@click.option("--fix-headers", is_flag=True, help="Accept the proposed column names.")
@options.judging
@options.reading
@options.all_problems
@click.pass_context
@reports_errors
def split(
    ctx: click.Context,
    file: Path,
    prefix: str,
    phone_column: str,
    size: int,
    by: str | None,
    fix_headers: bool,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    all_problems: bool,
) -> None:
    """Split a big FILE into audiences of at most --size valid, new members (all or none)."""
    from core.audience import check_name
    from core.cli.check import ensure_column, fix_headers_advice
    from core.errors import RuleViolation
    from core.plan import plan_create
    from core.split import apply_split, part_names, split_of
    from core.suppress import SuppressionList
    from core.text import one_line

    prefix = check_name(prefix)  # before the file is read and reported on
    store = open_store(ctx)
    first = part_names(prefix, 1)[0]
    if any(a.name == first for a in store.list_audiences()):
        # Every split makes a first part: a taken name needs no report of the file.
        raise RuleViolation(f"an audience named {first!r} already exists; nothing was read")
    table = read_table(file, encoding)
    ensure_column(table, phone_column, fix_headers=fix_headers)
    with fix_headers_advice():
        plan = plan_create(
            table,
            phone_column,
            fix_headers=fix_headers,
            lenient=lenient,
            default_region=default_region,
        )
    # The report comes first, so that a file with nothing to split says why.
    print_plan(plan, all_problems=all_problems)
    planned = split_of(
        plan,
        prefix,
        size=size,
        by=by,  # type: ignore[arg-type]
        suppressed=SuppressionList.load(store).keys(),
    )
    if planned.suppressed:
        click.echo(f"left out {plural(planned.suppressed, 'number')} on the do-not-call list")
    created = apply_split(store, planned)
    for audience, part in zip(created, planned.parts, strict=True):
        click.echo(
            f"created {one_line(audience.name)!r} with {plural(audience.member_count, 'member')}"
            + (f" ({one_line(part.group)})" if part.group else "")
        )
    click.echo(
        f"{plural(planned.members, 'member')} in {plural(len(created), 'audience')}; "
        f"{planned.plan.total - planned.members:,} rows left out"
    )
