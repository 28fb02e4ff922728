"""Errors of the orders app; every message is a Persian sentence through gettext."""

from django.utils.translation import gettext_lazy as _

from azmoodegan.exceptions import DomainError


class OrderError(DomainError):
    """A rule about orders was broken (the base of every error below)."""


class OrderTransitionError(OrderError):
    """The order cannot move from its current status to the one asked for."""

    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "bad_transition")
        super().__init__(message or _("This is not possible in the order's current state."), **kwargs)


class OrderPermissionError(OrderError):
    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "not_allowed")
        super().__init__(message or _("You are not allowed to do this on this order."), **kwargs)


class OrderFileError(OrderError):
    """An attached file was refused (type, size or count)."""


class PriceChanged(OrderError):
    """The total at checkout is not the one the buyer saw: nothing was created or charged."""

    def __init__(self, *, total: int, seen: int | None):
        super().__init__(
            _("The price of this package changed while you were deciding. The new total is shown below; "
              "nothing was charged. Please check it and pay again if you agree."),
            field="expected_total", code="price_changed",
        )
        self.total = total
        self.seen = seen
