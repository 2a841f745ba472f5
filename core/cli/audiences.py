"""Audiences whole: create from a file, add a file, list, show, export, rename, delete."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.audience import MEMBER_LIMIT
from core.cli import options
from core.cli.base import (
    as_json_text,
    exits_quickly,
    main,
    open_app,
    open_store,
    reports_errors,
)
from core.cli.check import (
    PROBLEMS_SHOWN,
    blocked_text,
    ensure_column,
    fix_headers_advice,
    pick_phone_column,
    print_plan,
    read_table,
)
from core.words import plural

if TYPE_CHECKING:
    from core.audience import Member
    from core.plan import ImportPlan


def _write_members(
    plan: ImportPlan,
    *,
    skip_invalid: bool,
    skip_duplicates: bool,
    ambiguous: str | None,
    up_to_limit: bool = False,
    update: bool = False,
    adding: bool,
    all_problems: bool,
) -> tuple[ImportPlan, list[Member]]:
    """The plan as the user resolved it and the members to write; refused with the
    report printed and one sentence saying what to do."""
    from core.errors import RuleViolation
    from core.plan import PlanBlocked

    if ambiguous is not None:
        plan = plan.resolved(ambiguous)  # type: ignore[arg-type]
    try:
        members = plan.members(
            skip_invalid=skip_invalid,
            skip_duplicates=skip_duplicates,
            up_to_limit=up_to_limit,
            update=update,
        )
    except PlanBlocked as blocked:
        if plan.header_diff is None or plan.header_diff.ok:
            print_plan(plan, all_problems=all_problems)
        raise RuleViolation(blocked_text(blocked.blockers, plan, adding=adding)) from None
    return plan, members


if TYPE_CHECKING:
    from core.audience import Audience, Member


@main.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--phone-column", required=True, help="The one column used for calling.")
@options.writing
@options.fix_headers
@options.judging
@options.reading
@options.all_problems
@click.pass_context
@reports_errors
def create(
    ctx: click.Context,
    name: str,
    file: Path,
    phone_column: str,
    skip_invalid: bool,
    skip_duplicates: bool,
    repair: bool,
    ambiguous: str | None,
    fix_headers: bool,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    all_problems: bool,
) -> None:
    """Create audience NAME from a CSV file."""
    from core.audience import check_name
    from core.errors import RuleViolation
    from core.plan import plan_create
    from core.suppress import SuppressionList

    # The name first: a report of the file's rows would only be followed by its refusal
    # (the store checks again under its lock when it writes).
    name = check_name(name)
    store = open_store(ctx)
    if any(a.name == name for a in store.list_audiences()):
        raise RuleViolation(f"an audience named {name!r} already exists; nothing was read")
    table = read_table(file, encoding)
    ensure_column(table, phone_column, fix_headers=fix_headers)
    with fix_headers_advice():
        plan = plan_create(
            table,
            phone_column,
            fix_headers=fix_headers,
            lenient=lenient,
            default_region=default_region,
            repair=repair,
            suppressed=SuppressionList.load(store).keys(),
        )
    if plan.header_fixes:
        click.echo(
            "column names fixed: " + ", ".join(f"{a} -> {b}" for a, b in plan.header_fixes.items())
        )
    plan, members = _write_members(
        plan,
        skip_invalid=skip_invalid,
        skip_duplicates=skip_duplicates,
        ambiguous=ambiguous,
        adding=False,
        all_problems=all_problems,
    )
    audience = store.create(name, plan.columns, plan.phone_column, members, plan.required_columns())
    exits_quickly()  # the store is written and closed: the report is all that is left
    print_plan(plan, show_problems=bool(skip_invalid or skip_duplicates), all_problems=all_problems)
    click.echo(f"created {audience.name!r} with {_members(audience.member_count)}")


def _members(n: int) -> str:
    return f"{n:,} member{'' if n == 1 else 's'}"


@main.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@options.writing
@options.mapping
@options.fix_headers
@options.up_to_limit
@click.option(
    "--update",
    is_flag=True,
    help="Rows whose number is already a member update that member's other columns "
    "(a blank cell keeps the member's value; the phone stays as stored).",
)
@options.judging
@options.reading
@options.all_problems
@click.pass_context
@reports_errors
def add(
    ctx: click.Context,
    name: str,
    file: Path,
    skip_invalid: bool,
    skip_duplicates: bool,
    repair: bool,
    ambiguous: str | None,
    mapping: tuple[str, ...],
    fix_headers: bool,
    up_to_limit: bool,
    update: bool,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    all_problems: bool,
) -> None:
    """Add the members of a CSV (same column names, exactly) to audience NAME."""
    from core.headers import parse_mapping
    from core.plan import plan_add
    from core.suppress import SuppressionList
    from core.text import one_line

    store = open_store(ctx)
    audience, current = store.load(name)
    table = read_table(file, encoding)
    plan = plan_add(
        table,
        audience,
        {m.e164 for m in current},
        lenient=lenient,
        default_region=default_region,
        mapping=parse_mapping(mapping),
        fix_headers=fix_headers,
        repair=repair,
        suppressed=SuppressionList.load(store).keys(),
    )
    if plan.header_fixes:
        click.echo(
            "column names read as: "
            + ", ".join(f"{a} -> {b}" for a, b in plan.header_fixes.items())
        )
    plan, members = _write_members(
        plan,
        skip_invalid=skip_invalid,
        skip_duplicates=skip_duplicates,
        ambiguous=ambiguous,
        up_to_limit=up_to_limit,
        update=update,
        adding=True,
        all_problems=all_problems,
    )
    updates = plan.updates(current) if update else []
    if updates:
        audience, _ = store.merge_members(name, add=members, update=[new for _, new in updates])
    elif members:
        audience = store.add_members(name, members)
    exits_quickly()  # the store is written and closed: the report is all that is left
    print_plan(
        plan,
        show_problems=bool(skip_invalid or skip_duplicates),
        all_problems=all_problems,
        updating=update,
    )
    for old_member, new_member in updates[:PROBLEMS_SHOWN]:
        changes = ", ".join(
            f"{c}: {one_line(old_member.values[c])!r} -> {one_line(v)!r}"
            for c, v in new_member.values.items()
            if v != old_member.values[c]
        )
        click.echo(f"  updated {one_line(old_member.values[plan.phone_column])}: {changes}")
    if len(updates) > PROBLEMS_SHOWN:
        click.echo(f"  ... and {len(updates) - PROBLEMS_SHOWN:,} more updated")
    used = len(members) + (plan.already_in_audience if update else 0)
    skipped = plan.total - used
    left_out = plan.left_out_by_limit() if up_to_limit else 0
    click.echo(
        f"added {_members(len(members))} to {name!r} "
        f"({audience.member_count:,} / {MEMBER_LIMIT:,})"
        + (f", updated {_members(len(updates))}" if update else "")
        + (f"; {skipped:,} row{'' if skipped == 1 else 's'} skipped" if skipped else "")
        + (f", {left_out:,} of them over the limit" if left_out else "")
    )


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@reports_errors
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the audiences."""
    audiences = open_store(ctx).list_audiences()
    if as_json:
        click.echo(
            as_json_text(
                [
                    {
                        "name": a.name,
                        "members": a.member_count,
                        "phone_column": a.phone_column,
                        "columns": a.columns,
                        "style": a.style,
                        "regions": a.regions,
                        "changed_at": a.changed_at,
                    }
                    for a in audiences
                ],
            )
        )
        return
    if not audiences:
        click.echo(
            "no audiences yet; create one with: audiences create NAME FILE --phone-column COL"
        )
    from core.text import one_line

    for a in audiences:
        click.echo(
            f"{one_line(a.name)}  {a.member_count:,} / {MEMBER_LIMIT:,}  "
            f"phone: {one_line(a.phone_column)}  "
            f"regions: {', '.join(a.top_regions()) or '-'}  changed {a.changed_at}"
        )


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show an audience and its members."""
    from core.suppress import SuppressionList

    store = open_store(ctx)
    audience, members = store.load(name)
    suppressed = SuppressionList.load(store).keys()
    flagged = sum(1 for m in members if m.e164 in suppressed)
    if as_json:
        click.echo(
            as_json_text(
                {
                    "name": audience.name,
                    "columns": audience.columns,
                    "phone_column": audience.phone_column,
                    "required": audience.required,
                    "style": audience.style,
                    "members": [m.values for m in members],
                    # Beside "members", in the same order: what the number says about each
                    # member (kept apart so that no column name can clash with these keys).
                    "numbers": [
                        {
                            "e164": m.e164,
                            "region": m.region,
                            "type": m.number_type,
                            "suppressed": m.e164 in suppressed,
                        }
                        for m in members
                    ],
                    "suppressed": flagged,
                },
            )
        )
        return
    from core.audience import STYLE_NAMES
    from core.text import one_line

    click.echo(
        f"{one_line(audience.name)}: {audience.member_count:,} / {MEMBER_LIMIT:,} members, "
        f"phone column {one_line(audience.phone_column)} ({STYLE_NAMES[audience.style]}), "
        f"required: {', '.join(one_line(c) for c in audience.required)}"
    )
    if flagged:
        click.echo(
            f"{flagged:,} member{'s are' if flagged != 1 else ' is'} on the do-not-call list "
            "(left out of exports)",
            err=True,
        )
    click.echo("\t".join(one_line(c) for c in audience.columns))
    for m in members:
        click.echo("\t".join(one_line(m.values[c]) for c in audience.columns))


@main.command()
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="File to write (default, or -: standard output).",
)
@click.option(
    "--for",
    "platform_key",
    type=click.Choice(["atoms", "vapi", "retell", "bland", "elevenlabs"], case_sensitive=False),
    help="Write the CSV that platform's batch upload takes (its phone header, E.164, limits).",
)
@click.option(
    "--excel-safe",
    is_flag=True,
    help="For opening in Excel: prefix ' to cells it would run as formulas (never the phone "
    "column's); a plain CSV also starts with a BOM, so Excel reads accents right.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("--include-suppressed", is_flag=True, help="Keep members on the do-not-call list.")
@click.pass_context
@reports_errors
def export(
    ctx: click.Context,
    name: str,
    output: Path | None,
    platform_key: str | None,
    excel_safe: bool,
    force: bool,
    include_suppressed: bool,
) -> None:
    """Export an audience to CSV (original column order, values as stored).

    Members on the do-not-call list are left out unless --include-suppressed. An
    existing file is refused (exit 1, nothing written) unless --force.
    """
    from core.errors import AudiencesError, FileExists, NotAPlaceForAFile, RuleViolation
    from core.export import export_to_file, leave_out, to_csv
    from core.suppress import SuppressionList

    if output is not None and str(output) in ("-", "/dev/stdout"):
        output = None  # standard output, as most tools read these
    store = open_store(ctx)
    audience, members = store.load(name)
    left_out = 0
    if not include_suppressed:
        try:
            members, left_out = leave_out(members, SuppressionList.load(store).keys())
        except RuleViolation as exc:
            raise RuleViolation(f"{exc.message} (--include-suppressed keeps them)") from None
    try:
        if platform_key is not None:
            _export_for(audience, members, platform_key, output, excel_safe, force)
        elif output is None:
            click.echo(to_csv(audience, members, excel_safe_cells=excel_safe), nl=False)
        else:
            path = export_to_file(
                audience, members, output, excel_safe_cells=excel_safe, overwrite=force
            )
            click.echo(f"exported {plural(len(members), 'member')} to {path}", err=True)
    except FileExists as exc:
        raise RuleViolation(f"{exc.message} (--force replaces it)") from None
    except NotAPlaceForAFile as exc:
        raise AudiencesError(
            f"{exc.message}, or leave out -o to write to standard output"
        ) from None
    if left_out:
        click.echo(
            f"left out {left_out:,} member{'s' if left_out != 1 else ''} on the do-not-call "
            "list (--include-suppressed keeps them)",
            err=True,
        )


def _export_for(
    audience: Audience,
    members: list[Member],
    key: str,
    output: Path | None,
    excel_safe: bool,
    force: bool,
) -> None:
    from core.errors import RuleViolation
    from core.export import limits_text, platform_export, stale_parts, write_parts
    from core.platforms import platform

    made = platform_export(audience, members, platform(key), excel_safe_cells=excel_safe)
    target = made.platform
    if output is None:
        if len(made.parts) > 1:
            raise RuleViolation(
                f"nothing was written: {target.name} takes at most {limits_text(made)} a file, so "
                f"this export needs {len(made.parts)} files; give -o FILE.csv"
            )
        click.echo(made.parts[0].decode(), nl=False)
        return
    paths = write_parts(made, output, overwrite=force)
    if len(paths) == 1:
        click.echo(
            f"exported {plural(len(members), 'member')} for {target.name} to {paths[0]}", err=True
        )
    else:
        click.echo(
            f"exported {plural(len(members), 'member')} for {target.name} in {len(paths)} files "
            f"({target.name} takes at most {limits_text(made)} a file):",
            err=True,
        )
        for path, rows in zip(paths, made.rows, strict=True):
            click.echo(f"  {path} ({rows:,} members)", err=True)
    old = stale_parts(output, len(paths) if len(paths) > 1 else 0)
    if old:
        click.echo(
            f"note: {', '.join(str(p) for p in old)} from an earlier export "
            f"{'is' if len(old) == 1 else 'are'} still there; do not upload "
            f"{'it' if len(old) == 1 else 'them'}",
            err=True,
        )


@main.command()
@click.argument("old")
@click.argument("new")
@click.pass_context
@reports_errors
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename an audience."""
    audience = open_store(ctx).rename(old, new)
    click.echo(f"renamed {old!r} to {audience.name!r}")


