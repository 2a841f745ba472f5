"""The `audiences` command line: every `core` operation for scripts.

Imports are deferred into the commands so that `audiences --help` stays fast and never
loads Polars or Textual.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from core.errors import AudiencesError

if TYPE_CHECKING:
    from core.audience import Audience, Member
    from core.plan import ImportPlan
    from core.reading import CsvTable
    from core.store import Store

F = TypeVar("F", bound=Callable[..., Any])
_PROBLEMS_PLACEHOLDER = "problems-8f1c2a7e-placeholder"


def _json(data: object) -> str:
    """JSON for the terminal: C1 controls and bidi overrides escaped as \\uXXXX too.

    json escapes only C0; the rest would reach the terminal raw. The escaped text decodes
    to the same values.
    """
    return _escape_controls(json.dumps(data, ensure_ascii=False, indent=2))


def _escape_controls(text: str) -> str:
    from core.text import CONTROL_CHARACTERS

    return CONTROL_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _fail(message: str, code: int) -> None:
    click.echo(f"audiences: {message}", err=True)
    sys.exit(code)


def reports_errors(func: F) -> F:
    """Turn `core` errors into one sentence on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AudiencesError as exc:
            _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing more was written", 130)

    return wrapper  # type: ignore[return-value]


def _store(ctx: click.Context) -> Store:
    from core.store import Store

    return Store(ctx.obj["db"])


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        column, sep, value = pair.partition("=")
        if not sep or not column:
            raise click.UsageError(f"expected COLUMN=VALUE, got {pair!r}")
        values[column] = value
    return values


