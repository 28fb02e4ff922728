"""Every write of the reviews app: one function per operation, each in one transaction.

Lock order (free of deadlocks): order row → review rows → service totals → expert totals → service row.
Publication and hiding change the totals (`ServiceRating`, `ExpertRating`) and the catalogue's
denormalised `Service.rating_avg` / `rating_count` in the same transaction as the review row.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.api import notify
from orders.models import Order
from services.models import Service

from .exceptions import ReviewError, ReviewNotFound
from .models import (
    MAX_REPLY,
    MAX_TEXT,
    ExpertRating,
    HelpfulVote,
    Review,
    ReviewReply,
    ReviewWindow,
    ServiceRating,
    price_band,
)

Side = Review.Side


# --- the window ------------------------------------------------------------------------------------


_OPEN_WINDOW = """
INSERT INTO reviews_reviewwindow (order_id, opened_at, closes_at, reminded_at, published_at)
VALUES (%s, %s, %s, NULL, NULL) ON CONFLICT (order_id) DO NOTHING RETURNING order_id
"""


def open_window(order: Order, *, at: dt.datetime | None = None, invite: bool = True) -> ReviewWindow:
    """The order's review window (created on completion; idempotent). Invites both sides once.

    With `invite` (the completion's effects) the window is usually new: it is written at once. Without
    (the first review opens it if the completion's effects have not yet) it usually exists: read first.
    """
    if not invite:
        window = ReviewWindow.objects.filter(order_id=order.pk).first()
        if window is not None:
            return window
    opened = at or order.completed_at or timezone.now()
    window = ReviewWindow(order_id=order.pk, opened_at=opened,
                          closes_at=opened + dt.timedelta(days=settings.REVIEW_WINDOW_DAYS))
    # One statement whether or not it exists (a concurrent opener's row wins, and then it is read).
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_OPEN_WINDOW, [window.order_id, window.opened_at, window.closes_at])
        created = cursor.fetchone() is not None
    if not created:
        return ReviewWindow.objects.get(order_id=order.pk)
    window._state.adding, window._state.db = False, transaction.get_connection().alias
    if invite:
        for user_id in (order.buyer_id, order.expert_id):  # (their ids are all a notice needs)
            notify(User(pk=user_id), "review_invite", order, title=order.title)
    return window


def window_open(window: ReviewWindow, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < window.closes_at and window.published_at is None


# --- validation ------------------------------------------------------------------------------------


def _stars(value, field: str, *, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            raise ReviewError(_("Choose from one to five stars."), field=field, code="required")
        return None
    try:
        stars = int(value)
    except (TypeError, ValueError):
        raise ReviewError(_("Choose from one to five stars."), field=field, code="bad_stars") from None
    if not 1 <= stars <= 5:
        raise ReviewError(_("Choose from one to five stars."), field=field, code="bad_stars")
    return stars


def _text(value, *, limit: int = MAX_TEXT, field: str = "text", required: bool = False) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ReviewError(
            _("Write at most %(limit)s characters (you wrote %(n)s).") % {"limit": limit, "n": len(text)},
            field=field, code="too_long",
        )
    if required and not text:
        raise ReviewError(_("Write your reply."), field=field, code="required")
    return text


# --- writing a review ------------------------------------------------------------------------------


def side_of(order: Order, user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.pk == order.buyer_id:
        return Side.BUYER
    if user.pk == order.expert_id:
        return Side.EXPERT
    return None


@transaction.atomic
def review_submit(*, order_id: int, actor, rating, communication=None, as_described=None, on_time=None,
                  text: str = "", now: dt.datetime | None = None) -> Review:
    """The buyer's or the expert's review of a completed order; publishes both once both exist."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().select_related("buyer", "expert").filter(pk=order_id).first()
    side = side_of(order, actor) if order else None
    if order is None or side is None:
        raise ReviewNotFound(_("This order was not found."), code="not_found")
    if order.status != Order.Status.COMPLETED:
        raise ReviewError(_("You can review an order only after it is completed."), code="not_completed")
    window = open_window(order, invite=False)
    if Review.objects.filter(order=order, side=side).exists():
        raise ReviewError(_("You have already reviewed this order; a review cannot be changed."), code="duplicate")
    if not window_open(window, now):
        raise ReviewError(
            _("The time to review this order has ended (%(days)s days after completion).")
            % {"days": settings.REVIEW_WINDOW_DAYS}, code="window_closed",
        )
    values = {"rating": _stars(rating, "rating")}
    if side == Side.BUYER:
        values.update(communication=_stars(communication, "communication"),
                      as_described=_stars(as_described, "as_described"), on_time=_stars(on_time, "on_time"))
    values["text"] = _text(text)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order=order, side=side, author=actor,
                subject=order.expert if side == Side.BUYER else order.buyer, service_id=order.service_id,
                package_title=order.package_title, price_band=price_band(order.price), **values,
            )
    except IntegrityError:  # the same side submitted at the same time (a second tab)
        raise ReviewError(_("You have already reviewed this order; a review cannot be changed."),
                          code="duplicate") from None
    other = Review.objects.filter(order=order).exclude(side=side).first()
    if other is not None:
        _publish_window(window, order, now=now)
        review.refresh_from_db()
    else:
        notify(review.subject, "review_received", order, actor=actor, author=actor.display_name, title=order.title)
    return review


def _publish_window(window: ReviewWindow, order: Order, *, now: dt.datetime) -> int:
    """Publish every unpublished review of the order (the caller holds the order's lock)."""
    reviews = list(Review.objects.select_for_update().filter(order_id=order.pk, published_at__isnull=True)
                   .order_by("side"))
    for review in reviews:
        review.published_at = now
        review.save(update_fields=["published_at"])
        if review.counts:
            _apply(review, +1)
    window.published_at = now
    window.save(update_fields=["published_at"])
    if reviews:
        for user in (order.buyer, order.expert):
            notify(user, "review_published", order, title=order.title)
    return len(reviews)


def close_window(order_id: int, *, now: dt.datetime | None = None) -> int:
    """Publish the reviews of one order whose window has closed (the beat task calls this per order)."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("buyer", "expert").filter(pk=order_id).first()
        window = ReviewWindow.objects.select_for_update().filter(order_id=order_id).first()
        if order is None or window is None or window.published_at is not None or window.closes_at > now:
            return 0
        return _publish_window(window, order, now=now)


# --- the totals ------------------------------------------------------------------------------------


def _locked_totals(model, **key):
    model.objects.bulk_create([model(**key)], ignore_conflicts=True)
    return model.objects.select_for_update().get(**key)


def _add(totals, review: Review, sign: int) -> None:
    totals.count += sign
    totals.total += sign * review.rating
    star = f"star_{review.rating}"
    setattr(totals, star, getattr(totals, star) + sign)
    totals.communication_total += sign * (review.communication or 0)
    totals.as_described_total += sign * (review.as_described or 0)
    totals.on_time_total += sign * (review.on_time or 0)
    totals.save()


def service_average(count: int, total: int) -> Decimal:
    if not count:
        return Decimal("0")
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _apply(review: Review, sign: int) -> None:
    """Add (+1) or remove (−1) a buyer review from its service's and expert's totals."""
    service_totals = _locked_totals(ServiceRating, service_id=review.service_id)
    expert_totals = _locked_totals(ExpertRating, expert_id=review.subject_id)
    _add(service_totals, review, sign)
    _add(expert_totals, review, sign)
    Service.objects.filter(pk=review.service_id).update(
        rating_count=service_totals.count, rating_avg=service_average(service_totals.count, service_totals.total),
    )


# --- staff -----------------------------------------------------------------------------------------


@transaction.atomic
def review_hide(*, review_id: int, actor, reason: str) -> Review:
    """Staff hide a review (the reason is kept for staff); it leaves the totals at once."""
    if actor is None or not actor.is_staff:
        raise ReviewError(_("Only staff can hide reviews."), code="not_allowed")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Write why the review is hidden."), field="hidden_reason", code="required")
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise ReviewNotFound(_("This review was not found."), code="not_found")
    if review.hidden_at is not None:
        review.hidden_reason = reason
        review.save(update_fields=["hidden_reason"])
        return review
    if review.counts:
        _apply(review, -1)
    review.hidden_at, review.hidden_by, review.hidden_reason = timezone.now(), actor, reason
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return review


@transaction.atomic
def review_unhide(*, review_id: int, actor) -> Review:
    if actor is None or not actor.is_staff:
        raise ReviewError(_("Only staff can hide reviews."), code="not_allowed")
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise ReviewNotFound(_("This review was not found."), code="not_found")
    if review.hidden_at is None:
        return review
    review.hidden_at, review.hidden_by = None, None
    review.save(update_fields=["hidden_at", "hidden_by"])
    if review.counts:
        _apply(review, +1)
    return review


# --- replies and helpful marks ---------------------------------------------------------------------


def _replyable(review_id: int, actor) -> Review:
    review = Review.objects.select_for_update().select_related("order").filter(pk=review_id).first()
    if review is None or not review.is_visible:
        raise ReviewNotFound(_("This review was not found."), code="not_found")
    if review.side != Side.BUYER or actor is None or actor.pk != review.subject_id:
        raise ReviewError(_("Only the expert who was reviewed can reply to this review."), code="not_allowed")
    return review


@transaction.atomic
def reply_create(*, review_id: int, actor, text: str) -> ReviewReply:
    review = _replyable(review_id, actor)
    text = _text(text, limit=MAX_REPLY, field="text", required=True)
    if ReviewReply.objects.filter(review=review).exists():
        raise ReviewError(_("You have already replied to this review."), code="duplicate")
    try:
        with transaction.atomic():
            reply = ReviewReply.objects.create(review=review, author=actor, text=text)
    except IntegrityError:
        raise ReviewError(_("You have already replied to this review."), code="duplicate") from None
    notify(review.author, "review_reply", review, actor=actor, author=actor.display_name)
    return reply


@transaction.atomic
def reply_edit(*, review_id: int, actor, text: str, now: dt.datetime | None = None) -> ReviewReply:
    review = _replyable(review_id, actor)
    text = _text(text, limit=MAX_REPLY, field="text", required=True)
    reply = ReviewReply.objects.select_for_update().filter(review=review).first()
    if reply is None:
        raise ReviewNotFound(_("This reply was not found."), code="not_found")
    if (now or timezone.now()) > reply.editable_until:
        raise ReviewError(
            _("A reply can be edited only in the first %(hours)s hours.") % {"hours": settings.REVIEW_REPLY_EDIT_HOURS},
            code="edit_closed",
        )
    reply.text = text
    reply.save(update_fields=["text", "updated_at"])
    return reply


@transaction.atomic
def mark_helpful(*, review_id: int, actor) -> bool:
    """Another user finds a review helpful (once each); True when the mark is new."""
    review = Review.objects.filter(pk=review_id).first()
    if review is None or not review.is_visible or review.side != Side.BUYER:
        raise ReviewNotFound(_("This review was not found."), code="not_found")
    if actor.pk in (review.author_id, review.subject_id):
        raise ReviewError(_("You cannot mark a review about your own order as helpful."), code="not_allowed")
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(review=review, user=actor)
    except IntegrityError:  # marked already (or twice at once)
        return False
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    return True


# --- batch jobs ------------------------------------------------------------------------------------


def close_due_windows(*, now: dt.datetime | None = None) -> int:
    """Publish the reviews of every order whose window closed; one transaction per order."""
    now = now or timezone.now()
    due = list(ReviewWindow.objects.filter(published_at__isnull=True, closes_at__lte=now)
               .values_list("order_id", flat=True)[:5000])
    published = 0
    for order_id in due:
        published += close_window(order_id, now=now)
    return published


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind each side who has not reviewed yet, REVIEW_REMINDER_DAYS before the window closes."""
    now = now or timezone.now()
    soon = now + dt.timedelta(days=settings.REVIEW_REMINDER_DAYS)
    due = list(ReviewWindow.objects.filter(published_at__isnull=True, reminded_at__isnull=True,
                                           closes_at__lte=soon, closes_at__gt=now)
               .values_list("order_id", flat=True)[:5000])
    sent = 0
    for order_id in due:
        with transaction.atomic():
            window = (ReviewWindow.objects.select_for_update(skip_locked=True)
                      .filter(order_id=order_id, reminded_at__isnull=True).first())
            if window is None:
                continue
            order = Order.objects.select_related("buyer", "expert").get(pk=order_id)
            written = set(Review.objects.filter(order_id=order_id).values_list("side", flat=True))
            days = max(1, (window.closes_at - now).days + (1 if (window.closes_at - now).seconds else 0))
            from azmoodegan.persian import to_persian_digits

            for side, user in ((Side.BUYER, order.buyer), (Side.EXPERT, order.expert)):
                if side not in written:
                    notify(user, "review_reminder", order, title=order.title, days=to_persian_digits(str(days)))
                    sent += 1
            window.reminded_at = now
            window.save(update_fields=["reminded_at"])
    return sent
