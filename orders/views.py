"""Order pages: checkout, payment callback, requirements, the order page with its actions, lists, files.

Views are thin: they parse the request, call a selector or an action, and render. Every URL with
an order or file id answers 404 to anyone who is not the buyer, the expert or staff.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
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
from .exceptions import OrderError, PriceChanged
from .forms import (
    CancelForm,
    CancellationAnswerForm,
    CancellationRequestForm,
    CheckoutForm,
    DeliveryForm,
    DisputeForm,
    DisputeResponseForm,
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
    """What the buyer is about to buy, the price in Toman and the total; "pay" creates the order.

    The form carries the total the buyer saw (`expected_total`) and an idempotency key: a changed
    price re-shows this page with the new total and charges nothing; a double submit makes one
    order. Paying from the wallet creates and pays the order in one transaction.
    """
    package = _orderable_package(package_id)
    fee = buyer_fee_calculate(package.price)
    total = actions.checkout_total(package)
    wallet = ledger.user_balances(request.user)["available"]
    error = price_changed = None
    from home.vacation import vacation_closed_message, vacation_of  # an expert on vacation takes no orders

    if vacation_of(package.service.owner_id) is not None:
        messages.error(request, vacation_closed_message())
        return redirect(package.service)
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if not form.is_valid():
            price_changed = _("The page was out of date; the current total is shown below. Nothing was charged.")
        else:
            data = form.cleaned_data
            method = data.get("method") or "gateway"
            try:
                order = actions.order_checkout(buyer=request.user, package=package,
                                               expected_total=data.get("expected_total"), key=data["key"],
                                               method=method)
            except PriceChanged as exc:
                price_changed = exc.message
            except OrderError as exc:
                error = exc.message
            else:
                if order.status == Order.Status.PENDING_PAYMENT:
                    return _start_payment(request, order)
                if order.status == Order.Status.AWAITING_REQUIREMENTS:
                    messages.success(request, _("Payment received from your wallet. It is held safely by Azmoodegan until you confirm delivery."))
                    return redirect("orders:requirements", order.pk)
                return redirect(order)
    return render(request, "orders/checkout.html", {
        "package": package, "service": package.service, "fee": fee, "total": total,
        "wallet_available": wallet, "can_use_wallet": wallet >= total, "error": error,
        "price_changed": price_changed, "checkout_key": uuid.uuid4().hex,
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
    if payment.status == Payment.Status.PAID and actions.payment_went_to_wallet(order, payment):
        # Paid twice (another tab) or after the order was cancelled: the money is in the wallet.
        messages.info(request, actions.payment_outcome(order, payment))
        return redirect(order)
    if payment.status == Payment.Status.PAID and order.status == Order.Status.AWAITING_REQUIREMENTS:
        messages.success(request, _("Payment received. Your money is held safely by Azmoodegan until you confirm delivery. Now tell the expert what you need."))
        return redirect("orders:requirements", order.pk)
    if payment.status == Payment.Status.PAID:
        messages.info(request, actions.payment_outcome(order, payment))
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


def _detail_context(request, pk: int, **forms) -> dict:
    order = selectors.order_page(request.user, pk)
    role = order.party(request.user)
    held = ledger.escrow_balance(order.pk)
    allowed = selectors.order_allowed_actions(order, request.user)
    A = selectors.OrderAction
    dispute = order.dispute_or_none
    context = {
        "order": order, "role": role, "held": held, "auto_complete_days": settings.AUTO_COMPLETE_DAYS,
        "allowed": allowed,
        "deliver_form": DeliveryForm() if A.DELIVER in allowed else None,
        "revision_form": RevisionForm() if A.REQUEST_REVISION in allowed else None,
        "cancel_form": CancelForm(),
        "extension": selectors.order_pending_extension(order),
        "extension_form": ExtensionRequestForm() if A.REQUEST_EXTENSION in allowed else None,
        "dispute": dispute,
        "dispute_form": DisputeForm() if A.OPEN_DISPUTE in allowed else None,
        "dispute_response_form": DisputeResponseForm() if A.RESPOND_DISPUTE in allowed else None,
        "cancellation": selectors.order_pending_cancellation(order),
        "cancellation_form": CancellationRequestForm() if A.ASK_CANCELLATION in allowed else None,
        "wallet_available": ledger.user_balances(request.user)["available"] if role == "buyer" else 0,
    }
    # A form that failed comes back bound: what the user typed stays, the error names the field.
    context.update({name: form for name, form in forms.items() if context.get(name) is not None})
    return context


@login_required
def detail(request, pk: int):
    """The order page for its buyer, its expert and staff."""
    return render(request, "orders/detail.html", _detail_context(request, pk))


def _order_action(action, success, who: str | tuple[str, ...], form_class=None, fields=(), form_name=None):
    """A POST on an order by its buyer or its expert (`who`, one or both); 404 for anyone else.

    `success(result)` gives the message shown after the action returned `result`. When the form
    (context name `form_name` on the order page) is invalid or the action names a field in its
    error, the order page is shown again with that form bound: the typed text stays and the
    error stands beside its field.
    """
    parties = (who,) if isinstance(who, str) else tuple(who)

    @login_required
    @require_POST
    def view(request, pk: int):
        order = selectors.order_for_user(request.user, pk)
        if order.party(request.user) not in parties:
            raise Http404
        kwargs = {}
        form = None
        if form_class is not None:
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                if form_name:
                    return render(request, "orders/detail.html", _detail_context(request, pk, **{form_name: form}))
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(order)
            kwargs = {name: form.cleaned_data[name] for name in fields}
        try:
            result = action(order_id=order.pk, actor=request.user, **kwargs)
        except OrderError as exc:
            if form is not None and form_name and exc.field:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                return render(request, "orders/detail.html", _detail_context(request, pk, **{form_name: form}))
            messages.error(request, exc.message)
        else:
            messages.success(request, success(result))
        return redirect(order)

    return view


deliver = _order_action(actions.order_deliver, lambda r: _("Your delivery was sent to the buyer."), "expert",
                        DeliveryForm, ("message", "files"), "deliver_form")
request_revision = _order_action(actions.order_request_revision,
                                 lambda r: _("Your revision request was sent to the expert."), "buyer",
                                 RevisionForm, ("note",), "revision_form")
_confirm = _order_action(actions.order_confirm,
                         lambda r: _("Thank you! The order is complete and the expert has been paid."), "buyer")


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, pk: int):
    """«تأیید دریافت خدمت» releases the money, so it asks once more: the order page opens this as a
    modal; without JavaScript (or a POST without `confirmed`) this page is the second step."""
    order = selectors.order_for_user(request.user, pk)
    if order.party(request.user) != "buyer":
        raise Http404
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        return _confirm(request, pk)
    if order.status != Order.Status.DELIVERED:
        return redirect(order)
    return render(request, "orders/confirm.html", {"order": order})


cancel = _order_action(actions.order_cancel,
                       lambda r: _("The order was cancelled. Any amount paid is back in your wallet."), "buyer",
                       CancelForm, ("reason",), "cancel_form")


def _extension_decided(request_row) -> str:
    if request_row.status == request_row.Status.ACCEPTED:
        return _("You gave the expert more time. The new due date is %(date)s.") % {
            "date": jalali_datetime(request_row.new_due_at)}
    return _("You declined the request; the due date stays as it was.")


extension_request = _order_action(actions.order_extension_request,
                                  lambda r: _("Your request for more time was sent to the buyer."), "expert",
                                  ExtensionRequestForm, ("days", "reason"), "extension_form")
extension_decide = _order_action(actions.order_extension_decide, _extension_decided, "buyer",
                                 ExtensionDecisionForm, ("request_id", "accept"))
extension_withdraw = _order_action(actions.order_extension_withdraw,
                                   lambda r: _("Your request for more time was withdrawn."), "expert")
dispute_open = _order_action(actions.order_dispute_open,
                             lambda r: _("Your dispute was sent to Azmoodegan. The other side has three days to "
                                         "answer; the money stays held until our team decides, and both of you "
                                         "will get an email."),
                             ("buyer", "expert"), DisputeForm, ("reason", "files"), "dispute_form")
dispute_respond = _order_action(actions.order_dispute_respond,
                                lambda r: _("Your answer was added to the dispute. Our team reads both sides "
                                            "before deciding."),
                                ("buyer", "expert"), DisputeResponseForm, ("response", "files"),
                                "dispute_response_form")


def _cancellation_answered(row) -> str:
    if row.status == row.Status.ACCEPTED:
        return _("The order was cancelled by agreement. The whole amount went back to the buyer's wallet.")
    return _("You declined the request; the order goes on.")


cancellation_request = _order_action(
    actions.order_cancellation_request,
    lambda r: _("Your request to cancel was sent. The other side has 48 hours to answer."),
    ("buyer", "expert"), CancellationRequestForm, ("reason",), "cancellation_form")
cancellation_answer = _order_action(actions.order_cancellation_answer, _cancellation_answered,
                                    ("buyer", "expert"), CancellationAnswerForm, ("request_id", "accept"))
cancellation_withdraw = _order_action(actions.order_cancellation_withdraw,
                                      lambda r: _("Your request to cancel was withdrawn."), ("buyer", "expert"))


def _paginate(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def my_orders(request):
    return render(request, "orders/list.html", {
        "page_obj": _paginate(request, selectors.buyer_orders(request.user)), "side": "buyer",
    })


@login_required
def received_orders(request):
    orders = selectors.expert_orders(request.user)
    if request.GET.get("status") in Order.Status.values:  # the dashboard's "orders by state" links
        orders = orders.filter(status=request.GET["status"])
    return render(request, "orders/list.html", {
        "page_obj": _paginate(request, orders), "side": "expert",
    })


@login_required
def file_download(request, pk: int):
    """Hand a private file to its order's buyer, expert or staff (`storage.serve`); 404 for anyone else."""
    return storage.serve(selectors.file_for_user(request.user, pk))
