"""The `?` help: every key of the current screen, generated from its bindings."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


@dataclass(frozen=True)
class KeyHelp:
    """One line of help: the keys, what they do, and the action they run (and where)."""

    keys: str
    description: str
    action: str
    node: DOMNode


def key_help(screen: Screen[object]) -> list[KeyHelp]:
    """The keys active on `screen`, its own first, then the app's and the focused widget's.

    A screen binding shadowed by the focused widget (such as `enter` on a table) is still
    listed under the screen's description, because that is what the key does there.
    """
    app = screen.app
    by_action: dict[tuple[str, str], tuple[list[str], DOMNode]] = {}

    def add(binding: Binding, node: DOMNode) -> None:
        if not binding.description:
            return
        description = binding.tooltip or binding.description
        keys, _ = by_action.setdefault((binding.action, description), ([], node))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)

    seen_keys: set[str] = set()
    for binding in Binding.make_bindings(type(screen).BINDINGS):
        add(binding, screen)
        seen_keys.add(binding.key)
    for key, active in screen.active_bindings.items():
        if key in seen_keys:
            continue
        own = active.node is screen or active.node is app
        if own or active.binding.show:
            add(active.binding, active.node)
    if screen.is_modal:  # the app's priority keys still work in a dialog
        for binding in Binding.make_bindings(type(app).BINDINGS):
            if binding.priority and binding.key not in seen_keys:
                add(binding, app)
    return [
        KeyHelp(", ".join(keys), description, action, node)
        for (action, description), (keys, node) in by_action.items()
    ]


class HelpModal(ModalScreen[None]):
    """List the keys of the screen it was opened from."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Help"
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", key_display="esc")]

    def __init__(self, screen_title: str, rows: list[KeyHelp]) -> None:
        super().__init__(classes="dialog")
        self.screen_title = screen_title
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max((len(r.keys) for r in self.rows), default=4) + 2
        lines = [
            Content.assemble((row.keys.ljust(width), "bold $accent"), row.description)
            for row in self.rows
        ]
        with Vertical(classes="dialog-box", id="help-box"):
            yield Static(Content(f"Keys: {self.screen_title}"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(Content("\n").join(lines), id="help-lines")
            yield Static(Content("↑↓ scroll · esc close"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#help-keys", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
