"""Encodings of files as people have them: the advice to convert never damages the data.

Every file here is written to disk in the encoding its country's Excel or tools write,
read without `--encoding` (refused, naming an encoding), then read again with the advised
`--encoding`: the names must come back exactly as written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core.encodings import (
    COMMON_ENCODINGS,
    alphabet_fit,
    canonical_encoding,
    encoding_label,
    evidence,
    guess_encodings,
    mixed_utf8,
)
from core.errors import EncodingNeedsConsent, UnreadableFile
from core.reading import preview_bytes, preview_file, read_file

WriteCsv = Callable[..., Path]

# language -> (encoding its files come in, header, rows of (first name, last name, city),
# phone prefix). Headers in the language where exports have them so.
PEOPLE: dict[str, tuple[str, str, list[tuple[str, str, str]], str]] = {
    "greek": (
        "iso-8859-7",
        "Όνομα,Επώνυμο,Τηλέφωνο,Πόλη",
        [
            ("Λεωνίδας", "Παπαδόπουλος", "Αθήνα"),
            ("Μαρία", "Κωνσταντίνου", "Θεσσαλονίκη"),
            ("Γιώργος", "Νικολάου", "Πάτρα"),
            ("Ελένη", "Γεωργίου", "Ηράκλειο"),
            ("Άννα", "Ιωάννου", "Λάρισα"),
        ],
        "+30691",
    ),
    "greek without accents (the issue's Λεωνιδας)": (
        "iso-8859-7",
        "name,surname,phone,city",
        [
            ("Λεωνιδας", "Παπαδοπουλος", "Αθηνα"),
            ("Μαρια", "Κωνσταντινου", "Πατρα"),
            ("Γιωργος", "Νικολαου", "Βολος"),
        ],
        "+30691",
    ),
    "russian": (
        "cp1251",
        "Имя,Фамилия,Телефон,Город",
        [
            ("Иван", "Петров", "Москва"),
            ("Ольга", "Смирнова", "Санкт-Петербург"),
            ("Сергей", "Козлов", "Новосибирск"),
            ("Анна", "Иванова", "Екатеринбург"),
            ("Дмитрий", "Соколов", "Казань"),
        ],
        "+79161",
    ),
    "russian koi8-r": (
        "koi8-r",
        "Имя,Фамилия,Телефон,Город",
        [
            ("Иван", "Петров", "Москва"),
            ("Ольга", "Смирнова", "Санкт-Петербург"),
            ("Сергей", "Козлов", "Новосибирск"),
            ("Анна", "Иванова", "Екатеринбург"),
        ],
        "+79161",
    ),
    "russian names, English headers": (
        "cp1251",
        "first_name,last_name,phone,city",
        [
            ("Иван", "Петров", "Москва"),
            ("Ольга", "Смирнова", "Тверь"),
            ("Сергей", "Козлов", "Омск"),
        ],
        "+79161",
    ),
    "ukrainian": (
        "cp1251",
        "Ім'я,Прізвище,Телефон,Місто",
        [
            ("Олександр", "Ковальчук", "Київ"),
            ("Ірина", "Шевченко", "Львів"),
            ("Юрій", "Бондаренко", "Харків"),
        ],
        "+38050",
    ),
    "german (Excel: ; and cp1252)": (
        "cp1252",
        "Vorname;Nachname;Telefon;Stadt",
        [
            ("Jürgen", "Müller", "München"),
            ("Anna", "Schäfer", "Köln"),
            ("Klaus", "Weiß", "Düsseldorf"),
            ("Jörg", "Bäcker", "Lübeck"),
        ],
        "+49151",
    ),
    "french": (
        "cp1252",
        "Prénom;Nom;Téléphone;Ville",
        [
            ("François", "Lefèvre", "Besançon"),
            ("Hélène", "Dubois", "Orléans"),
            ("Noémie", "Bœuf", "Nîmes"),
        ],
        "+33612",
    ),
    "spanish": (
        "cp1252",
        "Nombre;Apellido;Teléfono;Ciudad",
        [("José", "Muñoz", "Logroño"), ("María", "Peña", "A Coruña"), ("Íñigo", "Ibáñez", "Cádiz")],
        "+34612",
    ),
    "portuguese": (
        "cp1252",
        "Nome;Apelido;Telefone;Cidade",
        [
            ("João", "Simões", "Lisboa"),
            ("Conceição", "Brandão", "São Paulo"),
            ("Gonçalo", "Magalhães", "Évora"),
        ],
        "+35191",
    ),
    "nordic": (
        "cp1252",
        "Navn;Efternavn;Telefon;By",
        [("Søren", "Ærø", "Århus"), ("Åsa", "Öberg", "Malmö"), ("Bjørn", "Løkke", "Tromsø")],
        "+45123",
    ),
    "turkish": (
        "cp1254",
        "Ad;Soyad;Telefon;Şehir",
        [
            ("Şükrü", "Yılmaz", "İstanbul"),
            ("Ayşe", "Öztürk", "İzmir"),
            ("Gökhan", "Çelik", "Muğla"),
            ("Çağla", "Doğan", "Eskişehir"),
        ],
        "+90532",
    ),
    "czech": (
        "cp1250",
        "Jméno;Příjmení;Telefon;Město",
        [
            ("Jiří", "Dvořák", "Brno"),
            ("Žofie", "Šťastná", "Plzeň"),
            ("Tomáš", "Novák", "Ústí nad Labem"),
        ],
        "+42060",
    ),
    "polish": (
        "cp1250",
        "Imię;Nazwisko;Telefon;Miasto",
        [
            ("Łukasz", "Wiśniewski", "Łódź"),
            ("Zofia", "Żółkiewska", "Gdańsk"),
            ("Paweł", "Kowalczyk", "Kraków"),
        ],
        "+48601",
    ),
    "polish iso-8859-2": (
        "iso-8859-2",
        "Imię;Nazwisko;Telefon;Miasto",
        [
            ("Łukasz", "Wiśniewski", "Łódź"),
            ("Zofia", "Żółkiewska", "Gdańsk"),
            ("Paweł", "Kowalczyk", "Kraków"),
        ],
        "+48601",
    ),
    "hungarian": (
        "cp1250",
        "Név;Vezetéknév;Telefon;Város",
        [
            ("Gábor", "Kovács", "Győr"),
            ("Erzsébet", "Szőke", "Pécs"),
            ("Zoltán", "Tóth", "Székesfehérvár"),
            ("Fülöp", "Török", "Szűcs"),
        ],
        "+36201",
    ),
    "romanian": (
        "cp1250",
        "Prenume;Nume;Telefon;Oraş",
        [("Ştefan", "Ţurcanu", "Iaşi"), ("Ioana", "Stănescu", "Braşov"), ("Mihai", "Pop", "Cluj")],
        "+40721",
    ),
    "japanese (Shift-JIS)": (
        "cp932",
        "名前,姓,電話,市",
        [("太郎", "山田", "東京"), ("花子", "佐藤", "大阪"), ("さくら", "高橋", "福岡")],
        "+81901",
    ),
    "chinese (GB18030)": (
        "gb18030",
        "名字,姓,电话,城市",
        [("伟", "王", "北京"), ("娜", "李", "上海"), ("敏", "张", "广州")],
        "+86138",
    ),
    "hebrew": (
        "cp1255",
        "שם,משפחה,טלפון,עיר",
        [("דוד", "כהן", "תל אביב"), ("שרה", "לוי", "ירושלים"), ("משה", "מזרחי", "חיפה")],
        "+97250",
    ),
    "arabic": (
        "cp1256",
        "الاسم,العائلة,الهاتف,المدينة",
        [("محمد", "أحمد", "الرياض"), ("فاطمة", "علي", "جدة"), ("خالد", "حسن", "الدمام")],
        "+96650",
    ),
    "lithuanian": (
        "cp1257",
        "Vardas;Pavardė;Telefonas;Miestas",
        [
            ("Jonas", "Žemaitis", "Vilnius"),
            ("Aistė", "Kačinskaitė", "Kaunas"),
            ("Mantas", "Šimkus", "Šiauliai"),
        ],
        "+37061",
    ),
}


def contact_file(language: str, rows: int | None = None) -> tuple[str, str, list[list[str]]]:
    """(encoding, text, records) of a contact list; `rows` repeats or cuts the people."""
    encoding, header, people, prefix = PEOPLE[language]
    delimiter = ";" if ";" in header else ","
    chosen = people if rows is None else (people * rows)[:rows]
    records = [header.split(delimiter)]
    for i, (first, last, city) in enumerate(chosen):
        records.append([first, last, f"{prefix}{2345670 + i}", city])
    text = "".join(delimiter.join(r) + "\n" for r in records)
    return encoding, text, records


def refused(path: Path) -> EncodingNeedsConsent:
    with pytest.raises(EncodingNeedsConsent) as caught:
        read_file(path)
    return caught.value


@pytest.mark.parametrize("language", list(PEOPLE))
def test_the_advised_encoding_gives_back_every_name(language: str, write_csv: WriteCsv) -> None:
    encoding, text, records = contact_file(language)
    path = write_csv(text.encode(encoding))
    consent = refused(path)  # never converted silently
    assert f"--encoding {consent.detected}" in consent.message
    assert encoding_label(consent.detected) in consent.message
    table = read_file(path, encoding=consent.detected)
    assert table.converted_from == consent.detected
    assert table.headers == records[0]
    assert [list(row) for row in table.frame.rows()] == records[1:]


@pytest.mark.parametrize("language", list(PEOPLE))
def test_a_three_row_file_is_read_right_or_the_right_reading_is_named(
    language: str, write_csv: WriteCsv
) -> None:
    """Short files prove little: the best guess is right, or the message names the right
    encoding among the alternatives (and the app's preview shows each)."""
    encoding, text, records = contact_file(language, rows=3)
    path = write_csv(text.encode(encoding))
    consent = refused(path)
    right = [
        e
        for e in [consent.detected, *consent.alternatives]
        if text.encode(encoding).decode(e) == text
    ]
    assert right, (consent.detected, consent.alternatives)
    assert f"--encoding {right[0]}" in consent.message
    table = read_file(path, encoding=right[0])
    assert [list(row) for row in table.frame.rows()] == records[1:]


def test_detection_on_three_row_files_is_mostly_sure() -> None:
    """How often the best guess alone is right on 3-row files (the rest name it as an
    alternative, tested above): all but the Hungarian list, whose 3 rows hold ő but no ö
    or ü and so read as well in cp1252 (`Gyõr`, a Portuguese-looking letter)."""
    wrong = []
    for language in PEOPLE:
        encoding, text, _ = contact_file(language, rows=3)
        data = text.encode(encoding)
        if data.decode(guess_encodings(data)[0].encoding) != text:
            wrong.append(language)
    assert wrong == ["hungarian"]


def test_the_issue_example_greek_is_not_stored_as_mojibake(write_csv: WriteCsv) -> None:
    """`Λεωνιδας` in ISO-8859-7 was called cp1252 and stored as `Ëåùíéäáò`."""
    _, text, _ = contact_file("greek without accents (the issue's Λεωνιδας)")
    path = write_csv(text.encode("iso-8859-7"))
    consent = refused(path)
    assert consent.detected in ("iso-8859-7", "cp1253")  # the same bytes for these letters
    assert "Greek" in consent.message
    names = read_file(path, encoding=consent.detected).frame["name"].to_list()
    assert names[0] == "Λεωνιδας" and "Ëåùíéäáò" not in names


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding"),
    [
        ("Müller", ";", "cp1252"),
        ("Café", ",", "cp1252"),
        ("Muñoz", ",", "cp1252"),  # cp1250 would store Muńoz
        ("Иван Петров", ",", "cp1251"),
        ("Şükrü Yılmaz", ",", "cp1254"),  # cp1252 would store Þükrü Yýlmaz
        ("Jiří Dvořák", ",", "cp1250"),
    ],
)
def test_one_row_files(name: str, delimiter: str, encoding: str, write_csv: WriteCsv) -> None:
    path = write_csv(f"name{delimiter}phone\n{name}{delimiter}+12025550123\n".encode(encoding))
    consent = refused(path)
    assert consent.detected == encoding
    assert read_file(path, encoding=encoding).frame["name"].to_list() == [name]


