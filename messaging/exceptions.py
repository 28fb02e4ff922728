"""Errors of the messaging app; every message is a Persian sentence through gettext."""

from django.utils.translation import gettext_lazy as _

from azmoodegan.exceptions import DomainError


class MessagingError(DomainError):
    """A rule about conversations or messages was broken."""


class BlockedError(MessagingError):
    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "blocked")
        super().__init__(message or _("You cannot send messages to this user."), **kwargs)


class ContactWarning(MessagingError):
    """The text seems to share contact details or invite paying outside the site; the sender may confirm."""

    def __init__(self, detection, **kwargs):
        kwargs.setdefault("code", "contact")
        kwargs.setdefault("field", "body")
        super().__init__(
            _("It looks like this message shares contact details or asks to talk or pay outside Azmoodegan. "
              "Outside the site you lose Azmoodegan's protection: your money is no longer held safely and we "
              "cannot help if something goes wrong. Please edit the message, or send it anyway."),
            **kwargs,
        )
        self.detection = detection
