"""Requirements, delivery and revisions: the work between payment and completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.models import RequirementQuestion

from ..exceptions import OrderError
from ..filecheck import check_files
from ..models import Delivery, Order, OrderEvent, OrderFile
from ._base import MAX_TEXT, S, _ensure_buyer, _ensure_expert, _ensure_status, _lock, _save_files
from .extensions import _close_pending_extension
from .notify import order_email


def _questions(order: Order) -> list[RequirementQuestion]:
    return list(RequirementQuestion.objects.filter(service_id=order.service_id).order_by("position", "pk"))


@transaction.atomic
def order_save_requirements_draft(*, order_id: int, actor, answers: Mapping[str, str], description: str) -> Order:
    """Keep what the buyer typed so far, so a failed upload or a reload loses nothing."""
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.AWAITING_REQUIREMENTS)
    order.requirements_draft = {
        "answers": {str(k): str(v)[:MAX_TEXT] for k, v in answers.items()},
        "description": (description or "")[:MAX_TEXT],
    }
    order.save(update_fields=["requirements_draft", "updated_at"])
    return order


@transaction.atomic
def order_submit_requirements(
    *, order_id: int, actor, answers: Mapping[str, str], description: str,
    files: Sequence[UploadedFile] = (), question_files: Mapping[str, UploadedFile] | None = None,
) -> Order:
    """Record the buyer's answers, description and files; the expert's clock starts now.

    `answers` maps a question id to the answer (text, or one of the question's choices);
    `question_files` maps the id of a file question to its file. Every file is checked by content.
    The order becomes `in_progress` with `due_at` = now + delivery days.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.AWAITING_REQUIREMENTS)
    question_files = dict(question_files or {})
    recorded = []
    for q in _questions(order):
        key = str(q.pk)
        if q.kind == RequirementQuestion.Kind.FILE:
            upload = question_files.get(key)
            if upload is None and q.required:
                raise OrderError(_("Please attach a file for this question."), field=f"q_{key}", code="required")
            recorded.append({"id": q.pk, "question": q.text, "kind": q.kind, "answer": upload.name if upload else ""})
            continue
        answer = (answers.get(key) or "").strip()[:MAX_TEXT]
        if not answer and q.required:
            raise OrderError(_("Please answer this question."), field=f"q_{key}", code="required")
        if q.kind == RequirementQuestion.Kind.CHOICE and answer and answer not in q.choices:
            raise OrderError(_("Choose one of the options."), field=f"q_{key}", code="bad_choice")
        recorded.append({"id": q.pk, "question": q.text, "kind": q.kind, "answer": answer})
    description = (description or "").strip()[:MAX_TEXT]
    if not description and not recorded:
        raise OrderError(_("Describe what you need."), field="description", code="required")

    files = list(files)
    q_items = [(int(k), f) for k, f in question_files.items() if f is not None]
    all_files = files + [f for _qid, f in q_items]
    types = check_files(all_files)
    _save_files(order, all_files, types, kind=OrderFile.Kind.REQUIREMENT, actor=actor,
                question_ids=[None] * len(files) + [qid for qid, _f in q_items])

    now = timezone.now()
    order.requirement_answers = recorded
    order.requirements_description = description
    order.requirements_draft = {}
    order.requirements_at = now
    order.due_at = now + dt.timedelta(days=order.delivery_days)
    order.transition_to(S.IN_PROGRESS, actor=actor, kind=OrderEvent.Kind.REQUIREMENTS)
    order.save()
    order_email(order, "requirements", to=order.expert)
    return order


@transaction.atomic
def order_deliver(*, order_id: int, actor, message: str, files: Sequence[UploadedFile] = ()) -> Order:
    """Record a delivery and start the buyer's review period (auto-complete after AUTO_COMPLETE_DAYS)."""
    order = _lock(order_id)
    _ensure_expert(order, actor)
    _ensure_status(order, *Order.WORKING)
    message = (message or "").strip()[:MAX_TEXT]
    if not message:
        raise OrderError(_("Write a message with your delivery."), field="message", code="required")
    files = list(files)
    types = check_files(files)
    delivery = Delivery.objects.create(order=order, message=message)
    _save_files(order, files, types, kind=OrderFile.Kind.DELIVERY, actor=actor, delivery=delivery)
    _close_pending_extension(order)
    order.transition_to(S.DELIVERED, actor=actor, kind=OrderEvent.Kind.DELIVERED)
    order.delivered_at = timezone.now()
    order.save()
    order_email(order, "delivered", to=order.buyer)
    return order


@transaction.atomic
def order_request_revision(*, order_id: int, actor, note: str) -> Order:
    """The buyer asks for changes to a delivery, within the package's revisions.

    The expert gets a fresh clock of the package's delivery days from now.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.DELIVERED)
    note = (note or "").strip()[:MAX_TEXT]
    if not note:
        raise OrderError(_("Explain what should change."), field="note", code="required")
    if order.revisions_left == 0:
        raise OrderError(_("All the revisions of this package have been used."), code="no_revisions_left")
    order.transition_to(S.REVISION_REQUESTED, actor=actor, kind=OrderEvent.Kind.REVISION, note=note)
    order.revisions_used += 1
    order.due_at = timezone.now() + dt.timedelta(days=order.delivery_days)
    order.save()
    order_email(order, "revision", to=order.expert)
    return order