def test_an_unsure_guess_names_its_alternatives(write_csv: WriteCsv) -> None:
    # One Hungarian name with ő and nothing else to go on: cp1252 reads it as `Gyõr`.
    path = write_csv("name;phone;city\nGábor;+36201234567;Győr\n".encode("cp1250"))
    consent = refused(path)
    candidates = [consent.detected, *consent.alternatives]
    assert "cp1250" in candidates and len(candidates) > 1
    assert "it could also be" in consent.message
    for encoding in consent.alternatives:
        assert f"{encoding_label(encoding)} --encoding {encoding}" in consent.message
    assert consent.message.count("\n") == 0


def test_a_sure_guess_names_no_alternatives(write_csv: WriteCsv) -> None:
    _, text, _ = contact_file("russian")
    consent = refused(write_csv(text.encode("cp1251")))
    assert consent.detected == "cp1251" and consent.alternatives == []
    assert consent.message == (
        "the file is not UTF-8; it looks like Cyrillic (cp1251): "
        "to convert it, run again with --encoding cp1251"
    )


def test_utf8_is_read_without_consent_and_utf16_by_its_bom(write_csv: WriteCsv) -> None:
    _, text, records = contact_file("russian")
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        table = read_file(write_csv(data))
        assert table.converted_from is None and table.headers == records[0]
    consent = refused(write_csv(text.encode("utf-16")))
    assert consent.detected == "utf-16-le" and consent.alternatives == []
    table = read_file(write_csv(text.encode("utf-16")), encoding="utf-16")
    assert table.headers == records[0]


