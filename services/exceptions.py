"""Errors the catalogue's business rules raise; views show `message` beside `field`."""

from azmoodegan.exceptions import DomainError


class ServiceError(DomainError):
    """A rule about services, packages or their gallery was broken."""


class ServicePermissionError(ServiceError):
    """The actor may not do this to this service (not the owner, or not staff)."""


class ServiceStateError(ServiceError):
    """The service's status does not allow this operation."""


class PackageError(ServiceError):
    """A package's price, delivery time, revisions or tier order is out of the rules."""


class GalleryError(ServiceError):
    """An image was refused, or the gallery is full."""
