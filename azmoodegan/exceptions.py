"""The one error family business rules raise; views turn it into a Persian message."""


class DomainError(Exception):
    """A business rule refused an operation. `message` is user-facing (already translated).

    `field` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code