def test_evidence_is_found_anywhere_in_a_big_file(write_csv: WriteCsv) -> None:
    """A 6 MB ASCII list with one Spanish name near its end is judged by that name."""
    rows = "".join(f"Name {i},+1202555{i % 10000:04d},Springfield\n" for i in range(150_000))
    data = ("name,phone,city\n" + rows + "José Muñoz,+34612345678,Logroño\n").encode("cp1252")
    assert len(data) > 5_000_000
    sample = evidence(data)
    assert sample.startswith(b"name,phone,city\n") and "Muñoz".encode("cp1252") in sample
    assert len(sample) < 100
    consent = refused(write_csv(data))
    assert consent.detected == "cp1252"


def test_evidence_is_bounded() -> None:
    _, text, _ = contact_file("russian", rows=20_000)
    data = text.encode("cp1251")
    assert len(evidence(data)) <= 32 * 1024 < len(data)


def test_a_file_that_mixes_utf8_and_another_encoding_is_refused(write_csv: WriteCsv) -> None:
    """Joined exports: one half UTF-8, one cp1252. No single encoding reads both."""
    utf8 = "name,phone\nZoë Müller,+4915112345678\nRenée Roy,+33612345678\n".encode()
    latin = "José Muñoz,+34612345678\nJürgen Weiß,+4915112345679\n".encode("cp1252")
    path = write_csv(utf8 + latin)
    with pytest.raises(UnreadableFile) as caught:
        read_file(path)
    assert not isinstance(caught.value, EncodingNeedsConsent)
    assert caught.value.message == (
        "the file mixes two encodings: line 2 is UTF-8 and line 4 is not; save it again as "
        "UTF-8 in one piece (any --encoding would garble one of them)"
    )
    assert "Zo" not in caught.value.message and "+49" not in caught.value.message
    # Forced by the user, it reads (the UTF-8 half garbled, as the message warned).
    assert read_file(path, encoding="cp1252").rows == 4
    assert mixed_utf8(latin) is None and mixed_utf8(utf8) is None


