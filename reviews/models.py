"""Reviews of completed orders, the expert's public reply, helpful marks, and the exact aggregates
(per service and per expert) that pages, cards and search read.

A completed order opens a review window (`ReviewWindow`, REVIEW_WINDOW_DAYS long). Each side writes
at most one review (unique per order and side). Reviews are double-blind: a review stays
unpublished until the other side has written theirs or the window closes; publication is the
moment it counts in the aggregates. Every write goes through `reviews.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 2000
MAX_REPLY = 2000
STARS = (1, 2, 3, 4, 5)

# Price bands (Toman) shown instead of the exact price a buyer paid.
PRICE_BANDS_TOMAN = (0, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 50_000_000)


def price_band(rials: int) -> int:
    """Index of the band of PRICE_BANDS_TOMAN that holds `rials`."""
    toman = (rials or 0) // 10
    band = 0
    for i, low in enumerate(PRICE_BANDS_TOMAN):
        if toman >= low:
            band = i
    return band


class ReviewWindow(models.Model):
    """The review period of one completed order: when it closes, whether both sides were reminded,
    and when its reviews were published."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, primary_key=True, related_name="review_window",
        verbose_name=_("order"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    closes_at = models.DateTimeField(_("closes at"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    published_at = models.DateTimeField(_("reviews published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review window")
        verbose_name_plural = _("review windows")
        indexes = [
            models.Index(fields=["closes_at"], condition=Q(published_at__isnull=True), name="review_window_open"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.closes_at:%Y-%m-%d}"


class Review(models.Model):
    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer's review of the service")
        EXPERT = "expert", _("Expert's review of the buyer")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="reviews",
                              verbose_name=_("order"))
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written",
                               verbose_name=_("author"))
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received",
                                verbose_name=_("reviewed person"))
    service = models.ForeignKey("services.Service", on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("service"))
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    communication = models.PositiveSmallIntegerField(_("communication"), null=True, blank=True)
    as_described = models.PositiveSmallIntegerField(_("as described"), null=True, blank=True)
    on_time = models.PositiveSmallIntegerField(_("on time"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=MAX_TEXT, blank=True)
    # What the buyer bought, for readers: the package's name and a price band, never the exact price.
    package_title = models.CharField(_("package"), max_length=80, blank=True)
    price_band = models.PositiveSmallIntegerField(_("price band"), default=0)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    helpful_count = models.PositiveIntegerField(_("marked helpful"), default=0)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("hidden by"))
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "side"], name="review_once_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
            models.CheckConstraint(
                condition=Q(side="expert") | Q(communication__gte=1, communication__lte=5, as_described__gte=1,
                                                as_described__lte=5, on_time__gte=1, on_time__lte=5),
                name="review_buyer_sub_ratings_1_5",
            ),
            models.CheckConstraint(condition=~Q(author=models.F("subject")), name="review_not_of_self"),
        ]
        indexes = [
            # The service page and the expert's profile: published, visible buyer reviews, newest or most helpful.
            models.Index(fields=["service", "-published_at", "-id"], name="review_service_recent",
                         condition=Q(side="buyer", published_at__isnull=False, hidden_at__isnull=True)),
            models.Index(fields=["service", "-helpful_count", "-published_at", "-id"], name="review_service_helpful",
                         condition=Q(side="buyer", published_at__isnull=False, hidden_at__isnull=True)),
            models.Index(fields=["subject", "side", "-published_at", "-id"], name="review_subject_recent",
                         condition=Q(published_at__isnull=False, hidden_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.side} {self.rating}★ (order {self.order_id})"

    def get_absolute_url(self) -> str:
        if self.side == self.Side.BUYER:
            return reverse("services:detail", args=[self.service_id, "service"]) + f"#review-{self.pk}"
        return reverse("orders:detail", args=[self.order_id])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_visible(self) -> bool:
        return self.published_at is not None and self.hidden_at is None

    @property
    def counts(self) -> bool:
        """Whether the review is in the aggregates: a published, not hidden buyer review."""
        return self.side == self.Side.BUYER and self.is_visible

    @property
    def price_range_label(self) -> str:
        from azmoodegan.persian import format_number

        low = PRICE_BANDS_TOMAN[self.price_band]
        if self.price_band + 1 < len(PRICE_BANDS_TOMAN):
            high = PRICE_BANDS_TOMAN[self.price_band + 1]
            if low == 0:
                return _("Up to %(high)s Toman") % {"high": format_number(high)}
            return _("%(low)s to %(high)s Toman") % {"low": format_number(low), "high": format_number(high)}
        return _("Over %(low)s Toman") % {"low": format_number(low)}


class ReviewReply(models.Model):
    """The expert's one public answer to a buyer's review; editable for REVIEW_REPLY_EDIT_HOURS."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply", verbose_name=_("review"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("author"))
    text = models.TextField(_("reply"), max_length=MAX_REPLY)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("edited at"), auto_now=True)

    class Meta:
        verbose_name = _("reply to a review")
        verbose_name_plural = _("replies to reviews")

    def __str__(self) -> str:
        return f"reply to {self.review_id}"

    @property
    def editable_until(self):
        import datetime as dt

        return self.created_at + dt.timedelta(hours=settings.REVIEW_REPLY_EDIT_HOURS)


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes",
                               verbose_name=_("review"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful mark")
        verbose_name_plural = _("helpful marks")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="helpful_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.review_id}"


class RatingTotals(models.Model):
    """Exact totals of the published, visible buyer reviews of one service or one expert."""

    count = models.PositiveIntegerField(_("reviews"), default=0)
    total = models.PositiveIntegerField(_("sum of ratings"), default=0)
    star_1 = models.PositiveIntegerField(default=0)
    star_2 = models.PositiveIntegerField(default=0)
    star_3 = models.PositiveIntegerField(default=0)
    star_4 = models.PositiveIntegerField(default=0)
    star_5 = models.PositiveIntegerField(default=0)
    communication_total = models.PositiveIntegerField(default=0)
    as_described_total = models.PositiveIntegerField(default=0)
    on_time_total = models.PositiveIntegerField(default=0)

    FIELDS = ("count", "total", "star_1", "star_2", "star_3", "star_4", "star_5", "communication_total",
              "as_described_total", "on_time_total")

    class Meta:
        abstract = True

    @property
    def average(self) -> float:
        return self.total / self.count if self.count else 0.0

    def _avg(self, total: int) -> float:
        return total / self.count if self.count else 0.0

    @property
    def communication_avg(self) -> float:
        return self._avg(self.communication_total)

    @property
    def as_described_avg(self) -> float:
        return self._avg(self.as_described_total)

    @property
    def on_time_avg(self) -> float:
        return self._avg(self.on_time_total)

    @property
    def distribution(self) -> list[tuple[int, int, int]]:
        """(stars, count, percent) from 5 down to 1."""
        return [
            (s, getattr(self, f"star_{s}"), round(100 * getattr(self, f"star_{s}") / self.count) if self.count else 0)
            for s in (5, 4, 3, 2, 1)
        ]

    def values(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in self.FIELDS}


class ServiceRating(RatingTotals):
    service = models.OneToOneField("services.Service", on_delete=models.CASCADE, primary_key=True,
                                   related_name="rating_totals", verbose_name=_("service"))

    class Meta:
        verbose_name = _("service rating totals")
        verbose_name_plural = _("service rating totals")

    def __str__(self) -> str:
        return f"service {self.service_id}: {self.count}"


class ExpertRating(RatingTotals):
    expert = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="rating_totals", verbose_name=_("expert"))
    level_computed_at = models.DateTimeField(_("level computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert rating totals")
        verbose_name_plural = _("expert rating totals")

    def __str__(self) -> str:
        return f"expert {self.expert_id}: {self.count}"
