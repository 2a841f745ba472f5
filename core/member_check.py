"""One member typed by hand (the form, `add-member`, `edit-member`) against its audience."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from core.audience import Audience, Member, member_name
from core.phones import AMBIGUOUS_COUNTRY, PhoneVerdict, Reason, judge
from core.text import strip_controls


@dataclass(frozen=True)
class FieldProblem:
    """Why one field of the member form cannot be saved (or, as a warning, should not
    be saved without a second look). `fix` is the value that would pass, when one
    follows from what was typed."""

    column: str
    reason: str
    message: str
    fix: str | None = None
    fix_kind: str | None = None

    @property
    def summary(self) -> str:
        """The problem without the values in it (for stderr and logs)."""
        return f"{self.column}: {self.reason}"


@dataclass(frozen=True)
class MemberCheck:
    """The verdict on a member typed by hand: the member to save, or the problems.

    `warnings` hold an ambiguous country (the number is valid, but reads as another
    valid number in the audience's region): saving it as typed needs a second word.
    """

    member: Member | None
    problems: list[FieldProblem]
    warnings: list[FieldProblem] = field(default_factory=list)
    national: Member | None = None  # the member with the national reading, if ambiguous
    phone: PhoneVerdict | None = None  # core's verdict on the phone value as typed

    @property
    def ok(self) -> bool:
        return self.member is not None and not self.problems


def check_member(
    audience: Audience,
    values: dict[str, str],
    existing: Collection[str] | Mapping[str, Mapping[str, str]],
    *,
    replacing: str | None = None,
    lenient: bool = False,
    default_region: str | None = None,
    suppressed: Collection[str] = frozenset(),
) -> MemberCheck:
    """Check one member for manual entry (or an edit, `replacing` its old E.164 key).

    `existing` holds the E.164 keys of the current members, or maps them to their
    values (then a clash names the member who has the number). `suppressed` holds the
    store's do-not-call list: a number on it is refused (an edit that keeps the
    member's own number is not).
    """
    unknown = [c for c in values if c not in audience.columns]
    problems: list[FieldProblem] = [
        FieldProblem(c, "unknown_column", f"the audience has no column {c!r}") for c in unknown
    ]
    clean = {c: strip_controls(values.get(c, "")) for c in audience.columns}
    for column in audience.required:
        if column != audience.phone_column and clean[column].strip() == "":
            problems.append(
                FieldProblem(column, str(Reason.MISSING_REQUIRED), f"{column} is required")
            )
    phone = clean[audience.phone_column]
    fix_region = audience.fix_region(default_region)
    verdict = judge(
        phone,
        lenient=lenient,
        hint_regions=audience.hint_regions(default_region),
        fix_region=fix_region,
    )
    if not verdict.valid:
        assert verdict.reason is not None
        fix = verdict.fix
        if fix is not None and audience.style == "no_plus":
            fix = fix.lstrip("+")
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(verdict.reason),
                f"{verdict.reason}: {verdict.hint}" if verdict.hint else str(verdict.reason),
                fix,
                None if verdict.fix_kind is None else str(verdict.fix_kind),
            )
        )
        return MemberCheck(None, problems, phone=verdict)
    assert verdict.e164 is not None
    if verdict.e164 in existing and verdict.e164 != replacing:
        who = ""
        if isinstance(existing, Mapping):
            holder = Member(dict(existing[verdict.e164]), verdict.e164)
            who = f" ({member_name(audience, holder)})" if member_name(audience, holder) else ""
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(Reason.ALREADY_IN_AUDIENCE),
                f"already_in_audience: {verdict.e164} is already a member{who}",
            )
        )
    if verdict.e164 in suppressed and verdict.e164 != replacing:
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(Reason.SUPPRESSED),
                f"suppressed: {verdict.e164} is on the do-not-call list",
            )
        )
    style_fix = _style_fix(audience, phone)
    if style_fix is not None:
        written = "with" if audience.style == "plus" else "without"
        if verdict.alternative is not None:
            # Adding the + would pick one reading of an ambiguous number: say both.
            advice, style_fix = f"{verdict.hint}", None
        else:
            advice = f"use {style_fix}"
        problems.append(
            FieldProblem(
                audience.phone_column,
                str(Reason.STYLE_MISMATCH),
                f"style_mismatch: this audience's numbers are written {written} +; {advice}",
                style_fix,
            )
        )
    if problems:
        return MemberCheck(None, problems, phone=verdict)
    member = Member(clean, verdict.e164, verdict.region, verdict.number_type)
    if verdict.alternative is None:
        return MemberCheck(member, [], phone=verdict)
    national_value = verdict.alternative
    if audience.style == "no_plus":
        national_value = national_value.lstrip("+")
    warning = FieldProblem(
        audience.phone_column,
        AMBIGUOUS_COUNTRY,
        f"{AMBIGUOUS_COUNTRY}: {verdict.hint}",
        national_value,
        "national",
    )
    national = None
    if (
        verdict.alternative not in existing or verdict.alternative == replacing
    ) and verdict.alternative not in suppressed:
        national_verdict = judge(verdict.alternative, lenient=lenient)
        national = Member(
            {**clean, audience.phone_column: national_value},
            verdict.alternative,
            national_verdict.region,
            national_verdict.number_type,
        )
    return MemberCheck(member, [], [warning], national, phone=verdict)


def _style_fix(audience: Audience, phone: str) -> str | None:
    if audience.style == "plus" and not phone.startswith("+"):
        return "+" + phone
    if audience.style == "no_plus" and phone.startswith("+"):
        return phone[1:]
    return None