class _Group(click.Group):
    """Click's group with usage errors as one line, like every other error here.

    Click prints its usage block, a hint and the error on four lines; a user (or a
    script reading stderr) gets one sentence that says what to fix and where help is.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        try:
            result = super().main(*args, **{**kwargs, "standalone_mode": False})
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "audiences"
            message = exc.format_message().rstrip()
            message += "" if message.endswith((".", "?", "!")) else "."
            _fail(f"{message} Try '{where} --help'.", exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("aborted; nothing more was written", 1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    envvar="AUDIENCES_DB",
    help="Store folder (default: your user data folder; env AUDIENCES_DB).",
)
@click.version_option(package_name="audiences")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Build, check and edit audiences: the contact lists that voice campaigns call.

    With no command, opens the terminal app on the store.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        _open_app(ctx, _store(ctx), demo_folder=None)


OpenApp = Callable[["Store", "Path | None"], None]


@reports_errors
def _open_app(ctx: click.Context, store: Store, demo_folder: Path | None) -> None:
    """Run the terminal app that the entry point gave (`tui.cli`); core knows no UI."""
    open_app: OpenApp | None = ctx.find_root().obj.get("open_app")
    if open_app is None:
        raise click.UsageError("the terminal app is not available here; give a command")
    open_app(store, demo_folder)


# --- reading and checking ------------------------------------------------------------


def _read(file: Path, encoding: str | None) -> CsvTable:
    from core.reading import read_file

    return read_file(file, encoding=encoding)


def _pick_phone_column(
    table: CsvTable, phone_column: str | None, lenient: bool
) -> tuple[str, str | None]:
    from core.profile import profile_table

    suggested = profile_table(table, lenient=lenient).suggested_phone_column
    chosen = phone_column or suggested
    if chosen is None:
        raise AudiencesError("no column holds phone numbers; name one with --phone-column")
    return chosen, suggested


PROBLEMS_SHOWN = 20  # problem rows printed unless --all: a big file can have 100,000s

_all_problems = click.option(
    "--all", "all_problems", is_flag=True, help="List every problem row (default: the first 20)."
)


def _print_plan(
    plan: ImportPlan, *, show_problems: bool = True, all_problems: bool = False
) -> None:
    table = plan.table
    click.echo(
        f"{table.source or 'input'}: {plan.total:,} rows, {len(table.headers)} columns, "
        f"{table.delimiter_name}-separated, {table.encoding}"
        + (f" (converted from {table.converted_from})" if table.converted_from else "")
    )
    if table.cleaned_cells:
        click.echo(f"control characters removed from {table.cleaned_cells:,} cells")
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
@click.option("--default-region", help="ISO region to suggest for numbers without a country code.")
@click.option("--lenient", is_flag=True, help="Accept possible numbers, not only valid ones.")
@click.option("--encoding", help="Convert from this encoding (consent for non-UTF-8 files).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (every problem row).")
@_all_problems
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

    table = _read(file, encoding)
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
        click.echo(_escape_controls(text.replace(f'"{_PROBLEMS_PLACEHOLDER}"', problems, 1)))
    else:
        click.echo(
            "columns: "
            + ", ".join(
                f"{c.name} ({c.valid_share:.0%} phones, {c.empty:,} empty)" for c in profile.columns
            )
        )
        click.echo(f"suggested phone column: {profile.suggested_phone_column or '-'}")
        _print_plan(plan, all_problems=all_problems)
    sys.exit(0 if plan.invalid + plan.duplicates_in_file == 0 else 1)


# --- audiences -------------------------------------------------------------------------


@main.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--phone-column", required=True, help="The one column used for calling.")
@click.option("--skip-invalid", is_flag=True, help="Leave out rows with invalid numbers.")
@click.option("--skip-duplicates", is_flag=True, help="Leave out repeated numbers.")
@click.option("--fix-headers", is_flag=True, help="Accept the proposed column names.")
@click.option("--default-region", help="ISO region to suggest for numbers without a country code.")
@click.option("--lenient", is_flag=True, help="Accept possible numbers, not only valid ones.")
@click.option("--encoding", help="Convert from this encoding (consent for non-UTF-8 files).")
@_all_problems
@click.pass_context
@reports_errors
def create(
    ctx: click.Context,
    name: str,
    file: Path,
    phone_column: str,
    skip_invalid: bool,
    skip_duplicates: bool,
    fix_headers: bool,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    all_problems: bool,
) -> None:
    """Create audience NAME from a CSV file."""
    from core.errors import RuleViolation
    from core.plan import plan_create

    table = _read(file, encoding)
    plan = plan_create(
        table, phone_column, fix_headers=fix_headers, lenient=lenient, default_region=default_region
    )
    if plan.header_fixes:
        click.echo(
            "column names fixed: " + ", ".join(f"{a} -> {b}" for a, b in plan.header_fixes.items())
        )
    try:
        members = plan.members(skip_invalid=skip_invalid, skip_duplicates=skip_duplicates)
    except RuleViolation:
        _print_plan(plan, all_problems=all_problems)
        raise
    if not members:
        _print_plan(plan, all_problems=all_problems)
        raise RuleViolation("nothing was written: the file has no rows to add")
    audience = _store(ctx).create(
        name, plan.columns, plan.phone_column, members, plan.required_columns()
    )
    _print_plan(
        plan, show_problems=bool(skip_invalid or skip_duplicates), all_problems=all_problems
    )
    click.echo(f"created {audience.name!r} with {audience.member_count:,} members")


@main.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Leave out rows with invalid numbers.")
@click.option("--skip-duplicates", is_flag=True, help="Leave out numbers already present.")
@click.option("--default-region", help="ISO region to suggest for numbers without a country code.")
@click.option("--lenient", is_flag=True, help="Accept possible numbers, not only valid ones.")
@click.option("--encoding", help="Convert from this encoding (consent for non-UTF-8 files).")
@_all_problems
@click.pass_context
@reports_errors
def add(
    ctx: click.Context,
    name: str,
    file: Path,
    skip_invalid: bool,
    skip_duplicates: bool,
    default_region: str | None,
    lenient: bool,
    encoding: str | None,
    all_problems: bool,
) -> None:
    """Add the members of a CSV (same column names, exactly) to audience NAME."""
    from core.errors import RuleViolation
    from core.plan import plan_add

    store = _store(ctx)
    audience, current = store.load(name)
    table = _read(file, encoding)
    plan = plan_add(
        table, audience, {m.e164 for m in current}, lenient=lenient, default_region=default_region
    )
    try:
        members = plan.members(skip_invalid=skip_invalid, skip_duplicates=skip_duplicates)
    except RuleViolation:
        if plan.header_diff is None or plan.header_diff.ok:
            _print_plan(plan, all_problems=all_problems)
        raise
    if members:
        audience = store.add_members(name, members)
    _print_plan(
        plan, show_problems=bool(skip_invalid or skip_duplicates), all_problems=all_problems
    )
    skipped = plan.total - len(members)
    click.echo(
        f"added {len(members):,} members to {name!r} ({audience.member_count:,} / 10,000)"
        + (f"; {skipped:,} rows skipped" if skipped else "")
    )


@main.command("add-member")
@click.argument("name")
@click.argument("values", nargs=-1, metavar="COLUMN=VALUE...")
@click.option("--default-region", help="ISO region to suggest for numbers without a country code.")
@click.option("--lenient", is_flag=True, help="Accept possible numbers, not only valid ones.")
@click.pass_context
@reports_errors
def add_member(
    ctx: click.Context,
    name: str,
    values: tuple[str, ...],
    default_region: str | None,
    lenient: bool,
) -> None:
    """Add one member to audience NAME (manual entry)."""
    from core.plan import check_member

    store = _store(ctx)

    def choose(audience: Audience, keys: set[str]) -> list[Member]:
        result = check_member(
            audience, _parse_pairs(values), keys, lenient=lenient, default_region=default_region
        )
        if not result.ok or result.member is None:
            _refuse_member(result.problems)
        assert result.member is not None
        return [result.member]

    audience, _ = store.add_checked(name, choose)
    click.echo(f"added 1 member to {name!r} ({audience.member_count:,} / 10,000)")


def _refuse_member(problems: list[Any]) -> None:
    """Print what to fix (the report, on stdout) and refuse without values on stderr."""
    from core.errors import RuleViolation

    for p in problems:
        click.echo(f"{p.column}: {p.message}")
    raise RuleViolation(
        "the member was not saved: " + "; ".join(p.summary for p in problems) + " (see above)"
    )


def _find_member(members: list[Any], phone: str) -> Any:
    from core.errors import NotFound
    from core.phones import judge

    verdict = judge(phone, lenient=True)
    for m in members:
        if verdict.e164 is not None and m.e164 == verdict.e164:
            return m
    raise NotFound("no member has that number")


@main.command("edit-member")
@click.argument("name")
@click.argument("phone")
@click.argument("values", nargs=-1, metavar="COLUMN=VALUE...")
@click.option("--lenient", is_flag=True, help="Accept possible numbers, not only valid ones.")
@click.pass_context
@reports_errors
def edit_member(
    ctx: click.Context, name: str, phone: str, values: tuple[str, ...], lenient: bool
) -> None:
    """Change fields of the member of NAME whose number is PHONE."""
    from core.plan import check_member

    store = _store(ctx)
    audience, current = store.load(name)
    member = _find_member(current, phone)
    merged = {**member.values, **_parse_pairs(values)}
    result = check_member(
        audience, merged, {m.e164 for m in current}, replacing=member.e164, lenient=lenient
    )
    if not result.ok or result.member is None:
        _refuse_member(result.problems)
    assert result.member is not None
    store.update_member(name, member.e164, result.member)
    click.echo(f"updated 1 member of {name!r}")


@main.command("remove-member")
@click.argument("name")
@click.argument("phones", nargs=-1, required=True)
@click.pass_context
@reports_errors
def remove_member(ctx: click.Context, name: str, phones: tuple[str, ...]) -> None:
    """Remove the members of NAME with these numbers."""
    store = _store(ctx)
    current = store.members(name)
    keys = sorted({_find_member(current, p).e164 for p in phones})
    store.remove_members(name, keys)
    click.echo(f"removed {len(keys):,} member{'s' if len(keys) != 1 else ''} from {name!r}")


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@reports_errors
def list_(ctx: click.Context, as_json: bool) -> None:
    """List the audiences."""
    audiences = _store(ctx).list_audiences()
    if as_json:
        click.echo(
            _json(
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
            f"{one_line(a.name)}  {a.member_count:,} / 10,000  phone: {one_line(a.phone_column)}  "
            f"regions: {', '.join(a.top_regions()) or '-'}  changed {a.changed_at}"
        )


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show an audience and its members."""
    audience, members = _store(ctx).load(name)
    if as_json:
        click.echo(
            _json(
                {
                    "name": audience.name,
                    "columns": audience.columns,
                    "phone_column": audience.phone_column,
                    "required": audience.required,
                    "style": audience.style,
                    "members": [m.values for m in members],
                },
            )
        )
        return
    from core.audience import STYLE_NAMES
    from core.text import one_line

    click.echo(
        f"{one_line(audience.name)}: {audience.member_count:,} / 10,000 members, phone column "
        f"{one_line(audience.phone_column)} ({STYLE_NAMES[audience.style]}), required: "
        f"{', '.join(one_line(c) for c in audience.required)}"
    )
    click.echo("\t".join(one_line(c) for c in audience.columns))
    for m in members:
        click.echo("\t".join(one_line(m.values[c]) for c in audience.columns))


