"""Pages of buyer requests and offers. Thin: parse, call an action or a selector, render.

Every URL with a request, offer, file or conversation id answers 404 to anyone not allowed to see it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from azmoodegan.persian import format_number, to_persian_digits, toman_to_rials
from escrow import ledger
from escrow.actions import buyer_fee_calculate
from escrow.exceptions import EscrowError
from messaging.models import Conversation
from orders import actions as order_actions
from orders import storage
from orders.exceptions import OrderError
from services.models import Service

from . import actions, selectors
from . import board as board_cache
from .exceptions import ContactDetailsWarning, RequestError
from .forms import CustomRequestForm, OfferForm, PublicRequestForm, ReasonForm
from .models import BuyerRequest, Offer, RequestFile

PER_PAGE = 20


def _add_error(form, exc) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _request_kwargs(form) -> dict:
    d = form.cleaned_data
    return {
        "title": d["title"], "description": d["description"], "budget_min": toman_to_rials(d["budget_min"]),
        "budget_max": toman_to_rials(d["budget_max"]), "deadline_days": d["deadline_days"],
        "files": d.get("files") or [], "confirm_contact": bool(d.get("confirm_contact")),
    }


def _offer_kwargs(form) -> dict:
    d = form.cleaned_data
    return {
        "title": d["title"], "description": d["description"], "price": toman_to_rials(d["price"]),
        "delivery_days": d["delivery_days"], "revisions": d["revisions"], "expiry_days": d["expiry_days"],
        "confirm_contact": bool(d.get("confirm_contact")),
    }


def _published_services(user):
    return Service.objects.filter(owner=user, status=Service.Status.PUBLISHED).order_by("-published_at")


def _contact_warning(form, exc: ContactDetailsWarning) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    data = form.data.copy()
    data["confirm_contact"] = "on"
    form.data = data


# --- requests ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """ثبت درخواست: a public request to a category."""
    form = PublicRequestForm(request.POST or None, request.FILES or None)
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            req = actions.request_create_public(buyer=request.user, category=form.cleaned_data["category"],
                                                **_request_kwargs(form))
        except ContactDetailsWarning as exc:
            _contact_warning(form, exc)
            warned = True
        except RequestError as exc:
            _add_error(form, exc)
        else:
            if req.moderation == BuyerRequest.Moderation.PENDING:
                messages.info(request, _("Your request was saved. Azmoodegan checks it shortly before experts see it."))
            else:
                messages.success(request, _("Your request was posted. Experts in this category can now send offers."))
            return redirect(req)
    return render(request, "buyer_requests/request_form.html", {"form": form, "public": True, "warned": warned})


@login_required
@require_http_methods(["GET", "POST"])
def request_custom(request, expert_id: int):
    """درخواست سفارشی: a request to one expert, from their service page or profile."""
    expert = get_object_or_404(get_user_model().objects.select_related("expert_profile"), pk=expert_id,
                               expert_profile__isnull=False)
    service = None
    service_id = request.GET.get("service") or request.POST.get("service")
    if service_id and str(service_id).isdigit():
        service = Service.objects.filter(pk=service_id, owner=expert, status=Service.Status.PUBLISHED).first()
    if expert.pk == request.user.pk:
        raise Http404
    form = CustomRequestForm(request.POST or None, request.FILES or None)
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            req = actions.request_create_custom(buyer=request.user, expert=expert, service=service,
                                                **_request_kwargs(form))
        except ContactDetailsWarning as exc:
            _contact_warning(form, exc)
            warned = True
        except RequestError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to %(name)s. You will be told when they answer.")
                             % {"name": expert.display_name})
            return redirect(req)
    return render(request, "buyer_requests/request_form.html", {
        "form": form, "public": False, "expert": expert, "service": service, "warned": warned,
    })


@login_required
def board(request):
    """درخواست‌های خریداران: open public requests in the categories of the expert's published services.

    The board's HTML is shared by experts with the same categories and kept until a request changes
    (`buyer_requests.board`); the expert's own marks are put in on every visit.
    """
    state = board_cache.board_state(request.user)
    if not state.category_ids:
        return render(request, "buyer_requests/board.html", {"is_expert": False})
    html = board_cache.board_html(request, state)
    return render(request, "buyer_requests/board.html", {"is_expert": True, "board_html": mark_safe(html)})  # noqa: S308


@login_required
def request_detail(request, pk: int):
    req = selectors.request_for_user(request.user, pk, category_ids=actions.expert_category_ids(request.user)
                                     if request.user.is_expert else None)
    is_buyer = req.buyer_id == request.user.pk
    ctx = {"req": req, "is_buyer": is_buyer, "show_offers": is_buyer or request.user.is_staff}
    if is_buyer or request.user.is_staff:
        offers = list(selectors.offers_for_request(req))
        ctx["offers"] = offers
        if is_buyer:
            actions.offers_mark_viewed(req, request.user)
    else:
        my_offer = (Offer.objects.filter(request=req, expert=request.user).exclude(status=Offer.Status.WITHDRAWN)
                    .first())
        ctx["my_offer"] = my_offer
        if my_offer is None and req.is_open:
            services = _published_services(request.user)
            ctx["offer_form"] = OfferForm(services=services, initial={"title": req.title})
            ctx["can_decline"] = req.kind == BuyerRequest.Kind.CUSTOM and req.expert_id == request.user.pk
            ctx["decline_form"] = ReasonForm()
    return render(request, "buyer_requests/request_detail.html", ctx)


@login_required
@require_POST
def offer_create(request, pk: int):
    """An expert answers a request with an offer (the form is on the request page)."""
    req = selectors.request_for_user(request.user, pk, category_ids=actions.expert_category_ids(request.user))
    if req.buyer_id == request.user.pk:
        raise Http404
    services = _published_services(request.user)
    form = OfferForm(request.POST, services=services)
    warned = False
    if form.is_valid():
        try:
            offer = actions.offer_send(expert=request.user, request=req, service=form.cleaned_data.get("service"),
                                       **_offer_kwargs(form))
        except ContactDetailsWarning as exc:
            _contact_warning(form, exc)
            warned = True
        except RequestError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your offer was sent."))
            return redirect(offer)
    return render(request, "buyer_requests/request_detail.html", {
        "req": req, "is_buyer": False, "offer_form": form, "my_offer": None, "offer_warned": warned,
        "can_decline": req.kind == BuyerRequest.Kind.CUSTOM and req.expert_id == request.user.pk,
        "decline_form": ReasonForm(),
    }, status=200 if warned else 400)


def _act(request, action, success: str, target):
    """Run one state change from a button: its Persian outcome as a message, then back to `target`."""
    try:
        action()
        messages.success(request, success)
    except RequestError as exc:
        messages.error(request, exc.message)
    return redirect(target)


@login_required
@require_POST
def request_close(request, pk: int):
    req = get_object_or_404(BuyerRequest, pk=pk, buyer=request.user)
    return _act(request, lambda: actions.request_close(request_id=req.pk, actor=request.user),
                _("The request was closed."), req)


@login_required
@require_POST
def request_extend(request, pk: int):
    req = get_object_or_404(BuyerRequest, pk=pk, buyer=request.user)
    return _act(request, lambda: actions.request_extend(request_id=req.pk, actor=request.user),
                _("The request stays open 14 more days."), req)


@login_required
@require_POST
def request_decline(request, pk: int):
    req = get_object_or_404(BuyerRequest, pk=pk, expert=request.user, kind=BuyerRequest.Kind.CUSTOM)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.request_decline(request_id=req.pk, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The buyer was told that you cannot take this request."))
            return redirect(req)
        except RequestError as exc:
            _add_error(form, exc)
    return render(request, "buyer_requests/request_detail.html", {
        "req": req, "is_buyer": False, "offer_form": OfferForm(services=_published_services(request.user)),
        "can_decline": True, "decline_form": form, "my_offer": None,
    }, status=400)


@login_required
def request_file(request, pk: int):
    """A request's private file for its buyer, the experts who may answer it and staff; 404 for anyone else."""
    row = get_object_or_404(RequestFile.objects.select_related("request"), pk=pk)
    selectors.request_for_user(request.user, row.request_id, category_ids=actions.expert_category_ids(request.user)
                               if request.user.is_expert else None)
    return storage.serve(row)


