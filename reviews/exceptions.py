"""Errors of the reviews app; every message is a Persian sentence through gettext."""

from azmoodegan.exceptions import DomainError


class ReviewError(DomainError):
    """A rule about reviews was broken."""


class ReviewNotFound(ReviewError):
    """The review or order does not exist for this user (views answer 404)."""
