"""What every catalogue action shares: the row lock, the owner/staff guards, status moves."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import ServiceError, ServicePermissionError, ServiceStateError
from ..models import Service, ServiceEvent

Status = Service.Status


def _lock(service_id: int) -> Service:
    try:
        return Service.objects.select_for_update().get(pk=service_id)
    except Service.DoesNotExist:
        raise ServiceError(_("This service does not exist."), code="not_found") from None


def _ensure_owner(service: Service, actor: User) -> None:
    if service.owner_id != actor.pk:
        raise ServicePermissionError(_("Only the expert who owns this service may change it."), code="not_owner")


def _ensure_staff(actor: User) -> None:
    if not (actor.is_active and actor.is_staff):
        raise ServicePermissionError(_("Only staff may moderate services."), code="not_staff")


def _ensure_editable(service: Service) -> None:
    if service.status == Status.DELETED:
        raise ServiceStateError(_("This service has been deleted and can no longer be changed."), code="deleted")
    if service.status in (Status.PUBLISHED, Status.PAUSED):
        # Buyers see this row; changes go through a revision (service_revision_start).
        raise ServiceStateError(
            _("A published service is changed through an edit that our team reviews first."), code="live"
        )


def _move(service: Service, to: str, *, actor: User | None, note: str = "") -> None:
    """Change status through the transition map and record who did it. Caller holds the row lock."""
    if not service.can_move_to(to):
        raise ServiceStateError(
            _("A service that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(service.status).label, "to": Status(to).label},
            code="bad_transition",
        )
    ServiceEvent.objects.create(service=service, actor=actor, from_status=service.status, to_status=to, note=note)
    service.status = to