@login_required
def my_requests(request):
    """درخواست‌های من: the buyer's requests with state and offer counts."""
    page = Paginator(selectors.my_requests(request.user), PER_PAGE).get_page(request.GET.get("page"))
    received = None
    if request.user.is_expert:
        received = list(selectors.received_custom_requests(request.user).filter(status=BuyerRequest.Status.OPEN)[:20])
    return render(request, "buyer_requests/my_requests.html", {"page": page, "received": received})


# --- offers --------------------------------------------------------------------------------------


@login_required
def my_offers(request):
    """پیشنهادهای من: the expert's offers and what became of them."""
    qs = selectors.my_offers(request.user)
    state = request.GET.get("state", "")
    if state == "viewed":
        qs = qs.filter(status=Offer.Status.SENT, viewed_at__isnull=False)
    elif state in Offer.Status.values:
        qs = qs.filter(status=state)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    states = [("", _("All"))] + [(Offer.Status.SENT.value, Offer.Status.SENT.label), ("viewed", _("Seen"))] + [
        (s.value, s.label) for s in (Offer.Status.ACCEPTED, Offer.Status.DECLINED, Offer.Status.EXPIRED,
                                     Offer.Status.WITHDRAWN)]
    return render(request, "buyer_requests/my_offers.html", {"page": page, "state": state, "states": states})