@main.command()
@click.argument("name")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.option(
    "--excel-safe", is_flag=True, help="Prefix ' to cells a spreadsheet would run as formulas."
)
@click.pass_context
@reports_errors
def export(ctx: click.Context, name: str, output: Path | None, excel_safe: bool) -> None:
    """Export an audience to CSV (original column order, values as stored)."""
    from core.export import export_to_file, to_csv

    audience, members = _store(ctx).load(name)
    if output is None:
        click.echo(to_csv(audience, members, excel_safe_cells=excel_safe), nl=False)
        return
    path = export_to_file(audience, members, output, excel_safe_cells=excel_safe)
    click.echo(f"exported {len(members):,} members to {path}", err=True)


@main.command()
@click.argument("old")
@click.argument("new")
@click.pass_context
@reports_errors
def rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename an audience."""
    audience = _store(ctx).rename(old, new)
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
    audience, _ = _store(ctx).delete(name)
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
    kept = _store(ctx).set_aside(name)
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
                click.echo(f"audience {a.name!r}: {a.member_count:,} / 10,000 members")
            for f in files:
                table = _read(f, None)
                chosen, _ = _pick_phone_column(table, None, False)
                click.echo("")
                _print_plan(plan_check(table, chosen), show_problems=True)
            return
        _open_app(click.get_current_context(), store, demo_folder=Path(tmp) / "samples")


if __name__ == "__main__":
    main()
