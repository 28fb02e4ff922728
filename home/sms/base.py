from __future__ import annotations


class SmsError(Exception):
    """The provider refused the message for good (bad number, no credit, bad key): don't retry."""

    def __init__(self, code: str = "", message: str = ""):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class SmsUnavailable(SmsError):
    """The provider could not be reached or is busy (timeout, 5xx, rate limit): retry later."""


class SmsBackend:
    name = "base"

    def send_code(self, mobile: str, code: str) -> str:
        """Send the one-time `code` to `mobile` (09xxxxxxxxx); return the provider's message id."""
        raise NotImplementedError
