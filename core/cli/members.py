"""Members one at a time: `add-member`, `edit-member`, `remove-member`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from core.audience import MEMBER_LIMIT
from core.cli import options
from core.cli.base import main, open_store, parse_pairs, reports_errors

if TYPE_CHECKING:
    from core.audience import Audience, Member
    from core.member_check import FieldProblem, MemberCheck


@main.command("add-member")
@click.argument("name")
@click.argument("values", nargs=-1, metavar="COLUMN=VALUE...")
@options.judging
@click.option(
    "--ambiguous",
    type=click.Choice(["as-typed", "national"]),
    help="A number without + that reads as another valid number in the audience's region: "
    "keep it as typed, or read it as a national number of that region.",
)
@click.pass_context
@reports_errors
def add_member(
    ctx: click.Context,
    name: str,
    values: tuple[str, ...],
    default_region: str | None,
    lenient: bool,
    ambiguous: str | None,
) -> None:
    """Add one member to audience NAME (manual entry)."""
    from core.member_check import check_member
    from core.suppress import SuppressionList

    store = open_store(ctx)
    suppressed = SuppressionList.load(store).keys()

    def choose(audience: Audience, existing: Mapping[str, Mapping[str, str]]) -> list[Member]:
        result = check_member(
            audience,
            parse_pairs(values),
            existing,
            lenient=lenient,
            default_region=default_region,
            suppressed=suppressed,
        )
        return [_chosen(result, ambiguous)]

    audience, _ = store.add_checked(name, choose)
    click.echo(f"added 1 member to {name!r} ({audience.member_count:,} / {MEMBER_LIMIT:,})")


def _chosen(result: MemberCheck, ambiguous: str | None) -> Member:
    """The member to save, or the refusal (the problems, or an ambiguity to resolve)."""
    from core.errors import RuleViolation

    if not result.ok or result.member is None:
        _refuse_member(result.problems)
    assert result.member is not None
    if not result.warnings or ambiguous == "as-typed":
        return result.member
    if ambiguous == "national" and result.national is not None:
        return result.national
    for w in result.warnings:
        click.echo(f"{w.column}: {w.message}")
    if ambiguous == "national":
        raise RuleViolation(
            "the member was not saved: its national reading is already a member or on "
            "the do-not-call list"
        )
    raise RuleViolation(
        "the member was not saved: the number reads as two countries' numbers (see above); "
        "choose with --ambiguous as-typed or national"
    )


def _refuse_member(problems: list[FieldProblem]) -> None:
    """Print what to fix (the report, on stdout) and refuse without values on stderr."""
    from core.errors import RuleViolation

    for p in problems:
        click.echo(f"{p.column}: {p.message}")
    raise RuleViolation(
        "the member was not saved: " + "; ".join(p.summary for p in problems) + " (see above)"
    )


def _find_member(audience: Audience, members: list[Member], phone: str) -> Member:
    """The member a typed phone means (written any way: formatted, national, E.164)."""
    from core.errors import NotFound, RuleViolation
    from core.phones import search_keys

    keys = search_keys(phone, fix_region=audience.fix_region())
    found = [m for m in members if m.e164 in keys]
    if not found:
        raise NotFound("no member has that number")
    if len(found) > 1:
        raise RuleViolation("that number could mean two members; type it with + and its code")
    return found[0]


@main.command("edit-member")
@click.argument("name")
@click.argument("phone")
@click.argument("values", nargs=-1, metavar="COLUMN=VALUE...")
@options.judging
@click.option(
    "--ambiguous",
    type=click.Choice(["as-typed", "national"]),
    help="A new number without + that reads as another valid number in the audience's "
    "region: keep it as typed, or read it as a national number of that region.",
)
@click.pass_context
@reports_errors
def edit_member(
    ctx: click.Context,
    name: str,
    phone: str,
    values: tuple[str, ...],
    default_region: str | None,
    lenient: bool,
    ambiguous: str | None,
) -> None:
    """Change fields of the member of NAME whose number is PHONE."""
    from core.member_check import check_member
    from core.suppress import SuppressionList

    if not values:
        raise click.UsageError("nothing to change: give the new values as COLUMN=VALUE")
    store = open_store(ctx)
    audience, current = store.load(name)
    member = _find_member(audience, current, phone)
    merged = {**member.values, **parse_pairs(values)}
    result = check_member(
        audience,
        merged,
        {m.e164: m.values for m in current},
        replacing=member.e164,
        lenient=lenient,
        default_region=default_region,
        suppressed=SuppressionList.load(store).keys(),
    )
    if result.warnings and merged[audience.phone_column] == member.values[audience.phone_column]:
        result = replace(result, warnings=[])  # the number was kept: nothing new to resolve
    store.update_member(name, member.e164, _chosen(result, ambiguous))
    click.echo(f"updated 1 member of {name!r}")


@main.command("remove-member")
@click.argument("name")
@click.argument("phones", nargs=-1, required=True)
@click.pass_context
@reports_errors
def remove_member(ctx: click.Context, name: str, phones: tuple[str, ...]) -> None:
    """Remove the members of NAME with these numbers."""
    store = open_store(ctx)
    audience, current = store.load(name)
    keys = sorted({_find_member(audience, current, p).e164 for p in phones})
    store.remove_members(name, keys)
    click.echo(f"removed {len(keys):,} member{'s' if len(keys) != 1 else ''} from {name!r}")
