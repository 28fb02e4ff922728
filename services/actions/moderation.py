"""A service's life: submitted, approved or rejected by staff, paused, resumed, deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import ServiceError, ServiceStateError
from ..models import FAQ, GalleryImage, Package, RequirementQuestion, Service, ServiceEvent
from ._base import Status, _ensure_editable, _ensure_owner, _ensure_staff, _lock, _move
from .gallery import _delete_unreferenced_files
from .packages import recompute_package_summary


@transaction.atomic
def service_submit(*, service_id: int, actor: User) -> Service:
    """Send a draft (or rejected, or edited) service to staff for review."""
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    if service.status == Status.PENDING_REVIEW:
        return service
    if not Package.objects.filter(service=service).exists():
        raise ServiceStateError(_("Please add at least one package before submitting."), code="no_package")
    if not GalleryImage.objects.filter(service=service).exists():
        raise ServiceStateError(_("Please add at least one image before submitting."), code="no_image")
    _move(service, Status.PENDING_REVIEW, actor=actor)
    service.submitted_at = timezone.now()
    service.save(update_fields=["status", "submitted_at", "updated_at"])
    return service


def _email_owner(service: Service, *, subject: str, template: str) -> None:
    """Render now (in the site's language) and send through Celery after the commit."""
    from accounts.tasks import send_email

    owner = service.owner
    with translation.override(settings.LANGUAGE_CODE):
        context = {"service": service, "name": owner.display_name, "site_url": getattr(settings, "SITE_URL", "")}
        subject_text = str(subject)
        body = render_to_string(template, context)
    email_kwargs = {"subject": subject_text, "body": body, "from_email": settings.DEFAULT_FROM_EMAIL,
                    "to": [owner.email]}
    transaction.on_commit(lambda: send_email.delay(**email_kwargs))


@transaction.atomic
def service_approve(*, service_id: int, actor: User) -> Service:
    """Publish a service under review and tell the expert."""
    _ensure_staff(actor)
    live_id = Service.objects.filter(pk=service_id).values_list("revision_of_id", flat=True).first()
    if live_id:
        _lock(live_id)  # always live row first, then its revision, as the editor does
    service = _lock(service_id)
    if service.status == Status.PUBLISHED:
        return service
    if service.status != Status.PENDING_REVIEW:
        raise ServiceStateError(_("Only a service waiting for review can be approved."), code="not_pending")
    if service.revision_of_id is not None:
        live = _apply_revision(service, actor=actor)
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your changes to “%(title)s” are live") % {"title": live.title}
        _email_owner(live, subject=subject, template="services/email/approved.txt")
        return live
    _move(service, Status.PUBLISHED, actor=actor)
    service.rejection_reason = ""
    service.published_at = service.published_at or timezone.now()
    service.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your service “%(title)s” is published") % {"title": service.title}
    _email_owner(service, subject=subject, template="services/email/approved.txt")
    return service


def _apply_revision(revision: Service, *, actor: User) -> Service:
    """Copy an approved revision onto its live service and remove the revision. Caller holds its lock.

    Package rows of the live service are updated in place by tier so that orders pointing at
    them stay valid; FAQ, questions and images are moved over from the revision.
    """
    live = _lock(revision.revision_of_id)
    for name in ("title", "slug", "description", "tags", "category_id"):
        setattr(live, name, getattr(revision, name))
    live_packages = {p.tier: p for p in Package.objects.filter(service=live)}
    for package in Package.objects.filter(service=revision):
        target = live_packages.pop(package.tier, None) or Package(service=live, tier=package.tier)
        for name in ("title", "description", "price", "delivery_days", "revisions"):
            setattr(target, name, getattr(package, name))
        target.save()
    Package.objects.filter(pk__in=[p.pk for p in live_packages.values()]).delete()
    FAQ.objects.filter(service=live).delete()
    FAQ.objects.filter(service=revision).update(service=live)
    RequirementQuestion.objects.filter(service=live).delete()
    RequirementQuestion.objects.filter(service=revision).update(service=live)
    old_images = list(GalleryImage.objects.filter(service=live))
    old_files = [f.name for img in old_images for f in (img.image, img.thumbnail, img.card) if f]
    storage = old_images[0].image.storage if old_images else None
    GalleryImage.objects.filter(service=live).delete()
    GalleryImage.objects.filter(service=revision).update(service=live)
    live.rejection_reason = ""
    live.save()
    recompute_package_summary(live)
    ServiceEvent.objects.create(service=live, actor=actor, from_status=live.status, to_status=live.status,
                                note="edit approved")
    revision.delete()
    if storage is not None:
        transaction.on_commit(lambda: _delete_unreferenced_files(storage, old_files))
    return live


@transaction.atomic
def service_reject(*, service_id: int, actor: User, reason: str) -> Service:
    """Send a service back to its expert with a reason they will see in the dashboard."""
    _ensure_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please write the reason, so the expert knows what to fix."), field="reason")
    service = _lock(service_id)
    if service.status != Status.PENDING_REVIEW:
        raise ServiceStateError(_("Only a service waiting for review can be rejected."), code="not_pending")
    _move(service, Status.REJECTED, actor=actor, note=reason)
    service.rejection_reason = reason
    service.save(update_fields=["status", "rejection_reason", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your service “%(title)s” needs changes") % {"title": service.title}
    _email_owner(service, subject=subject, template="services/email/rejected.txt")
    return service


@transaction.atomic
def service_pause(*, service_id: int, actor: User) -> Service:
    """Take a published service off the listing for a while (e.g. the expert is busy)."""
    service = _lock(service_id)
    _ensure_owner(service, actor)
    if service.status != Status.PUBLISHED:
        raise ServiceStateError(_("Only a published service can be paused."), code="not_published")
    _move(service, Status.PAUSED, actor=actor)
    service.save(update_fields=["status", "updated_at"])
    return service


@transaction.atomic
def service_resume(*, service_id: int, actor: User) -> Service:
    """Put a paused service back on the listing (its content was approved before it was paused)."""
    service = _lock(service_id)
    _ensure_owner(service, actor)
    if service.status != Status.PAUSED:
        raise ServiceStateError(_("Only a paused service can be resumed."), code="not_paused")
    _move(service, Status.PUBLISHED, actor=actor)
    service.save(update_fields=["status", "updated_at"])
    return service


@transaction.atomic
def service_delete(*, service_id: int, actor: User) -> Service:
    """Soft-delete: the row stays (orders point at it) but nobody else sees it again."""
    service = _lock(service_id)
    if not (service.owner_id == actor.pk or actor.is_staff):
        _ensure_owner(service, actor)
    if service.revision_of_id is not None:
        # Discarding an edit: the live service is untouched; the copy goes (its files are shared).
        service.delete()
        return service
    if service.status == Status.DELETED:
        return service
    Service.objects.filter(revision_of=service).delete()
    _move(service, Status.DELETED, actor=actor)
    service.save(update_fields=["status", "updated_at"])
    return service
