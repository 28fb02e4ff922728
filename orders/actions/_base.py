"""What every order action shares: the row lock, the party and status guards, saving files."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from azmoodegan.compiled import CompiledInstances

from ..exceptions import OrderError, OrderPermissionError, OrderTransitionError
from ..models import Delivery, Order, OrderFile

S = Order.Status

MAX_TEXT = 5000


# Every order action starts here; its SQL is built once per process (azmoodegan/compiled.py).
_LOCKED = CompiledInstances(Order, lambda pk: Order.objects.select_for_update().filter(pk=pk).order_by(), 1)


def _lock(order_id: int) -> Order:
    """The order row, locked (SELECT … FOR UPDATE) until the caller's transaction ends."""
    if transaction.get_autocommit():  # refused as the ORM refuses it (here the SQL is built once)
        raise transaction.TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    found = _LOCKED.instances(int(order_id))
    if not found:
        raise OrderError(_("This order was not found."), code="not_found")
    return found[0]


def _ensure_buyer(order: Order, actor) -> None:
    if actor is None or actor.pk != order.buyer_id:
        raise OrderPermissionError(_("Only the buyer of this order can do this."))


def _ensure_expert(order: Order, actor) -> None:
    if actor is None or actor.pk != order.expert_id:
        raise OrderPermissionError(_("Only the expert of this order can do this."))


def _ensure_status(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise OrderTransitionError(
            _("This is not possible while the order is “%(status)s”.") % {"status": order.get_status_display()}
        )


def _save_files(order: Order, files: Sequence[UploadedFile], types: Sequence[str], *, kind: str, actor,
                delivery: Delivery | None = None, question_ids: Sequence[int | None] | None = None) -> list[OrderFile]:
    saved = []
    for i, (upload, content_type) in enumerate(zip(files, types, strict=True)):
        row = OrderFile(
            order=order, delivery=delivery, kind=kind, original_name=(upload.name or "file")[-255:],
            size=upload.size or 0, content_type=content_type, uploaded_by=actor,
            question_id=question_ids[i] if question_ids else None,
        )
        row.file.save(upload.name or "file", upload, save=False)
        row.save()
        saved.append(row)
    return saved
