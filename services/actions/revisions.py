"""Editing a live service through a revision: a copy that staff review before it replaces the live row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import ServiceStateError
from ..models import FAQ, GalleryImage, Package, RequirementQuestion, Service, ServiceEvent
from ._base import Status, _ensure_owner, _lock


@transaction.atomic
def service_revision_start(*, service_id: int, actor: User) -> Service:
    """Open (or return) the editable copy of a published or paused service.

    The copy carries the live content, packages, FAQ, questions and gallery (image rows share
    the live files), so the expert edits from what buyers see now.
    """
    revision, _mapping = _revision_start(service_id=service_id, actor=actor)
    return revision


def _revision_start(*, service_id: int, actor: User) -> tuple[Service, dict[int, int]]:
    live = _lock(service_id)
    _ensure_owner(live, actor)
    if live.status not in (Status.PUBLISHED, Status.PAUSED) or live.revision_of_id is not None:
        raise ServiceStateError(_("Only a published or paused service is edited through a revision."), code="not_live")
    existing = Service.objects.filter(revision_of=live).first()
    if existing is not None:
        return existing, {}
    revision = Service.objects.create(
        owner_id=live.owner_id, category_id=live.category_id, title=live.title, slug=live.slug,
        description=live.description, tags=list(live.tags), status=Status.DRAFT, revision_of=live,
        min_price=live.min_price, min_delivery_days=live.min_delivery_days,
    )
    Package.objects.bulk_create([
        Package(service=revision, tier=p.tier, title=p.title, description=p.description, price=p.price,
                delivery_days=p.delivery_days, revisions=p.revisions)
        for p in Package.objects.filter(service=live)
    ])
    FAQ.objects.bulk_create([
        FAQ(service=revision, question=f.question, answer=f.answer, position=f.position)
        for f in FAQ.objects.filter(service=live)
    ])
    RequirementQuestion.objects.bulk_create([
        RequirementQuestion(service=revision, kind=q.kind, text=q.text, choices=list(q.choices), required=q.required,
                            position=q.position)
        for q in RequirementQuestion.objects.filter(service=live)
    ])
    mapping = {}
    for img in GalleryImage.objects.filter(service=live).order_by("pk"):
        copy = GalleryImage.objects.create(service=revision, image=img.image.name, thumbnail=img.thumbnail.name,
                                           card=img.card.name, position=img.position, is_cover=img.is_cover)
        mapping[img.pk] = copy.pk
    ServiceEvent.objects.create(service=live, actor=actor, from_status=live.status, to_status=live.status,
                                note="edit started")
    live.save(update_fields=["updated_at"])  # the dashboard lists recently touched services first
    return revision, mapping