@pytest.mark.parametrize("name", ["Kaarlo Mäki", "Ángel Ruiz", "Åsa Lind", "Ольга Иванова"])
def test_any_utf8_name_among_cp1252_lines_makes_the_file_mixed(
    name: str, write_csv: WriteCsv
) -> None:
    """`Mäki` read as cp1252 is `MÃ¤ki`, whose currency sign the alphabet fit lets pass;
    `Ángel` and `Åsa` shift the guess to another encoding: each is still called mixed."""
    data = f"name,phone\nAnn,+12025550101\n{name},+12025550103\n".encode()
    data += "Zoë François,+33612345679\n".encode("cp1252")
    with pytest.raises(UnreadableFile) as caught:
        read_file(write_csv(data))
    assert not isinstance(caught.value, EncodingNeedsConsent)
    assert "line 3 is UTF-8 and line 4 is not" in caught.value.message


def test_one_utf8_line_among_cp1252_ones_is_enough_to_call_the_file_mixed(
    write_csv: WriteCsv,
) -> None:
    """Converting the file as the other encoding would garble the UTF-8 line's name
    (José -> JosÃ©): no conversion is offered."""
    utf8 = "name,phone\nAnn Lee,+12025550101\nJosé Müller,+12025550103\n".encode()
    latin = "Zoë François,+33612345679\n".encode("cp1252")
    with pytest.raises(UnreadableFile) as caught:
        read_file(write_csv(utf8 + latin))
    assert not isinstance(caught.value, EncodingNeedsConsent)
    assert "line 3 is UTF-8 and line 4 is not" in caught.value.message
    assert mixed_utf8(utf8 + latin, "cp1252") == (3, 4)
    assert mixed_utf8(utf8 + latin) is None  # one line alone: only when it would be garbled


