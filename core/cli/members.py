"""Members one at a time: `add-member`, `edit-member`, `remove-member`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from core.cli import options
from core.cli.base import main, open_store, parse_pairs, reports_errors

if TYPE_CHECKING:
    from core.audience import Audience, Member


@main.command("add-member")
@click.argument("name")
@click.argument("values", nargs=-1, metavar="COLUMN=VALUE...")
@options.judging
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

    store = open_store(ctx)

    def choose(audience: Audience, keys: set[str]) -> list[Member]:
        result = check_member(
            audience, parse_pairs(values), keys, lenient=lenient, default_region=default_region
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
@options.lenient
@click.pass_context
@reports_errors
def edit_member(
    ctx: click.Context, name: str, phone: str, values: tuple[str, ...], lenient: bool
) -> None:
    """Change fields of the member of NAME whose number is PHONE."""
    from core.plan import check_member

    store = open_store(ctx)
    audience, current = store.load(name)
    member = _find_member(current, phone)
    merged = {**member.values, **parse_pairs(values)}
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
    store = open_store(ctx)
    current = store.members(name)
    keys = sorted({_find_member(current, p).e164 for p in phones})
    store.remove_members(name, keys)
    click.echo(f"removed {len(keys):,} member{'s' if len(keys) != 1 else ''} from {name!r}")
