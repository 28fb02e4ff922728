"""Every write that changes the catalogue: one function per business operation.

Rules (issue 3): prices 50,000–500,000,000 Toman, stored as Rials; delivery 1–90 days; revisions
0–10 or unlimited (None); package prices strictly increase basic < standard < premium; at most six
images, exactly one cover while any exist; only the owner edits, only staff moderate.

Editing a published (or paused) service: the expert edits a *revision*, a copy of the service
(`revision_of` points at the live row, never listed). The live service stays exactly as approved
while the revision is drafted, reviewed, rejected or resubmitted; when staff approve the revision
its content is applied to the live row in one transaction (package rows keep their ids, so
orders that point at them stay valid) and the revision row is removed. The edit actions refuse
to touch a live row directly; `service_save` routes an edit of a live service to its revision.

Each action locks the service row (`select_for_update`) so concurrent edits, moderation and
package changes serialise, and recomputes the denormalised `min_price`/`min_delivery_days` in
the same transaction. Emails and image resizing are queued with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ExpertProfile, User
from azmoodegan.persian import format_number, to_persian_digits
from azmoodegan.uploads import clean_image, validate_image

from .exceptions import GalleryError, PackageError, ServiceError, ServicePermissionError, ServiceStateError
from .models import (
    FAQ,
    MAX_CHOICES,
    MAX_DELIVERY_DAYS,
    MAX_FAQS,
    MAX_IMAGES,
    MAX_PRICE_RIALS,
    MAX_PRICE_TOMAN,
    MAX_REQUIREMENT_QUESTIONS,
    MAX_REVISIONS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MIN_DELIVERY_DAYS,
    MIN_PRICE_RIALS,
    MIN_PRICE_TOMAN,
    Category,
    GalleryImage,
    Package,
    RequirementQuestion,
    Service,
    ServiceEvent,
    persian_slug,
)

GALLERY_MAX_SIDE = 2000  # originals are re-encoded no larger than this

Status = Service.Status


@dataclass
class PackageData:
    """One tier as typed by the expert; `price` in Rials, `revisions` None for unlimited."""

    tier: str
    title: str
    description: str
    price: int
    delivery_days: int
    revisions: int | None


@dataclass
class QuestionData:
    kind: str
    text: str
    choices: list[str]
    required: bool = True


# --- Guards --------------------------------------------------------------------------------------


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


def _clean_tags(tags: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for raw in tags:
        tag = " ".join(str(raw).split()).strip("#،, ")
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ServiceError(
                _("Each tag may be at most %(n)s characters.") % {"n": to_persian_digits(MAX_TAG_LENGTH)},
                field="tags",
            )
        if tag not in seen:
            seen.append(tag)
    if len(seen) > MAX_TAGS:
        raise ServiceError(_("Please use at most %(n)s tags.") % {"n": to_persian_digits(MAX_TAGS)}, field="tags")
    return seen


def _check_category(category: Category) -> None:
    if category.parent_id is None:
        raise ServiceError(_("Please choose a sub-category, not a main category."), field="category")


def recompute_package_summary(service: Service) -> None:
    """Set `min_price` and `min_delivery_days` from the packages. Caller holds the row lock."""
    summary = Package.objects.filter(service=service).aggregate(p=Min("price"), d=Min("delivery_days"))
    service.min_price = summary["p"]
    service.min_delivery_days = summary["d"]
    service.save(update_fields=["min_price", "min_delivery_days", "updated_at"])


# --- Creating and editing ------------------------------------------------------------------------


@transaction.atomic
def service_create(*, actor: User, category: Category, title: str, description: str, tags: Sequence[str] = ()) -> Service:
    """Start a new draft service for an expert."""
    if not ExpertProfile.objects.filter(user_id=actor.pk).exists():
        raise ServicePermissionError(_("Please create your expert profile before adding services."), code="not_expert")
    _check_category(category)
    title = " ".join(title.split())
    service = Service(
        owner=actor, category=category, title=title, slug=persian_slug(title), description=description.strip(),
        tags=_clean_tags(tags),
    )
    service.full_clean(exclude=["owner", "category"])
    service.save()
    ServiceEvent.objects.create(service=service, actor=actor, from_status="", to_status=Status.DRAFT)
    return service


@transaction.atomic
def service_update(
    *, service_id: int, actor: User, title: str | None = None, description: str | None = None,
    category: Category | None = None, tags: Sequence[str] | None = None,
) -> Service:
    """Change a service's text, category or tags; a published service goes back to review."""
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    changed = []
    if title is not None:
        title = " ".join(title.split())
        if title != service.title:
            service.title, service.slug = title, persian_slug(title)
            changed += ["title", "slug"]
    if description is not None and description.strip() != service.description:
        service.description = description.strip()
        changed.append("description")
    if category is not None and category.pk != service.category_id:
        _check_category(category)
        service.category = category
        changed.append("category")
    if tags is not None:
        cleaned = _clean_tags(tags)
        if cleaned != service.tags:
            service.tags = cleaned
            changed.append("tags")
    if changed:
        service.full_clean(exclude=["owner", "category"])
        service.save(update_fields=[*changed, "updated_at"])
    return service


