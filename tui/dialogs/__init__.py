"""Modal dialogs: each a `ModalScreen[T]` that returns what the user chose."""
