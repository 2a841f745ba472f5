"""Errors that `core` raises.

Every message is one sentence a user can act on. Messages name rows, lines and columns,
never the values in them: phone numbers and names stay out of logs and tracebacks.
"""

from __future__ import annotations


class AudiencesError(Exception):
    """Base of every error the tool reports to a user (never shown as a traceback)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableFile(AudiencesError):
    """The input file cannot be read as a CSV (binary, encoding, broken shape)."""


class EncodingNeedsConsent(UnreadableFile):
    """The file is not UTF-8; it is converted only when the user names the encoding."""

    def __init__(self, message: str, detected: str, alternatives: list[str] | None = None) -> None:
        super().__init__(message)
        self.detected = detected
        # Other encodings the bytes may be in when the guess is unsure, likeliest first.
        self.alternatives = alternatives or []


class MalformedRow(UnreadableFile):
    """A row breaks the CSV shape (too many fields, unclosed quote, lone CR)."""

    def __init__(self, message: str, row: int | None, line: int | None) -> None:
        super().__init__(message)
        self.row = row
        self.line = line


class RuleViolation(AudiencesError):
    """The rules refuse the change; nothing was written."""

    exit_code = 1


class FileExists(RuleViolation):
    """The file to write exists and replacing it was not asked for; nothing was written.

    Each front end says how to replace it (the CLI: --force)."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class NotAPlaceForAFile(AudiencesError):
    """The path to write is a device, pipe, socket or under /dev or /proc; nothing was
    written. Each front end may say where else output can go (the CLI: standard output)."""


class LimitExceeded(RuleViolation):
    """The change would take an audience past its member limit."""


class NotFound(AudiencesError):
    """No audience (or member) by that name."""


class StoreError(AudiencesError):
    """The store cannot be used."""


class StoreDamaged(StoreError):
    """A store file is empty or damaged; it is left untouched, never read as empty."""


class MembersFileDamaged(StoreDamaged):
    """One audience's members file is damaged (the rest of the store is fine)."""

    def __init__(self, message: str, audience: str) -> None:
        super().__init__(message)
        self.audience = audience


class StoreLocked(StoreError):
    """Another process holds the store's lock for too long."""


class StoreWriteFailed(StoreError):
    """Writing failed (disk full, I/O error); the store still holds its previous state.

    `changed` is True only in the rare case where a failure could not be undone: the new
    content may then be in place (the message says so).
    """

    def __init__(self, message: str, changed: bool = False) -> None:
        super().__init__(message)
        self.changed = changed
