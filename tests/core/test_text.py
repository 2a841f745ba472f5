"""Text rules: control characters and column names (valid, unique, proposed in ASCII)."""

from __future__ import annotations

import pytest

from core.text import (
    fixed_column_name,
    fixed_column_names,
    header_problems,
    is_valid_column_name,
    one_line,
    strip_controls,
)


def test_header_rules_and_proposed_fixes() -> None:
    headers = ["First Name", "phone", "", "phone", "Prénom", "e-mail "]
    problems = header_problems(headers)
    assert "column 3 has no name" in problems
    assert "columns 2 and 4 are both named 'phone'" in problems
    assert fixed_column_names(headers) == [
        "First_Name",
        "phone",
        "column_3",
        "phone_2",
        "Prenom",
        "e_mail",
    ]


def test_non_ascii_letters_are_named_as_such() -> None:
    """`Имя` has only letters: the rule is ASCII letters, and the message says so."""
    assert header_problems(["Имя", "phone"]) == [
        "column 1 name 'Имя' may hold only ASCII letters, digits and _"
    ]


@pytest.mark.parametrize(
    ("header", "proposed"),
    [
        ("Имя", "Imya"),
        ("Телефон", "Telefon"),
        ("Straße", "Strasse"),
        ("Όνομα", "Onoma"),
        ("Şehir", "Sehir"),
        ("Ім'я", "Im_ya"),
        ("Téléphone portable", "Telephone_portable"),
        ("电话", "DianHua"),
        ("№ клиента", "No_klienta"),
        ("שם", "sm"),
        ("\u202eevil\x1b[31m", "evil_31m"),
    ],
)
def test_proposed_names_transliterate(header: str, proposed: str) -> None:
    assert fixed_column_name(header, 0) == proposed
    assert is_valid_column_name(proposed)


def test_a_name_with_nothing_to_transliterate_is_numbered() -> None:
    assert fixed_column_names(["phone", "", "!!!", "\u202e"]) == [
        "phone",
        "column_2",
        "column_3",
        "column_4",
    ]


def test_proposed_names_stay_unique_and_keep_the_names_written() -> None:
    # `Имя` becomes Imya, which the file already has: the written name keeps its spelling.
    assert fixed_column_names(["Имя", "Imya", "Имя"]) == ["Imya_2", "Imya", "Imya_3"]
    assert fixed_column_names(["x", "x", "x_2"]) == ["x", "x_3", "x_2"]
    assert fixed_column_names(["Телефон", "Telefon"]) == ["Telefon_2", "Telefon"]


@pytest.mark.parametrize(
    "headers",
    [
        ["Имя", "Фамилия", "Телефон", "Город", "Имя"],
        ["", "", "a b", "a_b", "a-b", "A B"],
        ["名前", "姓", "電話", "市", "🙂", "😀"],
        ["phone", "Phone", "PHONE", "phone ", " phone"],
    ],
)
def test_proposed_names_are_always_valid_and_unique(headers: list[str]) -> None:
    fixed = fixed_column_names(headers)
    assert len(fixed) == len(set(fixed)) == len(headers)
    assert all(is_valid_column_name(name) for name in fixed)
    assert header_problems(fixed) == []


def test_controls_are_removed_for_display() -> None:
    assert strip_controls("A\x1b[31m\u202eB\tC\n") == "A[31mB\tC\n"
    assert one_line("a\tb\nc\x07") == "a b c"


def test_messages_name_at_most_20_columns_each_cut_to_40_characters() -> None:
    """A file without a header row (or read in the wrong encoding) has a whole line of
    someone's data as a "column name": a message lists the columns, not the file."""
    from core.text import columns_text

    assert columns_text(["phone", "name"]) == "phone, name"
    line = "José Müller +12025550111 " * 10
    assert columns_text([line]) == line[:39] + "…"
    many = [f"c{i}" for i in range(25)]
    assert columns_text(many) == ", ".join(many[:20]) + " and 5 more"
