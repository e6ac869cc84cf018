"""Errors that services raise for the views to show to the user."""

from django.core.exceptions import ValidationError


class StaleEdit(ValidationError):
    """The user edited an older revision: someone else saved in between. Views show this
    message, keep the user's text on the page and show the current saved version."""

    def __init__(self, message: str = "", current_revision: int | None = None):
        super().__init__(
            message
            or "Someone else saved a change while you were editing. Your text is still below: "
            "compare it with the latest version, then save again."
        )
        self.current_revision = current_revision


class InvalidTransition(ValidationError):
    """A workflow step that the object's current state does not allow."""
