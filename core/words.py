"""Words around numbers and names, for every front end: `1 row`, `2 rows`, `an IN number`.

Kept in core (it imports nothing) so the app and the command line say counts the same way.
"""

from __future__ import annotations

import re

# Letters whose spoken name starts with a vowel sound: "an F", "an IN number", "an SMS".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
# Words that start with a vowel letter but a consonant sound, and the other way round.
_CONSONANT_SOUND = re.compile(r"(?:uni|use|usu|ure|euro|one\b|once\b)", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"(?:hour|honest|honou?r|heir)", re.IGNORECASE)
_INITIALISM = re.compile(r"[A-Z][A-Z0-9]{0,4}\b")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` and its noun, with thousands separated: `1 row`, `0 rows`, `1,234 members`.

    `plural_form` is for nouns that do not take an `s` (`plural(2, "entry", "entries")`).
    """
    return f"{count:,} {noun(count, singular, plural_form)}"


def noun(count: int, singular: str, plural_form: str | None = None) -> str:
    """The noun alone, in the form `count` needs: `member` or `members`."""
    if count == 1:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def article(word: str) -> str:
    """`a` or `an` before `word`, by how it is read aloud.

    Initialisms are read letter by letter (`an IN number`, `a US number`, `an SMS`);
    other words by their first sound (`an hour`, `a user`, `an invalid row`).
    """
    text = word.strip()
    if not text:
        return "a"
    if _INITIALISM.match(text):
        return "an" if text[0] in _VOWEL_SOUND_LETTERS else "a"
    if _VOWEL_SOUND.match(text):
        return "an"
    if _CONSONANT_SOUND.match(text):
        return "a"
    return "an" if text[0].lower() in "aeiou" else "a"


def with_article(word: str) -> str:
    """`word` after its article: `an IN number`, `a GB number`."""
    return f"{article(word)} {word}"
