"""Creating and editing a service: text, tags, FAQ, requirement questions, and the whole edit page at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ExpertProfile, User
from azmoodegan.persian import to_persian_digits

from ..exceptions import GalleryError, ServiceError, ServicePermissionError
from ..models import (
    FAQ,
    MAX_CHOICES,
    MAX_FAQS,
    MAX_IMAGES,
    MAX_REQUIREMENT_QUESTIONS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    Category,
    GalleryImage,
    RequirementQuestion,
    Service,
    ServiceEvent,
    persian_slug,
)
from ._base import Status, _ensure_editable, _ensure_owner, _lock
from .gallery import gallery_add, gallery_remove, gallery_set_cover
from .packages import PackageData, package_set
from .revisions import _revision_start


@dataclass
class QuestionData:
    kind: str
    text: str
    choices: list[str]
    required: bool = True


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
