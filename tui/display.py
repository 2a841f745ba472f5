"""User text made safe for the screen, and errors said once.

Every value a user or a file supplied (names, cells, headers, file names) reaches the
screen through `clean` (one line, no control characters) and, where it is styled,
`plain` (a `Content`, never read as markup).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from core.errors import AudiencesError
from core.text import one_line

if TYPE_CHECKING:
    from textual.app import App


def clean(value: object) -> str:
    """One line of display text: control characters (ESC, C1, bidi overrides) removed,
    tabs and line breaks as spaces; None is empty."""
    if value is None:
        return ""
    return one_line(value if isinstance(value, str) else str(value))


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