def test_a_line_valid_as_utf8_by_chance_in_an_east_asian_file_is_not_mixing(
    write_csv: WriteCsv,
) -> None:
    """GB18030 bytes of 韫庤煀 happen to be valid UTF-8 (蹎蟊): both readings are Chinese
    letters, so the line is no evidence of a UTF-8 half, and a conversion is offered."""
    chance = "韫庤煀".encode("gb18030")
    assert chance.decode("utf-8") == "蹎蟊"
    text = "名字,电话,城市\n韫庤煀,+8613800000001,北京\n王伟,+8613800000002,上海\n"
    data = text.encode("gb18030")
    assert mixed_utf8(data, "gb18030") is None
    consent = refused(write_csv(data))
    assert consent.detected == "gb18030"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("name,phone\nJosé Müller,+4930123499\nZoë,+4930123498\n", "cp1252"),
        ("name,phone\nKaarlo Mäki,+358401234567\n", "iso-8859-15"),
        ("имя,телефон\nОльга Иванова,+79161234567\n", "cp1251"),
        ("\ufeffname,phone\nAnn,+4930123499\n", "cp1252"),  # UTF-8's BOM
    ],
)
def test_a_utf8_file_is_not_converted_from_the_encoding_named(
    text: str, encoding: str, write_csv: WriteCsv
) -> None:
    """`--encoding cp1252` left over from the last export, on a UTF-8 file, would store
    `JosÃ©`: refused (nothing read), saying to run again without it."""
    with pytest.raises(UnreadableFile) as caught:
        read_file(write_csv(text.encode()), encoding=encoding)
    assert caught.value.message.startswith("the file is UTF-8, not ")
    assert "run again without --encoding" in caught.value.message
    assert "José" not in caught.value.message and "Ольга" not in caught.value.message


@pytest.mark.parametrize("name", ["rot13", "hex", "base64", "idna", "punycode", "undefined"])
def test_codecs_that_are_not_character_sets_are_unknown_encodings(
    name: str, write_csv: WriteCsv
) -> None:
    """Python knows them, but they are not how a text file is written: they crashed with a
    traceback (`'rot-13' is not a text encoding`); now one sentence."""
    path = write_csv("name,phone\nJosé,+4930123499\n".encode("cp1252"))
    with pytest.raises(UnreadableFile) as caught:
        read_file(path, encoding=name)
    assert caught.value.message == f"unknown encoding {name!r}"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf_16_be", "utf-16", "utf-32"])
def test_a_file_without_nul_bytes_is_not_read_as_utf16(encoding: str, write_csv: WriteCsv) -> None:
    """A UTF-8 file read as UTF-16 became one line of Chinese-looking letters, which an
    error then printed whole (names and numbers, encoded back): refused before reading."""
    path = write_csv("name,phone\nJosé Müller,+12025550111\n".encode())
    with pytest.raises(UnreadableFile) as caught:
        read_file(path, encoding=encoding)
    assert "(it has no NUL bytes): it is UTF-8; run again without --encoding" in (
        caught.value.message
    )
    utf16 = write_csv("name,phone\nJosé Müller,+12025550111\n".encode("utf-16-le"))
    assert read_file(utf16, encoding="utf-16-le").frame["name"].to_list() == ["José Müller"]


