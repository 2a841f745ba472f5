"""What the CSV diff view shows of an import plan: the header comparison, the checked
rows with their repairs, and the counts. Plain functions of the plan (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core.audience import MEMBER_LIMIT
from core.plan import STATUS_NEW, ImportPlan

# Checked-row columns; a file's columns are letters, digits and _ here, so never these.
ROW, STATUS, HINT, REGION, REPAIR = "(row)", "(status)", "(hint)", "(region)", "(repair)"
ROW_LABELS = {ROW: "Row", STATUS: "Status", HINT: "Hint", REGION: "Region", REPAIR: "Repair"}
DUPLICATE_STATUSES = ("duplicate_in_file", "already_in_audience")


def header_rows(plan: ImportPlan, create: bool) -> pl.DataFrame:
    """The header comparison as rows: verdict, audience column, file column."""
    audience: list[str] = []
    incoming: list[str] = []
    verdict: list[str] = []
    diff = plan.header_diff
    if create or diff is None:
        for header in plan.table.headers:
            saved = plan.header_fixes.get(header, header)
            audience.append(saved)
            incoming.append(header)
            verdict.append("match" if saved == header else "renamed")
    else:
        near = dict(diff.near)  # incoming -> existing
        near_existing = {e: i for i, e in diff.near}
        renamed = {new: old for old, new in plan.header_fixes.items()}
        for name in diff.matched:
            audience.append(name)
            incoming.append(renamed.get(name, name))
            verdict.append("renamed" if name in renamed else "match")
        for name in diff.missing:
            if name in near_existing:
                audience.append(name)
                incoming.append(near_existing[name])
                verdict.append("near match")
            else:
                audience.append(name)
                incoming.append("")
                verdict.append("missing")
        for name in diff.extra:
            if name not in near:
                audience.append("")
                incoming.append(name)
                verdict.append("extra")
    # The verdict first: names may be cut to fit, the verdict never is.
    return pl.DataFrame(
        {"verdict": verdict, "audience": audience, "file": incoming},
        schema={"verdict": pl.String, "audience": pl.String, "file": pl.String},
    )


def repair_text() -> pl.Expr:
    """Each row's repair, before -> after: the fix a repair would apply, the value a
    repair replaced, or the other reading of an ambiguous number."""
    kind = pl.when(pl.col("fix_kind").is_not_null()).then(
        pl.concat_str(pl.lit(" ("), "fix_kind", pl.lit(")"))
    )
    invalid = ~pl.col("status").is_in([STATUS_NEW, *DUPLICATE_STATUSES])
    return (
        pl.when(pl.col("original").is_not_null())
        .then(pl.concat_str(pl.lit("was "), "original", kind.fill_null("")))
        .when(pl.col("fix").is_not_null() & invalid)
        .then(pl.concat_str(pl.lit("→ "), "fix", kind.fill_null("")))
        .when(pl.col("alternative").is_not_null() & (pl.col("status") == STATUS_NEW))
        .then(pl.concat_str(pl.lit("or "), "alternative", pl.lit(" in its region?")))
        .otherwise(pl.lit(""))
    )


def rows_frame(plan: ImportPlan) -> pl.DataFrame:
    """Every checked row: status, the phone value (repaired, when it was), the repair,
    region, the file's other columns, and the hint."""
    checked = plan.with_hints().select(
        pl.col("row").alias(ROW),
        pl.col("status").alias(STATUS),
        pl.col("value"),
        repair_text().alias(REPAIR),
        pl.col("region").fill_null("").alias(REGION),
        pl.col("hint").fill_null("").alias(HINT),
    )
    if plan.rows.height != plan.table.frame.height:
        return checked.drop("value")
    values = plan.table.frame.rename(plan.header_fixes) if plan.header_fixes else plan.table.frame
    values = values.select([c for c in plan.columns if c in values.columns])
    others = values.drop(plan.phone_column)
    parts = [
        checked.select(ROW, STATUS),
        checked.select(pl.col("value").alias(plan.phone_column)),
    ]
    if (checked[REPAIR] != "").any():
        parts.append(checked.select(REPAIR))
    parts += [checked.select(REGION), others, checked.select(HINT)]
    return pl.concat(parts, how="horizontal")


