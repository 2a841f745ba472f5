"""An Input whose own editing keys act in the order they were typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TypedInput(Input):
    """Input that runs its own bindings (backspace, delete, arrows, home, ...) as soon as
    it gets the key, as it does with printable characters.

    Textual runs a widget's bindings only once the key has bubbled up to the app, while
    characters are inserted at once; in a fast burst of keys (typing quickly over SSH, a
    paste-like burst from tmux) a character typed after a backspace could land before
    it: "abc", backspace, "d" gave "abc". Textual issue #6605 (a fix is proposed in PR
    #6631); this does what that fix does, for our inputs.
    """

    async def _on_key(self, event: events.Key) -> None:
        self._restart_blink()  # as Input does for every key
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            # Priority bindings ran before the key reached the widget; the app would run
            # this one for this widget first in the chain, so running it here changes
            # only when it runs.
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)
