"""Which encoding a CSV's bytes are in, for the user's consent to convert them.

UTF-8 (with or without BOM) and UTF-16 (by BOM or by the place of its NUL bytes) are
told for certain. Anything else is a guess: charset-normalizer proposes the readings of
the bytes that are not a mess, and a contact list's own evidence ranks them. Names and
cities are written in one language's alphabet, so the reading whose letters best fit one
alphabet wins (`Muñoz` as cp1252, not `Muńoz` as cp1250; `Şükrü` as cp1254, not
`Þükrü` as cp1252); then charset-normalizer's language coherence, then how common the
encoding is. Readings that stay close are returned too, as alternatives: a short file
rarely proves one encoding, so the user is shown them rather than a silent choice.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from core.errors import EncodingNeedsConsent, UnreadableFile

# Encodings people's files are in, as `--encoding` takes them: the Windows ANSI code pages
# Excel writes, the ISO and KOI8 ones of older Unix tools, the DOS ones, and the East Asian
# multibyte ones, with their names for people. The order is the prior (most common first)
# that breaks ties; exotic code pages that charset-normalizer also knows (kz1048, cp775,
# iso8859_10, ...) are left out: on short files they win ties with readings no contact
# list is written in.
COMMON_ENCODINGS: dict[str, str] = {
    "cp1252": "Western European (cp1252)",
    "cp1251": "Cyrillic (cp1251)",
    "cp1250": "Central European (cp1250)",
    "cp1253": "Greek (cp1253)",
    "iso-8859-7": "Greek (ISO-8859-7)",
    "cp1254": "Turkish (cp1254)",
    "cp1257": "Baltic (cp1257)",
    "cp1255": "Hebrew (cp1255)",
    "cp1256": "Arabic (cp1256)",
    "cp932": "Japanese (Shift-JIS, cp932)",
    "gb18030": "Chinese (GB18030)",
    "cp949": "Korean (cp949)",
    "big5": "Traditional Chinese (Big5)",
    "cp874": "Thai (cp874)",
    "cp1258": "Vietnamese (cp1258)",
    "koi8-r": "Cyrillic (KOI8-R)",
    "koi8-u": "Ukrainian Cyrillic (KOI8-U)",
    "iso-8859-2": "Central European (ISO-8859-2)",
    "iso-8859-15": "Western European (ISO-8859-15)",
    "cp866": "Cyrillic DOS (cp866)",
    "mac-roman": "Mac Roman",
    "cp850": "Western DOS (cp850)",
    "cp437": "DOS (cp437)",
    "euc-jp": "Japanese (EUC-JP)",
    "latin-1": "Latin-1 (ISO-8859-1)",
}
_UNICODE_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-16": "UTF-16",
}


def _codec(name: str) -> str:
    """Python's name of a text file's character set; LookupError for an unknown name and
    for codecs that are not one (`rot13`, `hex`, `idna`, `punycode`, `undefined`)."""
    codec = codecs.lookup(name).name
    if codec not in _charsets():
        raise LookupError(f"{name!r} is not a character set of text files")
    return codec


@cache
def _charsets() -> frozenset[str]:
    """The character sets charset-normalizer knows (every one text files are written
    in), and UTF-8 with its BOM."""
    from charset_normalizer.constant import IANA_SUPPORTED

    return frozenset(codecs.lookup(n).name for n in [*IANA_SUPPORTED, "utf-8-sig"])


@cache
def _by_codec() -> dict[str, str]:
    """Python's codec name -> the name used here (`iso8859-7` and `iso8859_7` ->
    `iso-8859-7`). Made when first needed: looking up every codec imports its module,
    which a UTF-8 file never needs (5 to 10 ms of every command's start)."""
    return {_codec(name): name for name in [*_UNICODE_LABELS, *COMMON_ENCODINGS]}


def canonical_encoding(name: str) -> str:
    """The name used here for an encoding a user or a library wrote (`ISO8859_7` ->
    `iso-8859-7`, `latin1` -> `latin-1`); raises LookupError for an unknown one."""
    codec = _codec(name)
    return _by_codec().get(codec, codec)


# The letters beyond ASCII of the languages contact lists are written in (lower case).
# A reading is judged by the one alphabet that holds most of its letters.
_LATIN_ALPHABETS: dict[str, str] = {
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóùú",
    "nl": "áéëïóöüèç",
    "sv": "åäöé",
    "da": "æøåé",
    "fi": "äöå",
    "is": "áðéíóúýþæö",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "hr": "čćđšž",
    "sl": "čšž",
    "tr": "çğıöşüâîû",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äõöüšž",
    "vi": "àáâãèéêìíòóôõùúýăđĩũơư",
}


def _block(first: int, last: int) -> str:
    return "".join(chr(c) for c in range(first, last + 1))


_SCRIPT_ALPHABETS: dict[str, str] = {
    "el": _block(0x3AC, 0x3CE) + "ΐΰ",
    "ru": _block(0x430, 0x44F) + "ё",
    "uk": _block(0x430, 0x44F) + "єіїґ",
    "bg": _block(0x430, 0x44F),
    "sr": _block(0x430, 0x44F) + "ђјљњћџ",
    "he": _block(0x5D0, 0x5EA),
    "ar": _block(0x620, 0x64A) + "پچژکگی",
    "th": _block(0xE01, 0xE3A) + _block(0xE40, 0xE4E),
}
_ALPHABETS = {
    name: frozenset(letters) for name, letters in {**_LATIN_ALPHABETS, **_SCRIPT_ALPHABETS}.items()
}
# Punctuation that stands next to letters in real names and notes (O’Brien, «Ltd»).
_WORD_PUNCTUATION = frozenset("’‘ʼ´`·‐‑–—«»“”„‚‹›…")
# Kana, CJK ideographs, Hangul, half-width katakana: code point ranges (as a regex class
# these cost every command 4 ms to compile at import).
_EAST_ASIAN = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xFF66, 0xFF9F),
)