def test_the_encoding_named_is_used_when_the_file_is_not_utf8(write_csv: WriteCsv) -> None:
    """A cp1252 file, an ASCII one, and a GB18030 one whose line is valid UTF-8 by chance
    (both readings Chinese letters) are read as the encoding named."""
    cp1252 = read_file(
        write_csv("name,phone\nJosé,+4930123499\n".encode("cp1252")), encoding="cp1252"
    )
    assert cp1252.frame["name"].to_list() == ["José"]
    ascii_only = read_file(write_csv(b"name,phone\nAnn,+4930123499\n"), encoding="cp1252")
    assert ascii_only.frame["name"].to_list() == ["Ann"]
    data = "name,phone\n韫庤煀,+8613800000001\n".encode("gb18030")
    assert data.decode("utf-8")  # valid UTF-8 by chance, as a whole
    chinese = read_file(write_csv(data), encoding="gb18030")
    assert chinese.frame["name"].to_list() == ["韫庤煀"]


def test_a_wrong_encoding_named_by_the_user_is_refused_with_advice(write_csv: WriteCsv) -> None:
    _, text, _ = contact_file("japanese (Shift-JIS)")
    path = write_csv(text.encode("cp932"))
    with pytest.raises(UnreadableFile) as caught:
        read_file(path, encoding="utf-8")
    assert "not valid UTF-8: undecodable byte at line 1" in caught.value.message
    assert "try --encoding cp932" in caught.value.message


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("ISO-8859-7", "iso-8859-7"),
        ("iso8859_7", "iso-8859-7"),
        ("latin1", "latin-1"),
        ("Windows-1251", "cp1251"),
        ("KOI8-R", "koi8-r"),
        ("shift_jis", "shift_jis"),
        ("utf8", "utf-8"),
    ],
)
def test_encoding_names_are_read_as_people_write_them(written: str, name: str) -> None:
    assert canonical_encoding(written) == name


def test_unknown_encoding_names() -> None:
    with pytest.raises(LookupError):
        canonical_encoding("klingon")


def test_every_common_encoding_has_a_label_and_a_codec() -> None:
    for name in COMMON_ENCODINGS:
        assert canonical_encoding(name) == name
        assert name.lower() in encoding_label(name).lower().replace(" ", "-")


def test_alphabet_fit_marks_down_mojibake() -> None:
    assert alphabet_fit("José Muñoz") == 1.0
    assert alphabet_fit("Þükrü Yýlmaz") < alphabet_fit("Şükrü Yılmaz") == 1.0
    assert alphabet_fit("Cafй") == 0.0  # two scripts in one word
    assert alphabet_fit("йЧБО сМЕЦ") < 0.5  # KOI8-R read as cp1251: case in the wrong places
    assert alphabet_fit("Лещнйдбт Пбрбдпрпхлпт") < alphabet_fit("Λεωνιδας Παπαδοπουλος")
    assert alphabet_fit("plain ASCII") == 1.0


def test_preview_shows_the_first_rows_decoded(write_csv: WriteCsv) -> None:
    _, text, records = contact_file("russian")
    path = write_csv(text.encode("cp1251"))
    assert preview_file(path, "cp1251", rows=2) == records[:3]
    wrong = preview_file(path, "cp1252", rows=1)
    assert wrong[1][0] == "Èâàí"  # what the user would have stored, seen before storing
    # Control characters never reach the screen; a cut-off record shows what there is.
    assert preview_bytes(b'a,b\n"x\x1b[31m\nq', "utf-8") == [["a", "b"], ["x[31m q"]]


def run_cli(*args: str | Path, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env_db = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *env_db, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_advice_followed_stores_the_names_unchanged(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    """`check` names the encoding; `create --encoding` with it stores the names exactly."""
    _, text, records = contact_file("greek")
    path = write_csv(text.encode("iso-8859-7"), "greek.csv")
    first = run_cli("check", path)
    assert first.returncode == 2 and first.stderr.count("\n") == 1
    advised = first.stderr.split("--encoding ")[1].split()[0]
    assert "Λεων" not in first.stderr  # the message names no values
    db = tmp_path / "store"
    created = run_cli(
        "create", "Greek", path, "--phone-column", "Τηλέφωνο", "--fix-headers",
        "--encoding", advised, db=db,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert f"converted from {advised}" in created.stdout
    shown = json.loads(run_cli("show", "Greek", "--json", db=db).stdout)
    assert shown["columns"] == ["Onoma", "Eponymo", "Tilefono", "Poli"]
    assert [list(m.values()) for m in shown["members"]] == records[1:]