COUNTS_WIDTH = 34  # the counts panel's text width (36 less its padding)
REASON_LINES = 2  # so the panel (at most 11 lines) always shows the capacity lines


def reason_lines(by_reason: dict[str, int], width: int, most: int) -> list[str]:
    """Invalid rows by reason, most common first, packed into at most `most` lines of
    `width`; what does not fit is counted at the end ("+2 more")."""

    def line(parts: list[str]) -> str:
        return "  " + " · ".join(parts)

    rows: list[list[str]] = []
    for reason, n in sorted(by_reason.items(), key=lambda item: -item[1]):
        piece = f"{reason} {n:,}"
        if rows and len(line([*rows[-1], piece])) <= width:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    if len(rows) > most:
        rest = sum(len(r) for r in rows[most:])
        rows = rows[:most]
        while rows[-1] and len(line([*rows[-1], f"+{rest} more"])) > width:
            rows[-1].pop()
            rest += 1
        rows[-1].append(f"+{rest} more")
    return [line(r) for r in rows]


@dataclass(frozen=True)
class PlanCounts:
    """The plan's counts, read once (each is a scan of up to a million statuses)."""

    total: int
    new: int
    invalid: int
    duplicates_in_file: int
    already_in_audience: int
    by_reason: dict[str, int]
    fixable: int
    repaired: int
    ambiguous: int
    ambiguous_skipped: int

    @classmethod
    def of(cls, plan: ImportPlan) -> PlanCounts:
        return cls(
            plan.total,
            plan.new,
            plan.invalid,
            plan.duplicates_in_file,
            plan.already_in_audience,
            plan.invalid_by_reason(),
            plan.fixable,
            plan.repaired,
            plan.ambiguous,
            plan.ambiguous_skipped,
        )

    @property
    def duplicates(self) -> int:
        return self.duplicates_in_file + self.already_in_audience


def counts_lines(
    plan: ImportPlan, counts: PlanCounts, *, up_to_limit: bool = False
) -> tuple[list[str], list[str]]:
    """The counts panel (at most 11 lines, so the capacity always shows): the rows'
    lines, then the capacity lines (`up_to_limit`: only the rows that fit are added)."""

    def line(label: str, n: int) -> str:
        return f"{label:<23}{n:>8,}"

    lines = [line("Rows in the file", plan.table.rows)]
    if plan.header_diff is not None and not plan.header_diff.ok:
        lines.append("Rows are checked once the column names match.")
    else:
        if counts.repaired:
            lines.append(line("Repaired", counts.repaired))
        lines.append(line("Valid and new", counts.new))
        fixable = f", {counts.fixable:,} fixable" if counts.fixable else ""
        lines.append(line(f"Invalid{fixable}", counts.invalid))
        lines += reason_lines(counts.by_reason, COUNTS_WIDTH, REASON_LINES)
        if counts.ambiguous or counts.ambiguous_skipped:
            lines.append(
                line("Two countries' numbers", counts.ambiguous + counts.ambiguous_skipped)
            )
        lines.append(line("Duplicates", counts.duplicates))
        if counts.duplicates and plan.existing:
            lines.append(
                f"  in file {counts.duplicates_in_file:,} · "
                f"in audience {counts.already_in_audience:,}"
            )
    total = plan.existing + counts.new
    if up_to_limit and total > MEMBER_LIMIT:
        room = max(MEMBER_LIMIT - plan.existing, 0)
        return lines, [
            f"Capacity {plan.existing:,} + {room:,} = {plan.existing + room:,} of {MEMBER_LIMIT:,}",
            f"  Left out, no room    {total - MEMBER_LIMIT:>8,}",
        ]
    capacity = [
        f"Capacity {plan.existing:,} + {counts.new:,} = {total:,} of {MEMBER_LIMIT:,}",
        f"  Room left after      {MEMBER_LIMIT - total:>8,}"
        if total <= MEMBER_LIMIT
        else f"  Over the limit by    {total - MEMBER_LIMIT:>8,}",
    ]
    return lines, capacity