def package_check(data: PackageData) -> None:
    """Raise PackageError unless one tier is within the rules (field names are `<tier>-<field>`)."""
    if data.tier not in Package.Tier.values:
        raise PackageError(_("Unknown package tier."), field=f"{data.tier}-tier")
    prefix = data.tier
    if not data.title.strip():
        raise PackageError(_("Please give this package a title."), field=f"{prefix}-title")
    if not data.description.strip():
        raise PackageError(_("Please say what this package includes."), field=f"{prefix}-description")
    if not (MIN_PRICE_RIALS <= data.price <= MAX_PRICE_RIALS):
        raise PackageError(
            _("The price must be between %(min)s and %(max)s Toman.")
            % {"min": format_number(MIN_PRICE_TOMAN), "max": format_number(MAX_PRICE_TOMAN)},
            field=f"{prefix}-price", code="price_range",
        )
    if not (MIN_DELIVERY_DAYS <= data.delivery_days <= MAX_DELIVERY_DAYS):
        raise PackageError(
            _("Delivery must take between %(min)s and %(max)s days.")
            % {"min": to_persian_digits(MIN_DELIVERY_DAYS), "max": to_persian_digits(MAX_DELIVERY_DAYS)},
            field=f"{prefix}-delivery_days", code="delivery_range",
        )
    if data.revisions is not None and not (0 <= data.revisions <= MAX_REVISIONS):
        raise PackageError(
            _("Revisions must be between 0 and %(max)s, or unlimited.") % {"max": to_persian_digits(MAX_REVISIONS)},
            field=f"{prefix}-revisions", code="revisions_range",
        )


