"""Order pages: checkout, payment callback, requirements, the order page with its actions, lists, files.

Views are thin: they parse the request, call a selector or an action, and render. Every URL with
an order or file id answers 404 to anyone who is not the buyer, the expert or staff.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from azmoodegan.persian import jalali_datetime
from escrow import ledger
from escrow.actions import buyer_fee_calculate, payment_message
from escrow.exceptions import EscrowError
from escrow.models import Payment
from services.models import Package, RequirementQuestion, Service

from . import actions, selectors, storage
from .exceptions import OrderError
from .forms import (
    CancelForm,
    DeliveryForm,
    DisputeForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    RequirementsForm,
    RevisionForm,
)
from .models import Order

PER_PAGE = 20


def _orderable_package(package_id: int) -> Package:
    return get_object_or_404(
        Package.objects.select_related("service", "service__owner"), pk=package_id,
        service__status=Service.Status.PUBLISHED,
    )


def _start_payment(request, order: Order):
    """Send the buyer to the bank for `order`; on a refusal, back to the order page with the reason."""
    callback = request.build_absolute_uri(reverse("orders:payment_callback", args=[order.pk]))
    try:
        _payment, url = actions.order_pay_start(order_id=order.pk, actor=request.user, callback_url=callback)
    except EscrowError as exc:
        messages.error(request, exc.message)
        return redirect(order)
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, package_id: int):
    """What the buyer is about to buy, the price in Toman and the total; "pay" creates the order."""
    package = _orderable_package(package_id)
    fee = buyer_fee_calculate(package.price)
    wallet = ledger.user_balances(request.user)["available"]
    error = None
    if request.method == "POST":
        try:
            order = actions.order_create(buyer=request.user, package=package)
            if request.POST.get("method") == "wallet":
                actions.order_pay_from_wallet(order_id=order.pk, actor=request.user)
                messages.success(request, _("Payment received from your wallet. It is held safely by Azmoodegan until you confirm delivery."))
                return redirect("orders:requirements", order.pk)
            return _start_payment(request, order)
        except OrderError as exc:
            error = exc.message
    return render(request, "orders/checkout.html", {
        "package": package, "service": package.service, "fee": fee, "total": package.price + fee,
        "wallet_available": wallet, "can_use_wallet": wallet >= package.price + fee, "error": error,
        "own_service": package.service.owner_id == request.user.pk,
    })


@login_required
@require_POST
def pay(request, pk: int):
    """Pay (again) for an order that is still waiting for payment."""
    order = selectors.order_for_user(request.user, pk)
    if order.buyer_id != request.user.pk:
        raise Http404
    if request.POST.get("method") == "wallet":
        try:
            actions.order_pay_from_wallet(order_id=order.pk, actor=request.user)
        except OrderError as exc:
            messages.error(request, exc.message)
            return redirect(order)
        messages.success(request, _("Payment received from your wallet. It is held safely by Azmoodegan until you confirm delivery."))
        return redirect("orders:requirements", order.pk)
    try:
        return _start_payment(request, order)
    except OrderError as exc:
        messages.error(request, exc.message)
        return redirect(order)


@login_required
def payment_callback(request, pk: int):
    """The bank sends the buyer back here; we verify server side and say what happened."""
    order = selectors.order_for_user(request.user, pk)
    if order.buyer_id != request.user.pk:
        raise Http404
    params = {k: v for k, v in (request.GET or request.POST).items()}
    try:
        payment = actions.order_payment_callback(order_id=order.pk, params=params)
    except EscrowError:
        messages.error(request, _("This payment result is not valid. If money was taken, the bank returns it."))
        return redirect(order)
    order.refresh_from_db()
    if payment.status == Payment.Status.PAID and order.status == Order.Status.AWAITING_REQUIREMENTS:
        messages.success(request, _("Payment received. Your money is held safely by Azmoodegan until you confirm delivery. Now tell the expert what you need."))
        return redirect("orders:requirements", order.pk)
    if payment.status == Payment.Status.PAID:
        messages.info(request, payment_message(payment))
    else:
        messages.warning(request, payment_message(payment))
    return redirect(order)


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request, pk: int):
    """The buyer answers the service's questions, describes the need and attaches files."""
    order = selectors.order_for_user(request.user, pk)
    if order.buyer_id != request.user.pk:
        raise Http404
    if order.status != Order.Status.AWAITING_REQUIREMENTS:
        return redirect(order)
    questions = list(RequirementQuestion.objects.filter(service_id=order.service_id).order_by("position", "pk"))
    draft = order.requirements_draft or {}
    if request.method == "POST":
        form = RequirementsForm(request.POST, request.FILES, questions=questions)
        is_draft = request.POST.get("action") == "draft"
        # Whatever happens next, what was typed is kept.
        actions.order_save_requirements_draft(
            order_id=order.pk, actor=request.user, answers=form.raw_answers(),
            description=request.POST.get("description", ""),
        )
        if is_draft:
            if request.headers.get("HX-Request"):
                return HttpResponse(_("Draft saved."))
            messages.info(request, _("Draft saved. You can come back and finish it later."))
            return redirect("orders:requirements", order.pk)
        if form.is_valid():
            try:
                actions.order_submit_requirements(
                    order_id=order.pk, actor=request.user, answers=form.answers(),
                    description=form.cleaned_data["description"], files=form.cleaned_data["files"],
                    question_files=form.question_files(),
                )
            except OrderError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Your requirements were sent. The expert has started and the delivery clock is running."))
                return redirect(order)
    else:
        initial = {f"q_{k}": v for k, v in (draft.get("answers") or {}).items()}
        initial["description"] = draft.get("description", "")
        form = RequirementsForm(initial=initial, questions=questions)
    return render(request, "orders/requirements.html", {"order": order, "form": form, "has_draft": bool(draft)})


