"""The audience model and its own rules: columns, required fields, phone style, limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from core.errors import RuleViolation
from core.text import header_problems

MEMBER_LIMIT = 10_000

PhoneStyle = Literal["plus", "no_plus", "mixed", "none"]
STYLE_NAMES: dict[str, str] = {
    "plus": "all with +",
    "no_plus": "all without +",
    "mixed": "mixed",
    "none": "no members yet",
}


@dataclass(slots=True)
class Member:
    """One member: its values by column (as typed) and what the phone check derived."""

    values: dict[str, str]
    e164: str
    region: str | None = None
    number_type: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "e164": self.e164,
            "region": self.region,
            "type": self.number_type,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Member:
        return cls(dict(doc["values"]), doc["e164"], doc.get("region"), doc.get("type"))


@dataclass(frozen=True)
class Audience:
    """A named contact list's description (its members live beside it in the store)."""

    name: str
    columns: list[str]
    phone_column: str
    required: list[str]
    member_count: int = 0
    style: PhoneStyle = "none"
    regions: dict[str, int] = field(default_factory=dict)
    created_at: str = ""
    changed_at: str = ""
    id: str = ""
    generation: int = 0  # bumped by every write of its members (a version finer than a second)

    @property
    def room(self) -> int:
        """How many members may still be added."""
        return max(MEMBER_LIMIT - self.member_count, 0)

    def top_regions(self, n: int = 3) -> list[str]:
        return [r for r, _ in sorted(self.regions.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    def hint_regions(self, default_region: str | None = None) -> list[str]:
        """Regions to try for a missing country code: the user's default, then ours."""
        regions = [default_region.upper()] if default_region else []
        regions += [r for r in self.top_regions(10) if r not in regions]
        return regions

    def fix_region(self, default_region: str | None = None) -> str | None:
        """The region a national number is read in: the user's default, else the region
        of a strict majority of the members (None when no region has one)."""
        from core.phones import dominant_region

        if default_region:
            return default_region.upper()
        return dominant_region(self.regions)


def phone_style(values: list[str]) -> PhoneStyle:
    """How the numbers are written: all with `+`, all without, or mixed."""
    if not values:
        return "none"
    plus = sum(1 for v in values if v.startswith("+"))
    if plus == len(values):
        return "plus"
    if plus == 0:
        return "no_plus"
    return "mixed"


def combine_styles(a: PhoneStyle, b: PhoneStyle) -> PhoneStyle:
    """The style of two groups of numbers together."""
    if a == "none":
        return b
    if b == "none" or a == b:
        return a
    return "mixed"


def summarize_docs(
    docs: Sequence[dict[str, Any]], phone_column: str
) -> tuple[PhoneStyle, dict[str, int]]:
    """The summary an audience keeps of its members file: how its numbers are written
    (`phone_style`) and how many members each region has. From stored member documents
    (no Member objects built)."""
    regions: dict[str, int] = {}
    for d in docs:
        region = d.get("region")
        if region:
            regions[region] = regions.get(region, 0) + 1
    return phone_style([d["values"][phone_column] for d in docs]), regions


def summary_after_adding(
    style: PhoneStyle,
    regions: dict[str, int],
    added: Sequence[dict[str, Any]],
    phone_column: str,
) -> tuple[PhoneStyle, dict[str, int]]:
    """The summary once `added` member documents join members summarized as `style` and
    `regions`: counted from the new members alone (the same as summarizing them all)."""
    added_style, added_regions = summarize_docs(added, phone_column)
    combined = {r: regions.get(r, 0) + added_regions.get(r, 0) for r in {*regions, *added_regions}}
    return combine_styles(style, added_style), combined


def check_name(name: str) -> str:
    """An audience name: non-empty, printable, at most 100 characters."""
    from core.text import strip_controls

    cleaned = strip_controls(name).strip()
    if not cleaned:
        raise RuleViolation("an audience name cannot be empty")
    if len(cleaned) > 100:
        raise RuleViolation("an audience name can be at most 100 characters")
    return cleaned


def check_columns(columns: list[str], phone_column: str) -> None:
    """Column names valid and unique, and the phone column one of them."""
    problems = header_problems(columns)
    if problems:
        raise RuleViolation(
            "column names must be unique and made of ASCII letters, digits and _: "
            + "; ".join(problems)
        )
    if phone_column not in columns:
        raise RuleViolation(
            f"there is no column named {phone_column!r}; choose one of: " + ", ".join(columns)
        )


def limit_message(existing: int, adding: int) -> str:
    """Why adding would break the limit, and how many may still be added."""
    room = max(MEMBER_LIMIT - existing, 0)
    return (
        f"the audience has {existing:,} members: at most {room:,} more "
        f"(limit {MEMBER_LIMIT:,}); this would add {adding:,}"
    )


# The derived columns of a members frame. Audience columns are named with letters, digits
# and _ only, so names in parentheses can never clash with one.
E164_COLUMN = "(e164)"
REGION_COLUMN = "(region)"
TYPE_COLUMN = "(type)"


def members_frame(audience: Audience, members: list[Member]) -> Any:
    """The members as a Polars frame: the audience's columns, then E164_COLUMN,
    REGION_COLUMN and TYPE_COLUMN."""
    import polars as pl

    data: dict[str, list[Any]] = {
        c: [m.values.get(c, "") for m in members] for c in audience.columns
    }
    data[E164_COLUMN] = [m.e164 for m in members]
    data[REGION_COLUMN] = [m.region for m in members]
    data[TYPE_COLUMN] = [m.number_type for m in members]
    return pl.DataFrame(data, schema={k: pl.String for k in data})


# --- words about a member, for confirmations and examples --------------------------------
_NAME_COLUMNS = ("name", "full_name", "fullname", "contact_name", "display_name")
_FIRST_LAST = (("first_name", "firstname", "given_name"), ("last_name", "lastname", "surname"))


def member_name(audience: Audience, member: Member) -> str:
    """The member's name as the audience holds it (`Ann Lee`), or "" when it has none.

    A column called name (or full_name, ...) wins; then first and last name columns;
    then the first other column whose name says "name".
    """
    by_lower = {c.lower(): c for c in audience.columns if c != audience.phone_column}

    def value(column: str) -> str:
        return " ".join(member.values.get(column, "").split())

    for wanted in _NAME_COLUMNS:
        if wanted in by_lower and value(by_lower[wanted]):
            return value(by_lower[wanted])
    parts = []
    for spellings in _FIRST_LAST:
        column = next((by_lower[s] for s in spellings if s in by_lower), None)
        if column is not None and value(column):
            parts.append(value(column))
    if parts:
        return " ".join(parts)
    other = next((c for low, c in by_lower.items() if "name" in low and value(c)), None)
    return value(other) if other else ""


def readable_number(e164: str) -> str:
    """An E.164 number grouped as people write it: `+44 7400 123456`."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def member_label(audience: Audience, member: Member) -> str:
    """Who a member is, in a sentence: `Ann Lee (+44 7400 123456)`, or the number alone."""
    name = member_name(audience, member)
    number = readable_number(member.e164)
    return f"{name} ({number})" if name else number


def example_for(audience: Audience) -> str:
    """An example number that this audience accepts as typed: of its main region, and
    written in its style (without + when its numbers are)."""
    regions = audience.top_regions(1)
    example = example_phone(regions[0] if regions else None)
    return example.lstrip("+") if audience.style == "no_plus" else example


def example_phone(region: str | None = None) -> str:
    """A valid mobile number of `region` (GB when none or unknown), in E.164, to show as an
    example: taken from libphonenumber's own examples, so it is always valid there."""
    import phonenumbers

    for candidate in (region, "GB"):
        if not candidate:
            continue
        number = phonenumbers.example_number_for_type(
            candidate.upper(), phonenumbers.PhoneNumberType.MOBILE
        )
        if number is not None:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "+447400123456"


def search_members(
    frame: Any, text: str, columns: Sequence[str], *, fix_region: str | None = None
) -> Any:
    """Rows of a members frame (`members_frame`) where any of `columns` contains `text`
    (literal, case-insensitive), or whose number is the one `text` means however it is
    written: `07400 300995` (in GB), `7400300995` and `+447400300995` find one member."""
    import polars as pl

    needle = text.lower()
    if not needle:
        return frame
    hits = [
        pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        for c in columns
    ]
    if any(ch.isdigit() for ch in text):
        from core.phones import search_keys

        keys = search_keys(text, fix_region=fix_region)
        if keys:
            hits.append(pl.col(E164_COLUMN).is_in(pl.Series(list(keys), dtype=pl.String).implode()))
    return frame.filter(pl.any_horizontal(hits))
