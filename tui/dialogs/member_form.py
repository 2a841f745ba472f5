"""Add or edit one member: a field per column, the phone judged as you type by core."""

from __future__ import annotations

from collections.abc import Collection

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from core.audience import STYLE_NAMES, Audience, Member, example_for
from core.member_check import FieldProblem, MemberCheck, check_member
from core.words import plural
from tui.display import clean, plain
from tui.widgets.typed_input import TypedInput


class MemberFormModal(ModalScreen[Member | None]):
    """The member form; returns the checked member to save, or None when cancelled.

    Every rule comes from core: `check_member` (required fields, phone, style,
    duplicates, the do-not-call list) as the phone is typed and before the form may close.
    """

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Member form"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving (asks if changed)"),
        Binding("enter,ctrl+s", "save", "Save", tooltip="Save (only when core accepts it)"),
        Binding(
            "ctrl+r", "use_fix", "Use fix", tooltip="Put the proposed number in the phone field"
        ),
        # Priority: the focus moves as the key arrives, so keys typed ahead (a burst over
        # SSH: "Ada<tab>Lovelace") land in the next field rather than the one being left.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        audience: Audience,
        existing_keys: frozenset[str] | set[str],
        member: Member | None = None,
        *,
        suppressed: Collection[str] = frozenset(),
        typed: dict[str, str] | None = None,
        refused: str | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.audience = audience
        self.typed = typed
        """Values typed in a form whose save the store refused: this one opens with them."""
        self.refused = refused
        """Why the store refused that save, and what now (shown until a field changes)."""
        self.existing_keys = frozenset(existing_keys)
        self.suppressed = frozenset(suppressed)
        self.member = member
        self.proposed: str | None = None
        """The phone value ctrl+r puts in the field: core's fix, or the national reading."""
        self.warned: str | None = None
        """The phone value whose two readings were shown by a first enter: a second saves."""
        self.columns = list(audience.columns)
        self.loaded: dict[str, str] = {}
        """The values the form opened with (to tell whether esc loses anything)."""

    # --- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        verb = "Edit member of " if self.member else "Add member to "
        style = STYLE_NAMES.get(self.audience.style, self.audience.style)
        with Vertical(classes="dialog-box", id="member-form"):
            yield Static(
                Content.assemble(verb, plain(self.audience.name, "bold")), classes="dialog-title"
            )
            yield Static(
                Content.assemble(
                    ("*", "bold $error"),
                    " required · phone column ",
                    plain(self.audience.phone_column, "bold"),
                    f" · numbers here are written {style}",
                ),
                id="member-form-note",
            )
            with VerticalScroll(id="member-fields"):
                for index, column in enumerate(self.columns):
                    required = column in self.audience.required
                    label = Content.assemble(
                        plain(column), (" *", "bold $error") if required else ""
                    )
                    with Horizontal(classes="member-field"):
                        yield Label(label, classes="field-label")
                        yield TypedInput(
                            id=f"field-{index}",
                            compact=True,
                            placeholder=self._placeholder(index),
                        )
                    yield Static("", id=f"problem-{index}", classes="problem field-problem")
            yield Static("", id="phone-verdict")
            yield Static("", id="member-form-summary", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Static(
                    Content("enter save · tab next · ctrl+r fix · esc cancel"),
                    classes="dialog-keys",
                )
                yield Button("Save", variant="primary", id="member-save", compact=True)
                yield Button("Cancel", id="member-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#member-form-summary", Static).display = False
        if self.member is not None:
            self.load(self.member.values)
        self.loaded = self.to_model()
        if self.typed is not None:
            self.load(self.typed)  # esc asks before dropping them
        self.show_phone_verdict()
        if self.refused is not None:
            summary = self.query_one("#member-form-summary", Static)
            summary.update(Content(f"Not saved: {self.refused}"))
            summary.display = True
        self.query_one("#field-0", Input).focus()

    @property
    def example(self) -> str:
        """A valid number to show as an example: of the audience's main region."""
        return example_for(self.audience)

    def _placeholder(self, index: int) -> str:
        return f"e.g. {self.example}" if self._is_phone(index) else ""

    def _is_phone(self, index: int) -> bool:
        return self.columns[index] == self.audience.phone_column

    def _input(self, column: str) -> Input:
        return self.query_one(f"#field-{self.columns.index(column)}", Input)

    # --- model -------------------------------------------------------------------------
    def to_model(self) -> dict[str, str]:
        """The values typed, by column."""
        return {column: self._input(column).value for column in self.columns}

    def load(self, values: dict[str, str]) -> None:
        """Fill the fields from a member's values (control characters removed)."""
        for column in self.columns:
            self._input(column).value = clean(values.get(column, ""))

    def check(self) -> MemberCheck:
        """Core's verdict on the values typed."""
        return check_member(
            self.audience,
            self.to_model(),
            self.existing_keys,
            replacing=self.member.e164 if self.member else None,
            suppressed=self.suppressed,
        )

    def warnings(self, result: MemberCheck) -> list[FieldProblem]:
        """The warnings to answer before saving (none when an edit kept the number)."""
        phone = self.audience.phone_column
        if self.member is not None and self.to_model()[phone] == self.member.values.get(phone):
            return []
        return result.warnings

    # --- phone verdict as you type -------------------------------------------------------
    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        event.stop()
        index = self.columns.index(self._column_of(event.input))
        self._set_problem(index, None)
        if self.refused is None or self.to_model() != self.typed:
            # (Filling in the values of a refused save changes fields too: its reason
            # stays until the user changes one.)
            self.query_one("#member-form-summary", Static).display = False
        if self._is_phone(index):
            self.show_phone_verdict()

    def _column_of(self, widget: Input) -> str:
        assert widget.id is not None
        return self.columns[int(widget.id.removeprefix("field-"))]

    def show_phone_verdict(self) -> None:
        """Show core's verdict on the phone value: region, type and E.164, or reason and
        hint; the fix ctrl+r applies, or the two readings of an ambiguous number."""
        value = self._input(self.audience.phone_column).value
        target = self.query_one("#phone-verdict", Static)
        self.proposed = None
        if value == "":
            target.update(
                Content(f"phone: type a number with its country code, e.g. {self.example}")
            )
            target.set_classes("")
            return
        result = self.check()
        phone_problems = [p for p in result.problems if p.column == self.audience.phone_column]
        fixes = [p.fix for p in phone_problems if p.fix]
        verdict = result.phone  # judged once, by check_member
        parts: list[str | tuple[str, str] | Content] = []
        if verdict is not None and verdict.valid:
            parts += [
                ("✓ valid", "bold $success"),
                f" · {verdict.region or 'no region'} {verdict.number_type or ''} · {verdict.e164}",
            ]
        for problem in phone_problems:
            if parts:
                parts.append("\n")
            parts += [("✗ ", "bold $error"), clean(problem.message)]
        warnings = [] if phone_problems else self.warnings(result)
        for warning in warnings:
            parts += ["\n", ("⚠ ", "bold $warning"), clean(warning.message)]
        if fixes:
            self.proposed = fixes[0]
            parts += ["\n", ("ctrl+r", "bold"), f" puts {self.proposed} in the field"]
        elif warnings and warnings[0].fix:
            self.proposed = warnings[0].fix
            parts += [
                "\n",
                ("enter", "bold"),
                " saves it as typed · ",
                ("ctrl+r", "bold"),
                f" reads it as {self.proposed}",
            ]
        target.update(Content.assemble(*parts))
        target.set_classes("invalid" if phone_problems else "warning" if warnings else "valid")

    def action_use_fix(self) -> None:
        """Put the proposed number (core's fix or the national reading) in the field."""
        if self.proposed is None:
            self.notify("No fix to apply: core proposes none for this value", severity="warning")
            return
        field = self._input(self.audience.phone_column)
        field.value = self.proposed
        field.cursor_position = len(field.value)
        field.focus()

    # --- saving --------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "member-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Close with the member when core accepts it; otherwise say what to fix."""
        result = self.check()
        if not result.ok:
            self.show_problems(result.problems)
            return
        phone = self.to_model()[self.audience.phone_column]
        if self.warnings(result) and self.warned != phone:
            # The number is valid as typed and as a national number: a second look first.
            self.warned = phone
            summary = self.query_one("#member-form-summary", Static)
            summary.update(
                Content(
                    "Not saved yet: the number reads as two countries' numbers (see above); "
                    "enter again saves it as typed, ctrl+r reads it as a national number"
                )
            )
            summary.display = True
            self.show_phone_verdict()
            return
        self.dismiss(result.member)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Put each problem under its field and focus the first field to fix."""
        by_column: dict[str, list[str]] = {}
        for problem in problems:
            by_column.setdefault(problem.column, []).append(clean(problem.message))
        for index, column in enumerate(self.columns):
            messages = by_column.get(column)
            self._set_problem(index, Content("; ".join(messages)) if messages else None)
        count = len(problems)
        summary = self.query_one("#member-form-summary", Static)
        summary.update(Content(f"Not saved: fix the {plural(count, 'problem')} shown above"))
        summary.display = True
        first = next((c for c in self.columns if c in by_column), None)
        if first is not None:
            self._input(first).focus()

    def _set_problem(self, index: int, message: Content | None) -> None:
        problem = self.query_one(f"#problem-{index}", Static)
        problem.update(message or "")
        problem.display = message is not None

    def action_cancel(self) -> None:
        """Close without saving; when something was typed, ask first."""
        if self.to_model() == self.loaded:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        from tui.dialogs.confirm import ConfirmModal

        question = Content("Close the form and lose what you typed?")
        self.app.push_screen(
            ConfirmModal("Discard changes", question, confirm_label="Discard"), answered
        )