@login_required
def offer_detail(request, pk: int):
    offer = selectors.offer_for_user(request.user, pk)
    actions.offer_mark_viewed(offer, request.user)
    return render(request, "buyer_requests/offer_detail.html", {
        "offer": offer, "is_buyer": offer.buyer_id == request.user.pk, "is_expert": offer.expert_id == request.user.pk,
        "decline_form": ReasonForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk, expert=request.user)
    initial = {"title": offer.title, "description": offer.description, "price": format_number(offer.price // 10),
               "delivery_days": to_persian_digits(offer.delivery_days), "revisions": to_persian_digits(offer.revisions),
               "expiry_days": to_persian_digits(max(1, min(14, offer.days_left or 1)))}
    form = OfferForm(request.POST or None, initial=initial)
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.offer_update(offer_id=offer.pk, expert=request.user, **_offer_kwargs(form))
            messages.success(request, _("Your offer was updated."))
            return redirect(offer)
        except ContactDetailsWarning as exc:
            _contact_warning(form, exc)
            warned = True
        except RequestError as exc:
            _add_error(form, exc)
    return render(request, "buyer_requests/offer_form.html", {"form": form, "offer": offer, "warned": warned})


@login_required
@require_POST
def offer_withdraw(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk, expert=request.user)
    return _act(request, lambda: actions.offer_withdraw(offer_id=offer.pk, expert=request.user),
                _("Your offer was withdrawn."), offer)


@login_required
@require_POST
def offer_decline(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk, buyer=request.user)
    return _act(request, lambda: actions.offer_decline(offer_id=offer.pk, buyer=request.user,
                                                       reason=request.POST.get("reason", "")),
                _("The offer was declined; the expert was told."), offer.request or offer)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def offer_accept(request, pk: int):
    """Accept an offer and pay: the checkout of an offer (its terms, fee, total; gateway or wallet)."""
    offer = get_object_or_404(Offer.objects.select_related("expert", "expert__expert_profile", "service", "request"),
                              pk=pk, buyer=request.user)
    if offer.order_id:
        return redirect("orders:detail", offer.order_id)
    fee = buyer_fee_calculate(offer.price)
    wallet = ledger.user_balances(request.user)["available"]
    error = None
    if request.method == "POST":
        try:
            _offer, order = actions.offer_accept(offer_id=offer.pk, buyer=request.user,
                                                 expected_total=_int_or_none(request.POST.get("expected_total")))
        except (RequestError, OrderError) as exc:
            error = exc.message
            offer.refresh_from_db()
            fee = buyer_fee_calculate(offer.price)
        else:
            if request.POST.get("method") == "wallet":
                try:
                    order_actions.order_pay_from_wallet(order_id=order.pk, actor=request.user)
                except OrderError as exc:
                    messages.error(request, exc.message)
                    return redirect(order)
                messages.success(request, _("Payment received from your wallet. It is held safely by Azmoodegan "
                                            "until you confirm delivery."))
                return redirect("orders:requirements", order.pk)
            callback = request.build_absolute_uri(reverse("orders:payment_callback", args=[order.pk]))
            try:
                _payment, url = order_actions.order_pay_start(order_id=order.pk, actor=request.user,
                                                              callback_url=callback)
            except EscrowError as exc:
                messages.error(request, exc.message)
                return redirect(order)
            return HttpResponseRedirect(url)
    return render(request, "buyer_requests/offer_accept.html", {
        "offer": offer, "fee": fee, "total": offer.price + fee, "wallet_available": wallet,
        "can_use_wallet": wallet >= offer.price + fee, "error": error,
    })


@login_required
@require_http_methods(["GET", "POST"])
def conversation_offer(request, conversation_id: int):
    """An unsolicited offer from the expert inside a conversation with a buyer."""
    conversation = get_object_or_404(Conversation.objects.select_related("buyer", "service"),
                                     Q(expert=request.user), pk=conversation_id, order__isnull=True)
    services = _published_services(request.user)
    form = OfferForm(request.POST or None, services=services,
                     initial={"service": conversation.service_id} if conversation.service_id else None)
    warned = False
    if request.method == "POST" and form.is_valid():
        try:
            offer = actions.offer_send(expert=request.user, conversation=conversation,
                                       service=form.cleaned_data.get("service"), **_offer_kwargs(form))
        except ContactDetailsWarning as exc:
            _contact_warning(form, exc)
            warned = True
        except RequestError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your offer was sent."))
            return redirect(offer)
    return render(request, "buyer_requests/offer_form.html", {"form": form, "conversation": conversation,
                                                              "warned": warned})


@login_required
def request_ask(request, pk: int):
    """An expert who may answer asks the buyer a question: the conversation has them as the expert."""
    from messaging.actions import conversation_for
    from messaging.exceptions import MessagingError

    req = selectors.request_for_user(request.user, pk, category_ids=actions.expert_category_ids(request.user))
    if req.buyer_id == request.user.pk or not request.user.is_expert:
        raise Http404
    try:
        conv = conversation_for(req.buyer, request.user, req.service)
    except MessagingError as exc:
        messages.error(request, exc.message)
        return redirect(req)
    return redirect(conv)
