"""One big file into several audiences: `PREFIX 1`, `PREFIX 2`, ... all created or none.

Only valid, new rows become members (the rest are reported as `check` reports them), and
numbers on the do-not-call list are left out. With `by`, rows are first grouped by time
zone set or by region, and an audience never holds two groups: each group is cut into
audiences of at most `size` members on its own. Platforms schedule a whole batch in ONE
time zone, so an audience per zone can be started at its zone's morning; a mixed tail
would have to wait for the latest zone of the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from core.audience import MEMBER_LIMIT, Member
from core.errors import AudiencesError, RuleViolation
from core.words import plural

if TYPE_CHECKING:
    import polars as pl

    from core.audience import Audience
    from core.plan import ImportPlan
    from core.reading import CsvTable
    from core.store import NewAudience, Store

GroupBy = Literal["zone", "region"]
NO_REGION = "no region"


@dataclass(frozen=True)
class SplitPart:
    """One audience to create: its name, its group (None without `by`), its members."""

    name: str
    group: str | None
    members: list[Member]


@dataclass
class SplitPlan:
    """What `split` would create, and what the file held besides."""

    plan: ImportPlan
    parts: list[SplitPart]
    by: GroupBy | None = None
    suppressed: int = 0  # valid, new rows left out: on the do-not-call list
    required: list[str] = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(len(p.members) for p in self.parts)


def part_names(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {n}" for n in range(1, count + 1)]


def plan_split(
    table: CsvTable,
    phone_column: str,
    prefix: str,
    *,
    size: int = MEMBER_LIMIT,
    by: GroupBy | None = None,
    fix_headers: bool = False,
    lenient: bool = False,
    default_region: str | None = None,
    suppressed: frozenset[str] = frozenset(),
) -> SplitPlan:
    """Judge the file and cut its valid, new rows into audiences (nothing written)."""
    from core.plan import plan_create

    if not 1 <= size <= MEMBER_LIMIT:
        raise AudiencesError(
            f"an audience of the split holds between 1 and {MEMBER_LIMIT:,} members (the limit)"
        )
    plan = plan_create(
        table,
        phone_column,
        fix_headers=fix_headers,
        lenient=lenient,
        default_region=default_region,
    )
    return split_of(plan, prefix, size=size, by=by, suppressed=suppressed)


def split_of(
    plan: ImportPlan,
    prefix: str,
    *,
    size: int = MEMBER_LIMIT,
    by: GroupBy | None = None,
    suppressed: frozenset[str] = frozenset(),
) -> SplitPlan:
    """Cut the valid, new rows of a judged file (with the user's repairs and choices
    applied, as the app's diff view has it) into audiences (nothing written). The
    prefix is checked as an audience name is (an empty one would name them 1, 2, ...)."""
    import polars as pl

    from core.audience import check_name

    prefix = check_name(prefix)

    from core.phones import judge_column
    from core.plan import STATUS_NEW

    if not 1 <= size <= MEMBER_LIMIT:
        raise AudiencesError(
            f"an audience of the split holds between 1 and {MEMBER_LIMIT:,} members (the limit)"
        )
    table, lenient = plan.table, plan.lenient
    suppressed = suppressed | plan.suppressed_keys
    chosen = plan.rows.with_row_index("__i").filter(pl.col("status") == STATUS_NEW)
    left_out = 0
    if suppressed:
        on_list = chosen["e164"].is_in(pl.Series(list(suppressed), dtype=pl.String).implode())
        left_out = int(on_list.sum())
        chosen = chosen.filter(~on_list)
    if chosen.height == 0:
        raise RuleViolation(
            "nothing was created: the file has no valid, new rows to split"
            + (f" ({plural(left_out, 'number')} on the do-not-call list)" if left_out else "")
        )
    types = chosen["number_type"]
    if types.null_count():
        # Judged without types (the profile's verdicts): zones and members need them.
        types = judge_column(chosen["value"], lenient=lenient, with_hints=False)["number_type"]
    chosen = chosen.with_columns(types.alias("number_type"))
    chosen = chosen.with_columns(_groups(chosen, by).alias("__group"))
    frame = table.frame.rename(plan.header_fixes) if plan.header_fixes else table.frame
    columns = plan.columns
    parts: list[SplitPart] = []
    group_order = (
        sorted(chosen["__group"].unique().to_list(), key=lambda g: (g == NO_REGION, g))
        if by
        else [None]
    )
    for group in group_order:
        rows = chosen if group is None else chosen.filter(pl.col("__group") == group)
        for start in range(0, rows.height, size):
            chunk = rows.slice(start, size)
            # The phone value as the plan has it (repaired, when it was).
            values = frame[chunk["__i"]].with_columns(chunk["value"].alias(plan.phone_column))
            values = values.select(columns)
            members = [
                Member(dict(zip(columns, row, strict=True)), e164, region, ntype)
                for row, e164, region, ntype in zip(
                    values.iter_rows(),
                    chunk["e164"],
                    chunk["region"],
                    chunk["number_type"],
                    strict=True,
                )
            ]
            parts.append(SplitPart("", group, members))
    names = part_names(prefix, len(parts))
    parts = [SplitPart(n, p.group, p.members) for n, p in zip(names, parts, strict=True)]
    return SplitPlan(plan, parts, by, left_out, plan.required_columns())


def _groups(rows: pl.DataFrame, by: GroupBy | None) -> pl.Series:
    import polars as pl

    if by is None:
        return pl.Series([None] * rows.height, dtype=pl.String)
    if by == "region":
        return rows["region"].fill_null(NO_REGION)
    from core.hours import number_zones

    return number_zones(rows["e164"], rows["number_type"])["zone"]


def new_audiences(split: SplitPlan) -> list[NewAudience]:
    """The audiences a split creates, as `Store.create_many` takes them."""
    from core.store import NewAudience

    plan = split.plan
    return [
        NewAudience(p.name, plan.columns, plan.phone_column, p.members, split.required)
        for p in split.parts
    ]


def apply_split(store: Store, split: SplitPlan) -> list[Audience]:
    """Create every audience of the split in one locked, all-or-nothing change."""
    return store.create_many(new_audiences(split))
