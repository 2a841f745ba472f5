"""What to do with numbers that read as two countries' numbers: asked once per file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.words import plural
from tui.display import clean

CHOICES = {"as-typed": "Keep as typed", "national": "Read as national", "skip": "Leave out"}


class AmbiguityModal(ModalScreen[str | None]):
    """Ask how ambiguous numbers are read: as typed, as national numbers of the region,
    or left out. Returns the choice (a `core.plan.Ambiguity`), or None to decide later."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Numbers that read as two countries'"
    BINDINGS = [
        Binding("t", "choose('as-typed')", "As typed"),
        Binding("n", "choose('national')", "National"),
        Binding("s", "choose('skip')", "Leave out"),
        Binding("escape", "choose(None)", "Later", tooltip="Decide later (press a)"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(self, count: int, region: str, example: str, hint: str) -> None:
        super().__init__(classes="dialog")
        self.count = count
        self.fix_region = region
        self.example = example
        self.hint = hint

    def compose(self) -> ComposeResult:
        numbers = plural(self.count, "number")
        question = Content.assemble(
            f"{numbers} without + read as a valid number of another country as typed, and "
            f"as a valid national number of {self.fix_region}. For example ",
            (clean(self.example), "bold"),
            ": ",
            clean(self.hint),
            ".\n\nKeep them as typed, read them as national numbers of "
            f"{self.fix_region}, or leave them out?",
        )
        with Vertical(classes="dialog-box"):
            yield Static(Content("Numbers that read as two countries'"), classes="dialog-title")
            yield Static(question, id="ambiguity-question")
            with Horizontal(classes="dialog-buttons"):
                yield Static(Content("t · n · s · esc later"), classes="dialog-keys")
                for choice, label in CHOICES.items():
                    yield Button(label, id=f"ambiguity-{choice}", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ambiguity-national", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("ambiguity-") or None)

    def action_choose(self, choice: str | None) -> None:
        """Close with the choice (None: decide later)."""
        self.dismiss(choice)
