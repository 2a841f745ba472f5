"""core/audience.py: the summary an audience keeps of its members file."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from core.audience import Member, phone_style, summarize_docs, summary_after_adding
from core.store import Store

NUMBERS = {
    "plus GB": ("+447400123456", "GB"),
    "plain GB": ("447400123457", "GB"),
    "plus US": ("+12025550123", "US"),
    "plain US": ("12025550124", "US"),
    "no region": ("+888123", None),
}


def doc(key: str, n: int) -> dict[str, object]:
    number, region = NUMBERS[key]
    return {"values": {"phone": number, "n": str(n)}, "e164": number, "region": region}


GROUPS = [[], ["plus GB"], ["plain US", "plain GB"], ["plus US", "no region"], ["plus GB"] * 3]


@pytest.mark.parametrize(("before", "added"), list(itertools.product(GROUPS, GROUPS)))
def test_adding_updates_the_summary_as_summarizing_everything_would(
    before: list[str], added: list[str]
) -> None:
    old = [doc(k, i) for i, k in enumerate(before)]
    new = [doc(k, 100 + i) for i, k in enumerate(added)]
    style, regions = summarize_docs(old, "phone")
    assert summary_after_adding(style, regions, new, "phone") == summarize_docs(old + new, "phone")


def test_the_summary_counts_regions_and_names_the_style() -> None:
    docs = [doc("plus GB", 1), doc("plus GB", 2), doc("plus US", 3), doc("no region", 4)]
    style, regions = summarize_docs(docs, "phone")
    assert style == "plus" == phone_style([d["values"]["phone"] for d in docs])  # type: ignore[index]
    assert regions == {"GB": 2, "US": 1}
    assert summarize_docs([*docs, doc("plain US", 5)], "phone")[0] == "mixed"
    assert summarize_docs([], "phone") == ("none", {})


def test_the_store_keeps_the_summary_of_what_it_holds(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")

    def member(key: str, n: int) -> Member:
        number, region = NUMBERS[key]
        return Member({"phone": number, "n": str(n)}, "+" + number.lstrip("+"), region)

    store.create("A", ["phone", "n"], "phone", [member("plus GB", 1)])
    store.add_members("A", [member("plain US", 2)])
    audience, members = store.load("A")
    assert (audience.style, audience.regions) == summarize_docs(
        [m.to_doc() for m in members], "phone"
    )
    assert (audience.style, audience.regions) == ("mixed", {"GB": 1, "US": 1})
