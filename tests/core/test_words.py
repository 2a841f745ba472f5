"""Counts and articles, as every front end writes them."""

from __future__ import annotations

import pytest

from core.words import article, noun, plural, with_article


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 rows"), (1, "1 row"), (2, "2 rows"), (1234, "1,234 rows"), (-1, "-1 rows")],
)
def test_plural_counts_with_thousands(count: int, expected: str) -> None:
    assert plural(count, "row") == expected


def test_irregular_plurals_and_the_noun_alone() -> None:
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert noun(1, "member") == "member"
    assert noun(10_000, "member") == "members"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("IN number", "an"),
        ("US number", "a"),
        ("GB number", "a"),
        ("FR number", "an"),
        ("SMS", "an"),
        ("invalid row", "an"),
        ("duplicate", "a"),
        ("hour", "an"),
        ("user", "a"),
        ("unique name", "a"),
        ("", "a"),
    ],
)
def test_article_by_sound(word: str, expected: str) -> None:
    assert article(word) == expected


def test_with_article() -> None:
    assert with_article("IN number") == "an IN number"
    assert with_article("US number") == "a US number"