def _is_east_asian(letter: str) -> bool:
    """Whether a letter starts with such a character (a lower-cased letter may be two:
    Turkish `İ` is `i` and a combining dot)."""
    code = ord(letter[0])
    return any(first <= code <= last for first, last in _EAST_ASIAN)


# How much evidence is read: lines holding non-ASCII bytes, up to this many bytes.
EVIDENCE_BYTES = 32 * 1024
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Reading:
    """One way to decode the bytes: its encoding and how well it fits."""

    encoding: str
    fit: float
    chaos: float
    coherence: float

    @property
    def label(self) -> str:
        return encoding_label(self.encoding)


def encoding_label(encoding: str) -> str:
    """A person's name for an encoding: `Cyrillic (cp1251)`."""
    return _UNICODE_LABELS.get(encoding) or COMMON_ENCODINGS.get(encoding, encoding)


def _non_ascii_lines(data: bytes, limit: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the lines holding non-ASCII bytes, up to `limit` bytes of them.

    ASCII stretches are skipped a block at a time (`bytes.isascii` runs at memory speed),
    so a 50 MB file costs milliseconds.
    """
    size = position = 0
    while size < limit and position < len(data):
        block_end = position + _BLOCK
        if data[position:block_end].isascii():
            position = block_end
            continue
        match = _HIGH_BYTE.search(data, position, block_end)
        if match is None:  # pragma: no cover - the block is not ASCII
            break
        start = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.end())
        end = len(data) if end < 0 else end + 1
        end = min(end, start + limit - size)
        yield start, end
        size += end - start
        position = end


def evidence(data: bytes, limit: int = EVIDENCE_BYTES) -> bytes:
    """The first line and the lines that hold non-ASCII bytes, up to `limit` bytes.

    Found anywhere in the file: a list whose accented names start at row 50,000 is judged
    by them.
    """
    first_end = data.find(b"\n", 0, limit)
    first = data[: first_end + 1 if first_end >= 0 else limit]
    rest = data[len(first) :]
    return first + b"".join(rest[a:b] for a, b in _non_ascii_lines(rest, limit - len(first)))


def mixed_utf8(data: bytes, other: str | None = None) -> tuple[int, int] | None:
    """(a UTF-8 line, a line that is not) when a file mixes UTF-8 with another encoding.

    Files joined from two exports do this; no one encoding reads both halves, so the
    user is told instead of being offered a conversion that garbles one of them. A line
    of another encoding is almost never valid UTF-8 by chance (its letters would all
    have to pair up as UTF-8 sequences): two such lines are enough. One is enough when
    `other` (the encoding the rest looks like) garbles it, which its UTF-8 reading
    shows: `José` read as cp1252 is `JosÃ©`. (A line of a multibyte East Asian encoding
    is valid UTF-8 by chance more often, and reads as well either way: not counted.)
    """
    utf8: list[tuple[int, int, int]] = []
    bad: int | None = None
    line, counted = 1, 0
    for start, end in _non_ascii_lines(data, EVIDENCE_BYTES * 4):
        line += data.count(b"\n", counted, start)
        counted = start
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            bad = line if bad is None else bad
        else:
            utf8.append((line, start, end))
        if len(utf8) >= 2 and bad is not None:
            return utf8[0][0], bad
    if bad is None or not utf8 or other is None:
        return None
    for line, start, end in utf8:
        raw = data[start:end]
        if _garbled_by(raw, other):
            return line, bad
    return None


def _garbled_by(raw: bytes, other: str) -> bool:
    """Whether reading a line that is valid UTF-8 as `other` would garble it: its UTF-8
    reading fits an alphabet clearly better, or is letters only where `other` reads a
    symbol (`Mäki` as cp1252 is `MÃ¤ki`: a currency sign, which the fit lets pass).
    A line of `other` that is valid UTF-8 by chance reads as letters in `other`."""
    text, read = raw.decode("utf-8"), raw.decode(other, "replace")
    fit = alphabet_fit(text)
    if fit - alphabet_fit(read) >= 0.4:
        return True
    return (
        fit >= 0.9
        and all(unicodedata.category(ch)[0] in "LM" for ch in _non_ascii(text))
        and any(unicodedata.category(ch)[0] not in "LM" for ch in _non_ascii(read))
    )


def _non_ascii(text: str) -> list[str]:
    return [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()]


_BLOCK = 64 * 1024


def alphabet_fit(text: str) -> float:
    """How plausible a reading is as names and places, from 0 to 1.

    The share of non-ASCII letters (and of symbols stuck to letters, `¶ννα`) that one
    alphabet holds, times the share of words that look like words (`_word_shape`) and
    the vowel check (`_vowel_shape`). 1.0 when there is nothing to judge. East Asian
    scripts count as one alphabet each: their multibyte encodings are told apart by
    charset-normalizer's mess detection.
    """
    counts = Counter(_NON_ASCII_LETTER.findall(text))
    letters: Counter[str] = Counter()
    for ch, n in counts.items():
        letters[ch.lower()] += n
    stray = controls = 0
    for match in _NON_ASCII_OTHER.finditer(text):
        ch, i = match.group(), match.start()
        before = text[i - 1] if i else " "
        category = unicodedata.category(ch)
        if category == "Cc":
            controls += 1  # C1 controls: removed when read; bytes of another encoding?
        elif category[0] == "M":
            # A mark of another script on a letter (`Caf้`: cp1252 read as Thai cp874).
            if before.isalpha() and _script(ch) not in ("COMBINING", _script(before)):
                stray += 1
        elif category != "Sc" and ch not in _WORD_PUNCTUATION:
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isalpha() or after.isalpha():
                stray += 1  # `¶ννα`: a symbol where a letter was written
    total = sum(letters.values())
    penalty = 0.9 if controls else 1.0
    if total == 0:
        return penalty if stray == 0 else 0.0
    east_asian = sum(n for ch, n in letters.items() if _is_east_asian(ch))
    best = max(
        sum(n for ch, n in letters.items() if ch in alphabet) for alphabet in _ALPHABETS.values()
    )
    share = max(best, east_asian) / (total + stray) * penalty
    words = Counter(w for w in _WORD.findall(text) if not w.isascii())
    return share * _word_shape(words) * _vowel_shape(words)


_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W\d_]")
_NON_ASCII_OTHER = re.compile(r"[^\x00-\x7f\w]")
_WORD = re.compile(r"[^\W\d_]+")
# Vowels of the cased alphabets (Latin, Greek, Cyrillic), with their accented forms.
_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœăąęėěįīőűųūůαεηιουωάέήίόύώϊϋΐΰаеёиоуыэюяіїє")


def _vowel_shape(words: Counter[str]) -> float:
    """1.0 unless the words with non-ASCII letters hold too few vowels to be words.

    Names are about 40% vowels in every cased alphabet; Greek read as cp1251 is mostly
    consonants (`Λεωνιδας` -> `Лещнйдбт`, 1 vowel in 8). Scripts without written vowels
    (Hebrew, Arabic, East Asian) have no vowels here and are not judged.
    """
    letters = sum(len(w) * n for w, n in words.items())
    vowels = sum(sum(1 for ch in w.lower() if ch in _VOWELS) * n for w, n in words.items())
    if letters < 8 or vowels == 0:
        return 1.0
    return min(1.0, vowels / letters / 0.25)


def _script(ch: str) -> str:
    """The script of a letter: the first word of its Unicode name (LATIN, CYRILLIC, ...)."""
    return unicodedata.name(ch, "UNKNOWN").partition(" ")[0]


def _word_shape(words: Counter[str]) -> float:
    """The share of words with non-ASCII letters that look like a name's word.

    Such a word is in one script (`Cafй`, cp1252 read as cp1251, is not), and its case
    has a shape names have (`Ivan`, `ivan`, `IVAN`, `McDonald`; not `йЧБО`, KOI8-R read as
    cp1251, nor `ZoÙü`). A cased reading where no such word starts with a capital is marked down a
    little: lists of names are capitalized, and Hebrew read as Cyrillic is all lower case.
    """
    good = cased = capitalized = total = 0
    for word, n in words.items():
        if len(word) < 2:
            continue
        total += n
        if len({_script(ch) for ch in word}) > 1:
            continue
        if word.lower() == word.upper():
            good += n  # a script without case
            continue
        cased += n
        capitalized += n if word[0].isupper() else 0
        rises = [b for a, b in zip(word, word[1:], strict=False) if a.islower() and b.isupper()]
        # One rise to an ASCII capital is a name's (McDonald, DeLuca); `ZoÙü` is not.
        if not rises or (len(rises) == 1 and rises[0].isascii() and word[0].isupper()):
            good += n
    if total == 0:
        return 1.0
    return good / total * (0.9 if cased > 1 and capitalized == 0 else 1.0)


def guess_encodings(data: bytes, *, most: int = 4) -> list[Reading]:
    """Readings of bytes that are not UTF-8, most likely first (never empty).

    Only the evidence (see `evidence`) is examined, so a 50 MB file costs about what a
    small one does. Latin-1 decodes anything and comes last when nothing else does.
    """
    from charset_normalizer import from_bytes

    sample = evidence(data)
    matches = from_bytes(
        sample,
        steps=1,
        chunk_size=max(len(sample), 1),
        cp_isolation=[_codec(name) for name in COMMON_ENCODINGS],
        enable_fallback=False,
    )
    readings: list[Reading] = []
    texts: set[str] = set()
    for match in matches:
        # Encodings that decode the sample to the same text: name the most common.
        same = {canonical_encoding(e) for e in match.could_be_from_charset}
        known = [e for e in same if e in COMMON_ENCODINGS]
        if not known:
            continue
        encoding = min(known, key=_prior)
        text = str(match)
        texts.add(text)
        readings.append(Reading(encoding, alphabet_fit(text), match.chaos, match.coherence))
    least_chaos = min((r.chaos for r in readings), default=0.0)
    latin = sample.decode("latin-1")
    if latin not in texts:
        # Latin-1 decodes any bytes; charset-normalizer drops it for its C1 controls, but
        # bytes that cp1252 leaves undefined are Latin-1's (or nobody's).
        readings.append(Reading("latin-1", alphabet_fit(latin), least_chaos, 0.0))
    # A reading clearly messier than the cleanest one is no candidate at all.
    kept = [r for r in readings if r.chaos <= least_chaos + 0.1]
    # Coherence (charset-normalizer's language fit) is noisy on a few rows: within 0.1 of
    # the best it is a tie, which the more common encoding wins.
    top = max(r.coherence for r in kept)
    kept.sort(key=lambda r: (-round(r.fit, 2), int((top - r.coherence) / 0.1), _prior(r)))
    best = kept[0]
    close = [r for r in kept[1:] if r.fit >= best.fit - 0.15]
    return [best, *close][:most]


_PRIOR = {name: rank for rank, name in enumerate(COMMON_ENCODINGS)}


def _prior(reading: Reading | str) -> int:
    name = reading.encoding if isinstance(reading, Reading) else reading
    return _PRIOR.get(name, len(_PRIOR))


def detect_encoding(data: bytes) -> str:
    """The encoding of the bytes: UTF-8 or UTF-16 when certain, else the best guess."""
    return detect_encodings(data)[0].encoding


def detect_encodings(data: bytes) -> list[Reading]:
    """The readings of the bytes, most likely first: one when the encoding is certain
    (a BOM, UTF-16's NUL bytes, valid UTF-8), else charset-normalizer's, ranked."""
    certain = _unicode_by_bytes(data)
    if certain is not None:
        return [_certain(certain)]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return guess_encodings(data)
    return [_certain("utf-8")]


def _certain(encoding: str) -> Reading:
    return Reading(encoding, 1.0, 0.0, 1.0)


def _unicode_by_bytes(data: bytes) -> str | None:
    """UTF-8 with BOM or UTF-16 told by their BOM, or UTF-16 by where its NULs are."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = data[:65536]
    if sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > even * 4:
            return "utf-16-le"
        if even > odd * 4:
            return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None) -> tuple[str, str, str | None]:
    """Text, the encoding used, and the encoding converted from (when not UTF-8)."""
    if encoding is None:
        return _decode_unasked(data)
    chosen = _normalise_encoding(encoding)
    if chosen == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        chosen = "utf-8-sig"
    if chosen.startswith(("utf-16", "utf-32")) and b"\x00" not in data[:65536]:
        # UTF-16 and UTF-32 write ASCII letters, digits, commas and line ends with NUL
        # bytes beside them: a CSV without any is not one (read as one, a UTF-8 file
        # became a single line of Chinese-looking letters).
        raise UnreadableFile(
            f"the file is not {encoding_label(chosen)} (it has no NUL bytes)"
            + (": it is UTF-8; run again without --encoding" if _is_utf8(data) else "")
        )
    if not chosen.startswith(("utf-8", "utf-16", "utf-32")):
        _refuse_utf8_as(data, chosen)
    if chosen.startswith("utf-16"):
        # The byte order is the file's (its BOM, or where its NUL bytes are), not a guess.
        detected = detect_encoding(data[:65536])
        if detected in ("utf-16-le", "utf-16-be"):
            chosen = detected
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        detected = detect_encoding(data)  # only now: a failed decode needs the advice
        raise UnreadableFile(
            f"the file is not valid {encoding_label(chosen)}: undecodable byte at line {line}"
            + (
                f" (it looks like {encoding_label(detected)}; try --encoding {detected})"
                if detected != chosen
                else ""
            )
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    converted = None if chosen in ("utf-8", "utf-8-sig") else chosen
    return text, chosen, converted


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refuse_utf8_as(data: bytes, chosen: str) -> None:
    """A UTF-8 file is not converted from another encoding: `--encoding cp1252` left in
    the shell's history from the last export would store `José` as `JosÃ©`. Told by
    UTF-8's byte order mark, or by its non-ASCII lines being valid UTF-8 that `chosen`
    garbles (`_garbled_by`: a line of `chosen` that is valid UTF-8 by chance is not)."""
    said = f"the file is UTF-8, not {encoding_label(chosen)}"
    advice = "run again without --encoding (reading it as that would garble its letters)"
    if data.startswith(b"\xef\xbb\xbf"):
        raise UnreadableFile(f"{said} (it starts with UTF-8's byte order mark): {advice}")
    lines = [data[start:end] for start, end in _non_ascii_lines(data, 64 * 1024)]
    if not lines:
        return  # ASCII: every encoding reads it the same
    raw = b"\n".join(lines)
    if _is_utf8(raw) and _garbled_by(raw, chosen):
        raise UnreadableFile(f"{said}: {advice}")


def _decode_unasked(data: bytes) -> tuple[str, str, str | None]:
    """UTF-8 is read as it is; anything else needs the user's consent (an error)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _consent_needed(detect_encodings(data[:4]))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith(b"\xef\xbb\xbf"):
            line = data[: exc.start].count(b"\n") + 1
            raise UnreadableFile(
                f"the file is not valid UTF-8 with BOM: undecodable byte at line {line}"
            ) from None
        utf16 = _unicode_by_bytes(data)
        if utf16 is not None:
            raise _consent_needed([_certain(utf16)]) from None
        mixed = mixed_utf8(data)
        if mixed is None:
            readings = guess_encodings(data)
            mixed = mixed_utf8(data, readings[0].encoding)
            if mixed is None:
                raise _consent_needed(readings) from None
        raise UnreadableFile(
            f"the file mixes two encodings: line {mixed[0]} is UTF-8 and line "
            f"{mixed[1]} is not; save it again as UTF-8 in one piece (any --encoding "
            "would garble one of them)"
        ) from None
    if text.startswith("\ufeff"):
        return text[1:], "utf-8-sig", None
    # ASCII-only UTF-16 without a BOM is valid UTF-8 too: its NULs tell it apart.
    utf16 = _unicode_by_bytes(data) if "\x00" in text[:65536] else None
    if utf16 is not None:
        raise _consent_needed([_certain(utf16)])
    return text, "utf-8", None


def _consent_needed(readings: list[Reading]) -> EncodingNeedsConsent:
    best, others = readings[0], readings[1:]
    message = (
        f"the file is not UTF-8; it looks like {best.label}: to convert it, "
        f"run again with --encoding {best.encoding}"
    )
    if others:
        message += (
            " (it could also be "
            + ", ".join(f"{r.label} --encoding {r.encoding}" for r in others)
            + ": look at the names after converting)"
        )
    return EncodingNeedsConsent(message, best.encoding, [r.encoding for r in others])


def _normalise_encoding(name: str) -> str:
    try:
        return canonical_encoding(name)
    except LookupError:
        raise UnreadableFile(f"unknown encoding {name!r}") from None