@login_required
def detail(request, pk: int):
    """The order page for its buyer, its expert and staff."""
    order = selectors.order_page(request.user, pk)
    role = order.party(request.user)
    held = ledger.escrow_balance(order.pk)
    allowed = selectors.order_allowed_actions(order, request.user)
    A = selectors.OrderAction
    return render(request, "orders/detail.html", {
        "order": order, "role": role, "held": held, "auto_complete_days": settings.AUTO_COMPLETE_DAYS,
        "allowed": allowed,
        "deliver_form": DeliveryForm() if A.DELIVER in allowed else None,
        "revision_form": RevisionForm() if A.REQUEST_REVISION in allowed else None,
        "cancel_form": CancelForm(),
        "extension": selectors.order_pending_extension(order),
        "extension_form": ExtensionRequestForm() if A.REQUEST_EXTENSION in allowed else None,
        "dispute": order.dispute_or_none,
        "dispute_form": DisputeForm() if A.OPEN_DISPUTE in allowed else None,
        "wallet_available": ledger.user_balances(request.user)["available"] if role == "buyer" else 0,
    })


def _order_action(action, success, who: str | tuple[str, ...], form_class=None, fields=()):
    """A POST on an order by its buyer or its expert (`who`, one or both); 404 for anyone else.

    `success(result)` gives the message shown after the action returned `result`.
    """
    parties = (who,) if isinstance(who, str) else tuple(who)

    @login_required
    @require_POST
    def view(request, pk: int):
        order = selectors.order_for_user(request.user, pk)
        if order.party(request.user) not in parties:
            raise Http404
        kwargs = {}
        if form_class is not None:
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(order)
            kwargs = {name: form.cleaned_data[name] for name in fields}
        try:
            result = action(order_id=order.pk, actor=request.user, **kwargs)
        except OrderError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success(result))
        return redirect(order)

    return view


deliver = _order_action(actions.order_deliver, lambda r: _("Your delivery was sent to the buyer."), "expert",
                        DeliveryForm, ("message", "files"))
request_revision = _order_action(actions.order_request_revision,
                                 lambda r: _("Your revision request was sent to the expert."), "buyer",
                                 RevisionForm, ("note",))
confirm = _order_action(actions.order_confirm,
                        lambda r: _("Thank you! The order is complete and the expert has been paid."), "buyer")
cancel = _order_action(actions.order_cancel,
                       lambda r: _("The order was cancelled. Any amount paid is back in your wallet."), "buyer",
                       CancelForm, ("reason",))


def _extension_decided(request_row) -> str:
    if request_row.status == request_row.Status.ACCEPTED:
        return _("You gave the expert more time. The new due date is %(date)s.") % {
            "date": jalali_datetime(request_row.new_due_at)}
    return _("You declined the request; the due date stays as it was.")


extension_request = _order_action(actions.order_extension_request,
                                  lambda r: _("Your request for more time was sent to the buyer."), "expert",
                                  ExtensionRequestForm, ("days", "reason"))
extension_decide = _order_action(actions.order_extension_decide, _extension_decided, "buyer",
                                 ExtensionDecisionForm, ("request_id", "accept"))
extension_withdraw = _order_action(actions.order_extension_withdraw,
                                   lambda r: _("Your request for more time was withdrawn."), "expert")
dispute_open = _order_action(actions.order_dispute_open,
                             lambda r: _("Your dispute was sent to Azmoodegan. The money stays held until our "
                                         "team decides; both of you will get an email."),
                             ("buyer", "expert"), DisputeForm, ("reason",))


def _paginate(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def my_orders(request):
    return render(request, "orders/list.html", {
        "page_obj": _paginate(request, selectors.buyer_orders(request.user)), "side": "buyer",
    })


@login_required
def received_orders(request):
    return render(request, "orders/list.html", {
        "page_obj": _paginate(request, selectors.expert_orders(request.user)), "side": "expert",
    })


@login_required
def file_download(request, pk: int):
    """Hand a private file to its order's buyer, expert or staff; 404 for anyone else.

    Behind nginx (`PRIVATE_MEDIA_ACCEL_PREFIX`) nginx sends the bytes; with S3, a signed URL valid
    for a few minutes; otherwise Django streams the file as an attachment.
    """
    row = selectors.file_for_user(request.user, pk)
    disposition = f"attachment; filename*=UTF-8''{quote(row.original_name)}"
    content_type = row.content_type or mimetypes.guess_type(row.original_name)[0] or "application/octet-stream"
    backend = storage.backend()
    if settings.PRIVATE_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(row.file.name)
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        return response
    if hasattr(backend, "bucket_name"):
        url = backend.url(row.file.name, parameters={"ResponseContentDisposition": disposition}, expire=120)
        return HttpResponseRedirect(url)
    try:
        handle = backend.open(row.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
