"""The sealed JSON format of the store's files, and the TinyDB storage that reads and
writes it.

Every file ends with its own checksum (the seal, below). Reading refuses a missing,
empty, damaged or unsealable file with `StoreDamaged` (never reads it as an empty
database); writing is one `atomic_write`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from core.atomic import atomic_write
from core.errors import StoreDamaged, StoreError

# Every file the storage writes ends with its own checksum, as the JSON object's last
# key: ``{...,"_sha256":"<hex of the object's bytes without this key>"}``. A file that
# was partly overwritten (the new file's head glued to the old file's tail, a block of
# NULs) is refused even when the damage happens to leave valid JSON. Files without the
# key (written before it existed) are read as before.
_SEAL_KEY = b'"_sha256":"'
_SEAL_LENGTH = len(_SEAL_KEY) + 64 + 2


def seal(payload: bytes) -> bytes:
    """A JSON object's bytes with its checksum added as the last key."""
    digest = hashlib.sha256(payload).hexdigest().encode()
    return payload[:-1] + (b"," if payload != b"{}" else b"") + _SEAL_KEY + digest + b'"}'


def unseal(raw: bytes) -> tuple[bytes, bool | None]:
    """The payload without its seal, and whether the checksum matches (None: no seal)."""
    body = raw.rstrip()
    tail = body[-_SEAL_LENGTH:]
    if not (tail.startswith(_SEAL_KEY) and tail.endswith(b'"}')):
        return raw, None
    head = body[:-_SEAL_LENGTH]
    payload = (head[:-1] if head.endswith(b",") else head) + b"}"
    return payload, hashlib.sha256(payload).hexdigest().encode() == tail[len(_SEAL_KEY) : -2]


def tinydb_shaped(data: Any) -> bool:
    """TinyDB's layout: tables (objects) of documents (objects)."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    )


DEFAULT_ADVICE = "restore it from a backup"


class AtomicJSONStorage(Storage):
    """TinyDB storage that never reads a damaged or empty file as an empty database.

    `create`: a missing file is a new database (else refused). `what` names the file in
    messages, `check` refuses content the caller cannot use, and `advice` says what to
    do about a damaged file.
    """

    def __init__(
        self,
        path: str,
        create: bool = False,
        what: str = "store file",
        check: Callable[[dict[str, Any]], bool] | None = None,
        advice: str = DEFAULT_ADVICE,
    ) -> None:
        self.path = Path(path)
        self.create = create
        self.what = what
        self.check = check
        self.advice = advice

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if self.create:
                return None
            raise StoreDamaged(f"the {self.what} {self.path} is missing ({self.advice})") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}") from None
        if not raw.strip():
            raise StoreDamaged(
                f"the {self.what} {self.path} is empty; it was left untouched ({self.advice})"
            )
        payload, sealed = unseal(raw)
        if sealed is False:
            raise StoreDamaged(
                f"the {self.what} {self.path} is damaged (its content does not match its "
                "checksum: partly overwritten, or edited outside audiences); it was left "
                f"untouched ({self.advice})"
            )
        try:
            data = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            position = getattr(exc, "pos", None)
            where = f" at byte {position:,}" if position is not None else ""
            raise StoreDamaged(
                f"the {self.what} {self.path} is damaged (not valid JSON{where}); it was left "
                f"untouched ({self.advice})"
            ) from None
        if not tinydb_shaped(data) or (self.check is not None and not self.check(data)):
            raise StoreDamaged(
                f"the {self.what} {self.path} is damaged (unexpected content); it was left "
                f"untouched ({self.advice})"
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # orjson: a 10,000-member file parses and serialises about 5x faster than json.
        atomic_write(self.path, seal(orjson.dumps(data)))

    def close(self) -> None:
        pass


__all__ = ["AtomicJSONStorage", "seal", "tinydb_shaped", "unseal"]