@main.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm: the audience and its members are deleted.")
@click.pass_context
@reports_errors
def delete(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete an audience (needs --yes)."""
    if not yes:
        raise click.UsageError("deleting needs --yes")
    audience, _ = open_store(ctx).delete(name)
    click.echo(f"deleted {audience.name!r} ({audience.member_count:,} members)")


@main.command("set-aside")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm: the audience leaves the store.")
@click.pass_context
@reports_errors
def set_aside(ctx: click.Context, name: str, yes: bool) -> None:
    """Take out an audience whose members file is damaged; the file is kept (needs --yes)."""
    if not yes:
        raise click.UsageError("setting an audience aside needs --yes")
    kept = open_store(ctx).set_aside(name)
    click.echo(
        f"set {name!r} aside; "
        + (f"its members file is kept at {kept}" if kept else "its members file was missing")
    )


@main.command()
@click.option(
    "--report", is_flag=True, help="Print a check report of the samples instead of opening the app."
)
@reports_errors
def demo(report: bool) -> None:
    """Open the app on a throwaway store seeded with sample audiences."""
    import tempfile

    from core.demo import seed_demo
    from core.store import Store

    with tempfile.TemporaryDirectory(prefix="audiences-demo-") as tmp:
        store = Store(Path(tmp) / "store")
        files = seed_demo(store, Path(tmp) / "samples")
        if report:
            from core.plan import plan_check

            for a in store.list_audiences():
                click.echo(f"audience {a.name!r}: {a.member_count:,} / {MEMBER_LIMIT:,} members")
            for f in files:
                table = read_table(f, None)
                chosen, _ = pick_phone_column(table, None, False)
                click.echo("")
                print_plan(plan_check(table, chosen), show_problems=True)
            return
        open_app(click.get_current_context(), store, demo_folder=Path(tmp) / "samples")
