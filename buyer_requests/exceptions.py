"""Errors of the buyer_requests app; every message is a Persian sentence through gettext."""

from django.utils.translation import gettext_lazy as _

from azmoodegan.exceptions import DomainError


class RequestError(DomainError):
    """A rule about requests or offers was broken (the base of the errors below)."""


class RequestTransitionError(RequestError):
    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "bad_transition")
        super().__init__(message or _("This is not possible in the current state."), **kwargs)


class ContactDetailsWarning(RequestError):
    """The text seems to share contact details; the sender must confirm (and it is flagged)."""

    def __init__(self, detection, field="description"):
        super().__init__(
            _("Your text seems to contain contact details. Never pay or talk outside Azmoodegan: payments "
              "outside the site are not protected. Remove them, or confirm to send anyway for review."),
            field=field, code="contact",
        )
        self.detection = detection
