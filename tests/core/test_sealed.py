"""core/sealed.py: the sealed JSON format and the storage that refuses damage."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from core.errors import StoreDamaged
from core.sealed import AtomicJSONStorage, seal, unseal

PAYLOADS = [b"{}", b'{"a":{"1":{"x":"y"}}}', orjson.dumps({"members": {"1": {"e": "\u00e9"}}})]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_sealed_payload_unseals_to_itself(payload: bytes) -> None:
    sealed = seal(payload)
    assert orjson.loads(sealed)["_sha256"]
    assert unseal(sealed) == (payload, True)
    assert unseal(sealed + b"\n") == (payload, True)


@pytest.mark.parametrize("payload", PAYLOADS[1:])
def test_a_changed_byte_breaks_the_seal(payload: bytes) -> None:
    sealed = seal(payload)
    changed = sealed[:3] + bytes([sealed[3] ^ 1]) + sealed[4:]
    assert unseal(changed)[1] is False


def test_a_file_without_a_seal_is_read_as_it_is() -> None:
    assert unseal(b'{"a":{}}') == (b'{"a":{}}', None)


def test_the_storage_writes_sealed_files_and_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(str(path), create=True)
    assert storage.read() is None
    data = {"t": {"1": {"name": "Ann"}}}
    storage.write(data)
    assert unseal(path.read_bytes())[1] is True
    assert storage.read() == data
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b'{"t":{"1":', "not valid JSON"),
        (b'{"t":[1,2]}', "unexpected content"),
        (b"\x00" * 40, "not valid JSON"),
    ],
)
def test_damage_is_refused_never_read_as_empty(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(StoreDamaged, match=says):
        AtomicJSONStorage(str(path), what="test file", advice="try again").read()
    assert path.read_bytes() == content


def test_a_broken_seal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    AtomicJSONStorage(str(path), create=True).write({"t": {"1": {"name": "Ann"}}})
    path.write_bytes(path.read_bytes().replace(b"Ann", b"Bob"))
    with pytest.raises(StoreDamaged, match="does not match its checksum"):
        AtomicJSONStorage(str(path)).read()


def test_a_missing_file_is_refused_unless_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreDamaged, match="is missing"):
        AtomicJSONStorage(str(tmp_path / "gone.json")).read()
