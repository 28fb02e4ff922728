"""The service catalogue: categories, services (listings), their packages, gallery, FAQ and
the questions a buyer answers when ordering.

Prices are whole Rials in BigIntegerFields (the UI speaks Toman). The fields `min_price`,
`min_delivery_days`, `rating_avg`, `rating_count` and `completed_orders` on Service are
denormalised for search and cards and are kept exact by the actions that change their sources.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Rules of the issue, in Rials (Toman × 10).
MIN_PRICE_TOMAN = 50_000
MAX_PRICE_TOMAN = 500_000_000
MIN_PRICE_RIALS = MIN_PRICE_TOMAN * 10
MAX_PRICE_RIALS = MAX_PRICE_TOMAN * 10
MIN_DELIVERY_DAYS = 1
MAX_DELIVERY_DAYS = 90
MAX_REVISIONS = 10
MAX_IMAGES = 6
MAX_TAGS = 8
MAX_TAG_LENGTH = 30
MAX_FAQS = 15
MAX_REQUIREMENT_QUESTIONS = 10
MAX_CHOICES = 10


def persian_slug(text: str, *, max_length: int = 120) -> str:
    """A URL slug that keeps Persian letters (`طراحی لوگو` → `طراحی-لوگو`); never empty."""
    slug = slugify(text or "", allow_unicode=True)[:max_length].strip("-")
    return slug or "service"


class Category(models.Model):
    """A node of the two-level category tree: a top category (parent is null) or a sub-category."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    icon = models.CharField(_("icon name"), max_length=40, blank=True, help_text=_("A Bootstrap Icons name, e.g. bi-briefcase."))
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["parent", "position"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:category", args=[self.slug])


class Service(models.Model):
    """An expert's listing: what they offer, in one to three packages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        PAUSED = "paused", _("Paused")
        DELETED = "deleted", _("Deleted")

    # Allowed moves of the status machine; actions go through Service.can_move_to.
    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING_REVIEW, Status.DELETED},
        Status.PENDING_REVIEW: {Status.PUBLISHED, Status.REJECTED, Status.DRAFT, Status.DELETED},
        Status.PUBLISHED: {Status.PAUSED, Status.DELETED},
        Status.REJECTED: {Status.PENDING_REVIEW, Status.DRAFT, Status.DELETED},
        Status.PAUSED: {Status.PUBLISHED, Status.DELETED},
        Status.DELETED: set(),
    }

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="services", verbose_name=_("expert")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, allow_unicode=True)
    description = models.TextField(_("description"), max_length=6000)
    tags = ArrayField(
        models.CharField(max_length=MAX_TAG_LENGTH), verbose_name=_("search tags"), default=list, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # An edit of a published (or paused) service is a separate, never-listed row pointing at it;
    # staff approve the revision and its content is applied to this row, which stays live meanwhile.
    revision_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions",
        verbose_name=_("edit of"),
    )

    # Denormalised, kept exact by actions (packages here; reviews and orders by their apps).
    min_price = models.BigIntegerField(_("starting price (Rials)"), null=True, blank=True)
    min_delivery_days = models.PositiveSmallIntegerField(_("fastest delivery (days)"), null=True, blank=True)
    rating_avg = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    completed_orders = models.PositiveIntegerField(_("completed orders"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "category", "-published_at"], name="service_status_cat_pub"),
            models.Index(fields=["owner", "status"], name="service_owner_status"),
            models.Index(fields=["status", "-published_at"], name="service_status_pub"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating_avg__gte=0) & Q(rating_avg__lte=5), name="service_rating_range"),
            models.UniqueConstraint(
                fields=["revision_of"], condition=Q(revision_of__isnull=False), name="service_one_open_revision"
            ),
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(status="published"), name="service_revision_never_listed"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.pk, self.slug or "service"])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def visible_to(self, user) -> bool:
        """Published services are public; every other status only for the owner and staff."""
        if self.status == self.Status.PUBLISHED:
            return True
        return bool(user and user.is_authenticated and (user.is_staff or user.pk == self.owner_id))


class ServiceEvent(models.Model):
    """One change of a service's status, with who made it and why: the history staff read."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="events", verbose_name=_("service"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Service.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Service.Status.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service event")
        verbose_name_plural = _("service events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.from_status} → {self.to_status}"


class Package(models.Model):
    """One tier of a service: what it includes, its price, delivery time and revisions."""

    class Tier(models.TextChoices):
        BASIC = "basic", _("Basic")
        STANDARD = "standard", _("Standard")
        PREMIUM = "premium", _("Premium")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="packages", verbose_name=_("service"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    title = models.CharField(_("package title"), max_length=80)
    description = models.TextField(_("what is included"), max_length=1500)
    price = models.BigIntegerField(_("price (Rials)"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(
        _("revisions"), null=True, blank=True, help_text=_("Empty means unlimited revisions.")
    )

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["service", "price"]
        constraints = [
            models.UniqueConstraint(fields=["service", "tier"], name="package_unique_tier"),
            models.CheckConstraint(
                condition=Q(price__gte=MIN_PRICE_RIALS) & Q(price__lte=MAX_PRICE_RIALS), name="package_price_range"
            ),
            models.CheckConstraint(
                condition=Q(delivery_days__gte=MIN_DELIVERY_DAYS) & Q(delivery_days__lte=MAX_DELIVERY_DAYS),
                name="package_delivery_range",
            ),
            models.CheckConstraint(
                condition=Q(revisions__isnull=True) | Q(revisions__lte=MAX_REVISIONS), name="package_revisions_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} · {self.get_tier_display()}"


class GalleryImage(models.Model):
    """A picture of the service. `thumbnail` and `card` are made by a Celery task after upload."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="images", verbose_name=_("service"))
    image = models.ImageField(_("image"), upload_to="services/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="services/thumbs/%Y/%m/", blank=True)
    card = models.ImageField(_("card image"), upload_to="services/cards/%Y/%m/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_cover = models.BooleanField(_("cover"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")
        ordering = ["-is_cover", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service"], condition=Q(is_cover=True), name="gallery_one_cover"),
        ]

    def __str__(self) -> str:
        return self.image.name

    @property
    def card_url(self) -> str:
        """The card-sized image, or the original (scaled by the browser) until the task made it."""
        return (self.card or self.image).url

    @property
    def thumbnail_url(self) -> str:
        return (self.thumbnail or self.image).url


class FAQ(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("service"))
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question


class RequirementQuestion(models.Model):
    """A question the buyer answers when ordering, so the expert never has to guess."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text answer")
        CHOICE = "choice", _("Multiple choice")
        FILE = "file", _("File upload")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="requirement_questions", verbose_name=_("service")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    text = models.CharField(_("question"), max_length=300)
    choices = ArrayField(models.CharField(max_length=100), verbose_name=_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("requirement question")
        verbose_name_plural = _("requirement questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text
