"""Writing a file atomically: a crash, a full disk or an I/O error leaves either the old
file or the new one, never a mix, and an error means "nothing changed".

Used by every file audiences writes: the store's files (through `core.sealed`), exports
and the problems CSV. Files are created 0600 whatever the umask.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from core.errors import StoreWriteFailed

TMP_SUFFIX = ".tmp"
"""Every temporary file ends so; a store's next writer removes those left by a crash."""


def fsync_dir(path: Path) -> None:
    """fsync a folder, so that a rename or a new file in it survives a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


STORE_KEPT = "the store still holds its previous state"
"""What a failed write of the store's files left: said with the failure."""


def atomic_write(path: Path, data: bytes, *, kept: str = STORE_KEPT) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file.

    Temporary file in the same folder (0600 from creation), fsync, rename, fsync of the
    folder. On any error the temporary file is removed and the old file is untouched:
    when the folder fsync fails after the rename, the old file is put back (from a hard
    link taken before the rename) or the new one removed, so that an error always means
    "nothing changed". Only if that undo fails too does the error say the change may
    have been saved (`StoreWriteFailed.changed`). `kept` says what a failure left as it
    was (the store's previous state, for the store's files).
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TMP_SUFFIX}")
    backup: Path | None = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        existed = os.path.lexists(path)
        backup = _link_backup(path) if existed else None
        os.replace(tmp, path)
        try:
            fsync_dir(path.parent)
        except OSError as exc:
            if not _undo_replace(path, existed, backup):
                raise StoreWriteFailed(
                    _write_failure(exc, kept, changed=True), changed=True
                ) from None
            backup = None
            raise
    except BaseException as exc:
        for leftover in (tmp, backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
        if isinstance(exc, OSError):
            raise StoreWriteFailed(_write_failure(exc, kept)) from None
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            backup.unlink()


def _link_backup(path: Path) -> Path | None:
    """A hard link to the file about to be replaced (None if the file system has none)."""
    backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old{TMP_SUFFIX}")
    try:
        os.link(path, backup)
    except OSError:
        return None
    return backup


def _undo_replace(path: Path, existed: bool, backup: Path | None) -> bool:
    """Put the old file back after a replace whose folder fsync failed; True if done."""
    try:
        if backup is not None:
            os.replace(backup, path)
        elif not existed:
            os.unlink(path)
        else:
            return False
    except OSError:
        return False
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)
    return True


def _write_failure(exc: OSError, kept: str, changed: bool = False) -> str:
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EIO: "an I/O error occurred",
        errno.EFBIG: "the file size limit was reached",
        errno.EACCES: "permission was denied",
        errno.EROFS: "the file system is read-only",
    }.get(exc.errno or 0, exc.strerror or "the write failed")
    if changed:
        return f"could not confirm the save: {reason}; check the change before repeating it"
    return f"could not save: {reason}; {kept}"


__all__ = ["TMP_SUFFIX", "atomic_write", "fsync_dir"]
