"""Helpers shared by dialogs and screens: user text made safe, errors shown once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from core.errors import AudiencesError
from core.text import strip_controls

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.message_pump import MessagePump

    from core.reading import CsvTable


def clean(text: object) -> str:
    """User text without control characters (ESC, C1, bidi overrides), newlines as spaces."""
    return strip_controls(str(text)).replace("\n", " ").replace("\t", " ")


def plain(text: object, style: str = "") -> Content:
    """User text as Content: never read as markup, control characters removed."""
    content = Content(clean(text))
    return content.stylize(style) if style else content


def joined(parts: Iterable[object], separator: str = ", ") -> str:
    """Several user values cleaned and joined."""
    return separator.join(clean(p) for p in parts)


def short_time(stamp: str) -> str:
    """A store timestamp (`2026-05-10T14:03:00Z`) as local `2026-05-10 14:03`."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return clean(stamp)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def error_text(error: BaseException) -> str:
    """What to tell a user about an error: core's sentence, or only the kind of failure.

    Unexpected errors may quote cells (personal data), so only their type is shown.
    """
    if isinstance(error, AudiencesError):
        return clean(error.message)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror} ({type(error).__name__})"
    return f"unexpected error ({type(error).__name__}); nothing more was written"


def show_error(app: App[object], error: BaseException, title: str = "Not done") -> None:
    """Show an error as a notification (never a traceback)."""
    app.notify(error_text(error), title=title, severity="error", markup=False, timeout=8)


def read_in_worker(node: MessagePump, path: Path, encoding: str | None) -> CsvTable | None:
    """Read a CSV file or a workbook's first sheet inside the current thread worker.

    When the file needs consent to convert its encoding, posts `EncodingQuestioned` (with
    the first rows as each likely encoding reads them) from `node` and gives None; None
    too when the worker was cancelled meanwhile. Other errors are raised (the worker
    reports them). The app reads a workbook's first sheet (the CLI's --sheet chooses).
    """
    from textual.worker import get_current_worker

    from core.errors import EncodingNeedsConsent
    from core.reading import read_file
    from tui.dialogs.encoding import EncodingQuestion, EncodingQuestioned

    worker = get_current_worker()
    try:
        table = read_file(path, encoding=encoding)
    except EncodingNeedsConsent as exc:
        question = EncodingQuestion.about(path, exc)
        if not worker.is_cancelled:
            node.post_message(EncodingQuestioned(question))
        return None
    return None if worker.is_cancelled else table
