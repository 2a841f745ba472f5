"""The file is not UTF-8: show its first rows as each likely encoding reads them, and
convert only with the user's consent. One dialog for every place that reads a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.encodings import encoding_label
from core.errors import EncodingNeedsConsent
from tui.display import plain
from tui.widgets.frame_table import FrameTable

PREVIEW_ROWS = 5
"""Data rows shown under the header: enough to see whether names read right."""


@dataclass(frozen=True)
class EncodingQuestion:
    """A file that needs consent to convert: its likely encodings (best first) and the
    header and first rows as each reads them."""

    path: Path
    encodings: list[str]
    previews: dict[str, list[list[str]]] = field(default_factory=dict)

    @classmethod
    def about(cls, path: Path, consent: EncodingNeedsConsent) -> EncodingQuestion:
        """The question for `path` (reads its first 64 KB once per encoding: run it in a
        worker)."""
        from core.reading import preview_file

        encodings = [consent.detected, *consent.alternatives]
        previews = {e: preview_file(path, e, rows=PREVIEW_ROWS) for e in encodings}
        return cls(path, encodings, previews)


class EncodingQuestioned(Message):
    """A file was found not to be UTF-8: reading it needs the user's consent."""

    def __init__(self, question: EncodingQuestion) -> None:
        super().__init__()
        self.question = question


def preview_frame(records: list[list[str]]) -> tuple[pl.DataFrame, dict[str, str]]:
    """The preview as a frame for `FrameTable` (columns c0.., labelled by the header)."""
    header = records[0] if records else []
    width = max((len(r) for r in records), default=0)
    names = [f"c{i}" for i in range(width)]
    rows = [r + [""] * (width - len(r)) for r in records[1:]]
    frame = pl.DataFrame(
        {name: [row[i] for row in rows] for i, name in enumerate(names)},
        schema={name: pl.String for name in names},
    )
    labels = {name: header[i] if i < len(header) else "" for i, name in enumerate(names)}
    return frame, labels


class EncodingConsentModal(ModalScreen[str | None]):
    """Ask before converting a file from another encoding; returns the encoding to read it
    as, or None (nothing is read, nothing written).

    The first rows are shown as the likeliest encoding reads them; ←/→ shows them as the
    other likely encodings do, so the user picks the one whose names look right.
    """

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "File encoding"
    BINDINGS = [
        Binding("enter,y", "convert", "Convert"),
        Binding("right", "other_reading(1)", "Next reading"),
        Binding("left", "other_reading(-1)", "Previous reading"),
        Binding("escape,n", "cancel", "Cancel", key_display="esc"),
    ]

    def __init__(self, question: EncodingQuestion) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.shown = 0

    @property
    def encoding(self) -> str:
        """The encoding whose reading is shown."""
        return self.question.encodings[self.shown]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="encoding-box"):
            yield Static(Content("File encoding"), classes="dialog-title")
            yield Static(id="encoding-reading")
            table = FrameTable(
                id="encoding-preview",
                placeholder="The file has no rows",
                show_marks=False,
                show_cursor=False,
                max_column_width=24,
            )
            table.can_focus = False
            yield table
            yield Static(id="encoding-others")
            yield Static(
                Content(
                    "The file itself is not changed; nothing is stored until you check "
                    "the rows and apply."
                ),
                id="encoding-note",
            )
            with Horizontal(classes="dialog-buttons"):
                many = len(self.question.encodings) > 1
                keys = "enter convert · " + ("←/→ other reading · " if many else "") + "esc cancel"
                yield Static(Content(keys), classes="dialog-keys")
                yield Button("Convert", variant="primary", id="encoding-convert", compact=True)
                yield Button("Cancel", id="encoding-cancel", compact=True)

    def on_mount(self) -> None:
        self.show_reading()

    def show_reading(self) -> None:
        """Show the first rows as the chosen encoding reads them."""
        question, encoding = self.question, self.encoding
        self.query_one("#encoding-reading", Static).update(
            Content.assemble(
                plain(question.path.name, "bold"),
                " is not UTF-8. Read as ",
                (encoding_label(encoding), "bold"),
                ", its first rows are:",
            )
        )
        frame, labels = preview_frame(question.previews.get(encoding, []))
        table = self.query_one("#encoding-preview", FrameTable)
        table.set_frame(frame, labels=labels)
        table.styles.height = min(frame.height, PREVIEW_ROWS) + 3  # header and border
        others = self.query_one("#encoding-others", Static)
        if len(question.encodings) == 1:
            others.update(Content("Do the names look right? Convert only if they do."))
            return
        rest = [encoding_label(e) for e in question.encodings if e != encoding]
        others.update(
            Content(
                f"Do the names look right? Reading {self.shown + 1} of "
                f"{len(question.encodings)}; ←/→ shows the others: " + ", ".join(rest)
            )
        )

    def action_other_reading(self, step: int) -> None:
        """Show the rows as the next (or previous) likely encoding reads them."""
        if len(self.question.encodings) > 1:
            self.shown = (self.shown + step) % len(self.question.encodings)
            self.show_reading()

    def action_convert(self) -> None:
        """Read the file as the encoding shown."""
        self.dismiss(self.encoding)

    def action_cancel(self) -> None:
        """Close; the file is not read."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "encoding-convert":
            self.action_convert()
        else:
            self.action_cancel()
