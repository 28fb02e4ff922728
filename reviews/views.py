"""Pages of the reviews app. Views are thin: parse, call an action or a selector, render.

Every URL with an object id checks the user may see it: an order's review page only for its buyer
and expert, replies only for the reviewed expert (anyone else gets 404 or a Persian refusal).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ExpertProfile
from orders.models import Order
from services.models import Service

from . import actions, selectors
from .exceptions import ReviewError, ReviewNotFound
from .forms import BuyerReviewForm, ExpertReviewForm, ReplyForm
from .metrics import LEVEL_ORDER, RULE_LABELS
from .models import Review, ReviewReply


def _order_of(request, pk: int) -> tuple[Order, str]:
    order = Order.objects.select_related("buyer__expert_profile", "expert__expert_profile", "service").filter(
        pk=pk).first()
    side = actions.side_of(order, request.user) if order else None
    if order is None or side is None:
        raise Http404
    return order, side


@login_required
def order_review(request, pk: int):
    """Write your review of a completed order (buyer: of the service; expert: of the buyer)."""
    order, side = _order_of(request, pk)
    form_class = BuyerReviewForm if side == Review.Side.BUYER else ExpertReviewForm
    existing = Review.objects.filter(order=order, side=side).first()
    window = order.review_window if hasattr(order, "review_window") else None
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.review_submit(order_id=order.pk, actor=request.user, **form.cleaned_data)
        except ReviewNotFound:
            raise Http404 from None
        except ReviewError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if review.is_published:
                messages.success(request, _("Thank you! Both reviews are now published."))
            else:
                messages.success(request, _(
                    "Thank you! Your review is saved; it is published when the other side writes theirs "
                    "or the review time ends."))
            return redirect(order.get_absolute_url())
    return render(request, "reviews/review_form.html", {
        "order": order, "side": side, "form": form, "existing": existing, "window": window,
        "can_review": order.status == Order.Status.COMPLETED and existing is None
        and (window is None or actions.window_open(window)),
    })


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return fallback
    return target


@login_required
def reply(request, pk: int):
    """The reviewed expert's public reply: write it once, edit it within 24 hours."""
    review = get_object_or_404(Review.objects.select_related("service", "author"), pk=pk,
                               side=Review.Side.BUYER, published_at__isnull=False, hidden_at__isnull=True)
    if review.subject_id != request.user.pk:
        raise Http404
    existing = ReviewReply.objects.filter(review=review).first()
    editing = request.GET.get("edit") == "1" or request.POST.get("mode") == "edit"
    form = ReplyForm(request.POST or None, initial={"text": existing.text} if existing and editing else None)
    if request.method == "POST" and form.is_valid():
        try:
            if editing:
                actions.reply_edit(review_id=review.pk, actor=request.user, text=form.cleaned_data["text"])
            else:
                actions.reply_create(review_id=review.pk, actor=request.user, text=form.cleaned_data["text"])
        except ReviewNotFound:
            raise Http404 from None
        except ReviewError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, _("Your reply was published."))
            return redirect(review.service.get_absolute_url() + f"#review-{review.pk}")
    return render(request, "reviews/reply_form.html", {
        "review": review, "form": form, "existing": existing, "editing": editing,
        "can_edit": existing is not None and timezone.now() <= existing.editable_until,
    })


@login_required
@require_POST
def helpful(request, pk: int):
    review = get_object_or_404(Review, pk=pk, side=Review.Side.BUYER, published_at__isnull=False,
                               hidden_at__isnull=True)
    try:
        actions.mark_helpful(review_id=review.pk, actor=request.user)
    except ReviewNotFound:
        raise Http404 from None
    except ReviewError as exc:
        if not getattr(request, "htmx", False):
            messages.error(request, exc.message)
    review.refresh_from_db()
    if getattr(request, "htmx", False):
        review.marked = True
        return render(request, "reviews/_helpful.html", {"review": review, "user": request.user})
    return redirect(_back(request, "/"))


def service_reviews(request, pk: int):
    """A page of a published service's reviews (htmx: the list fragment; otherwise a page)."""
    service = get_object_or_404(Service.objects.select_related("owner__expert_profile"), pk=pk,
                                status=Service.Status.PUBLISHED)
    totals, page = selectors.service_reviews(service.pk, sort=request.GET.get("sort", "newest"),
                                             page=request.GET.get("page"), viewer=request.user)
    context = {"service": service, "totals": totals, "page": page, "base_url": request.path, "user": request.user}
    return _list_response(request, context, "reviews/service_reviews.html")


def _list_response(request, context, template_name):
    """The list fragment for htmx, the whole page otherwise (the same URL: vary on HX-Request)."""
    fragment = getattr(request, "htmx", False)
    response = render(request, "reviews/_review_list.html" if fragment else template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def expert_reviews(request, user_id: int):
    profile = get_object_or_404(ExpertProfile.objects.select_related("user"), user_id=user_id,
                                user__is_active=True)
    totals, page = selectors.expert_reviews(user_id, sort=request.GET.get("sort", "newest"),
                                            page=request.GET.get("page"), viewer=request.user)
    context = {"profile": profile, "totals": totals, "page": page, "base_url": request.path, "user": request.user,
               "show_service": True}
    return _list_response(request, context, "reviews/expert_reviews.html")


def levels(request):
    """The rules of expert levels, in Persian, from the settings in force."""
    rows = []
    for level in LEVEL_ORDER[1:]:
        rules = settings.EXPERT_LEVELS[level]
        rows.append({"level": level, "label": ExpertProfile.Level(level).label,
                     "rules": [(RULE_LABELS[name], value, name.endswith("_rate")) for name, value in rules.items()]})
    return render(request, "reviews/levels.html", {"rows": rows, "period": settings.LEVEL_PERIOD_DAYS})