@transaction.atomic
def package_set(*, service_id: int, actor: User, packages: Sequence[PackageData]) -> list[Package]:
    """Replace a service's packages with `packages` (one to three tiers).

    Prices must rise strictly with the tier, so a buyer comparing tiers is never misled.
    """
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    if not packages:
        raise PackageError(_("Please fill in at least the basic package."), field="basic-title", code="no_package")
    by_tier: dict[str, PackageData] = {}
    for data in packages:
        package_check(data)
        if data.tier in by_tier:
            raise PackageError(_("Each tier may appear only once."), field=f"{data.tier}-tier")
        by_tier[data.tier] = data
    ordered = [by_tier[t] for t in Package.Tier.values if t in by_tier]
    for lower, higher in zip(ordered, ordered[1:], strict=False):
        if higher.price <= lower.price:
            raise PackageError(
                _("The %(higher)s package must cost more than the %(lower)s package.")
                % {"higher": Package.Tier(higher.tier).label, "lower": Package.Tier(lower.tier).label},
                field=f"{higher.tier}-price", code="tier_order",
            )
    existing = {p.tier: p for p in Package.objects.filter(service=service)}
    result = []
    for data in ordered:
        fields = {"title": data.title.strip(), "description": data.description.strip(), "price": data.price,
                  "delivery_days": data.delivery_days, "revisions": data.revisions}
        package = existing.pop(data.tier, None)
        if package is None:
            package = Package.objects.create(service=service, tier=data.tier, **fields)
        elif any(getattr(package, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(package, k, v)
            package.save()
        result.append(package)
    if existing:
        Package.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    recompute_package_summary(service)
    return result


# --- Gallery -------------------------------------------------------------------------------------


def _delete_unreferenced_files(storage, names: Iterable[str]) -> None:
    """Delete image files no gallery row uses any more (a revision shares files with its service)."""
    for name in names:
        if not GalleryImage.objects.filter(Q(image=name) | Q(thumbnail=name) | Q(card=name)).exists():
            storage.delete(name)


def gallery_check_file(file: UploadedFile) -> None:
    """Raise GalleryError unless `file` is an acceptable image (content, size, dimensions)."""
    try:
        validate_image(file)
    except ValidationError as exc:
        raise GalleryError(exc.messages[0], field="images", code=exc.code) from exc


def gallery_add(*, service_id: int, actor: User, file: UploadedFile) -> GalleryImage:
    """Add an image (validated by content, re-encoded without EXIF); the first one becomes the cover."""
    gallery_check_file(file)  # the image work comes before the transaction: no lock held meanwhile
    content = clean_image(file, max_side=GALLERY_MAX_SIDE, name=f"service-{service_id}")
    with transaction.atomic():
        return _gallery_add(service_id=service_id, actor=actor, content=content)


def _gallery_add(*, service_id: int, actor: User, content) -> GalleryImage:
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    count = GalleryImage.objects.filter(service=service).count()
    if count >= MAX_IMAGES:
        raise GalleryError(
            _("A service may have at most %(n)s images; please remove one first.") % {"n": to_persian_digits(MAX_IMAGES)},
            field="images", code="too_many_images",
        )
    has_cover = GalleryImage.objects.filter(service=service, is_cover=True).exists()
    image = GalleryImage(service=service, position=count, is_cover=not has_cover)
    image.image.save(content.name, content, save=False)
    image.save()
    from .tasks import make_image_sizes

    transaction.on_commit(lambda: make_image_sizes.delay(image.pk))
    return image


@transaction.atomic
def gallery_remove(*, image_id: int, actor: User) -> None:
    """Remove an image; if it was the cover, the next image becomes the cover."""
    image = GalleryImage.objects.filter(pk=image_id).only("service_id").first()
    if image is None:
        raise GalleryError(_("This image does not exist."), field="images")
    service = _lock(image.service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    image = GalleryImage.objects.get(pk=image_id)
    was_cover = image.is_cover
    files = [f.name for f in (image.image, image.thumbnail, image.card) if f]
    storage = image.image.storage
    image.delete()
    if was_cover:
        successor = GalleryImage.objects.filter(service=service).order_by("position", "pk").first()
        if successor:
            successor.is_cover = True
            successor.save(update_fields=["is_cover"])

    transaction.on_commit(lambda: _delete_unreferenced_files(storage, files))


@transaction.atomic
def gallery_set_cover(*, image_id: int, actor: User) -> GalleryImage:
    image = GalleryImage.objects.filter(pk=image_id).only("service_id").first()
    if image is None:
        raise GalleryError(_("This image does not exist."), field="images")
    service = _lock(image.service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    image = GalleryImage.objects.get(pk=image_id)
    if not image.is_cover:
        GalleryImage.objects.filter(service=service, is_cover=True).update(is_cover=False)
        image.is_cover = True
        image.save(update_fields=["is_cover"])
    return image


# --- FAQ and requirement questions ---------------------------------------------------------------


@transaction.atomic
def faq_set(*, service_id: int, actor: User, items: Sequence[tuple[str, str]]) -> list[FAQ]:
    """Replace the service's FAQ with `items` (question, answer) in order."""
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    items = [(q.strip(), a.strip()) for q, a in items if q.strip() or a.strip()]
    if len(items) > MAX_FAQS:
        raise ServiceError(_("Please keep at most %(n)s questions.") % {"n": to_persian_digits(MAX_FAQS)}, field="faqs")
    for question, answer in items:
        if not question or not answer:
            raise ServiceError(_("Each FAQ entry needs both a question and an answer."), field="faqs")
    current = list(FAQ.objects.filter(service=service).values_list("question", "answer"))
    if current == items:
        return list(FAQ.objects.filter(service=service))
    FAQ.objects.filter(service=service).delete()
    faqs = FAQ.objects.bulk_create(
        [FAQ(service=service, question=q, answer=a, position=i) for i, (q, a) in enumerate(items)]
    )
    return faqs


@transaction.atomic
def requirement_questions_set(*, service_id: int, actor: User, items: Sequence[QuestionData]) -> list[RequirementQuestion]:
    """Replace the questions a buyer answers when ordering.

    Orders copy the questions' text when they are placed, so replacing rows here never changes
    what an earlier buyer was asked.
    """
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    cleaned: list[QuestionData] = []
    for item in items:
        text = item.text.strip()
        if not text:
            continue
        if item.kind not in RequirementQuestion.Kind.values:
            raise ServiceError(_("Unknown kind of question."), field="questions")
        choices = [c.strip() for c in item.choices if c.strip()] if item.kind == RequirementQuestion.Kind.CHOICE else []
        if item.kind == RequirementQuestion.Kind.CHOICE and not (2 <= len(choices) <= MAX_CHOICES):
            raise ServiceError(
                _("A multiple-choice question needs between 2 and %(n)s choices.") % {"n": to_persian_digits(MAX_CHOICES)},
                field="questions",
            )
        cleaned.append(QuestionData(kind=item.kind, text=text, choices=choices, required=bool(item.required)))
    if len(cleaned) > MAX_REQUIREMENT_QUESTIONS:
        raise ServiceError(
            _("Please keep at most %(n)s questions.") % {"n": to_persian_digits(MAX_REQUIREMENT_QUESTIONS)},
            field="questions",
        )
    current = [
        QuestionData(kind=q.kind, text=q.text, choices=list(q.choices), required=q.required)
        for q in RequirementQuestion.objects.filter(service=service)
    ]
    if current == cleaned:
        return list(RequirementQuestion.objects.filter(service=service))
    RequirementQuestion.objects.filter(service=service).delete()
    questions = RequirementQuestion.objects.bulk_create(
        [
            RequirementQuestion(service=service, kind=q.kind, text=q.text, choices=q.choices, required=q.required,
                                position=i)
            for i, q in enumerate(cleaned)
        ]
    )
    return questions


# --- Status --------------------------------------------------------------------------------------


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


def open_revision(service: Service) -> Service | None:
    return Service.objects.filter(revision_of=service).first()


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


# --- Everything the edit page sends, in one transaction ------------------------------------------


@transaction.atomic
def service_save(
    *, actor: User, service_id: int | None, category: Category, title: str, description: str, tags: Sequence[str],
    packages: Sequence[PackageData], faqs: Sequence[tuple[str, str]], questions: Sequence[QuestionData],
    new_images: Sequence[UploadedFile] = (), remove_image_ids: Sequence[int] = (), cover_image_id: int | None = None,
) -> Service:
    """Create or update a service from its edit page: all sections succeed together or none does.

    For a published or paused service the changes land in its revision, which is returned.
    """
    if service_id is None:
        service = service_create(actor=actor, category=category, title=title, description=description, tags=tags)
    else:
        current = Service.objects.filter(pk=service_id).only("status", "revision_of_id").first()
        if current is not None and current.status in (Status.PUBLISHED, Status.PAUSED) and not current.revision_of_id:
            # Buyers keep seeing the live service; the edit goes into its revision.
            revision, mapping = _revision_start(service_id=service_id, actor=actor)
            service_id = revision.pk
            remove_image_ids = [mapping.get(i, i) for i in remove_image_ids]
            cover_image_id = mapping.get(cover_image_id, cover_image_id) if cover_image_id else None
        service = service_update(
            service_id=service_id, actor=actor, category=category, title=title, description=description, tags=tags
        )
    package_set(service_id=service.pk, actor=actor, packages=packages)
    faq_set(service_id=service.pk, actor=actor, items=faqs)
    requirement_questions_set(service_id=service.pk, actor=actor, items=questions)
    own_ids = set(GalleryImage.objects.filter(service=service).values_list("pk", flat=True))
    for image_id in remove_image_ids:
        if image_id in own_ids:
            gallery_remove(image_id=image_id, actor=actor)
    remaining = len(own_ids - set(remove_image_ids))
    if remaining + len(new_images) > MAX_IMAGES:
        raise GalleryError(
            _("A service may have at most %(n)s images; please remove one first.") % {"n": to_persian_digits(MAX_IMAGES)},
            field="images", code="too_many_images",
        )
    for file in new_images:
        gallery_add(service_id=service.pk, actor=actor, file=file)
    if cover_image_id and cover_image_id in own_ids and cover_image_id not in remove_image_ids:
        gallery_set_cover(image_id=cover_image_id, actor=actor)
    service.refresh_from_db()
    return service
