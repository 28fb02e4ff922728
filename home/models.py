"""The expert's home and the buyer's trust: verified mobile and identity, photo, portfolio,
vacation, saved services, featured services and daily service figures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.storage import private_storage


def id_card_path(instance: Profile, filename: str) -> str:
    return f"id-cards/{instance.user_id}/{timezone.now():%Y%m%d%H%M%S}.{filename.rsplit('.', 1)[-1]}"


class Profile(models.Model):
    """What every user may add to their account, besides the expert profile."""

    class Identity(models.TextChoices):
        NONE = "none", _("Not submitted")
        PENDING = "pending", _("Waiting for staff check")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="home_profile",
        verbose_name=_("user"),
    )
    mobile = models.CharField(_("verified mobile number"), max_length=11, blank=True)
    mobile_verified_at = models.DateTimeField(_("mobile verified at"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/%Y/%m/", blank=True)
    photo_thumb = models.ImageField(_("photo thumbnail"), upload_to="photos/thumbs/%Y/%m/", blank=True)
    education = models.TextField(_("education and certificates"), max_length=1500, blank=True)
    # Identity: staff compare the national code with the ID card image (private storage) in the admin.
    national_code = models.CharField(_("national code"), max_length=10, blank=True)
    id_card = models.FileField(_("ID card image"), upload_to=id_card_path, storage=private_storage, blank=True)
    identity = models.CharField(_("identity"), max_length=10, choices=Identity.choices, default=Identity.NONE)
    identity_checked_at = models.DateTimeField(_("identity checked at"), null=True, blank=True)
    identity_note = models.CharField(_("note to the user"), max_length=300, blank=True)
    # Vacation («در مرخصی»): services stay visible but cannot be ordered between the two dates.
    vacation_start = models.DateField(_("vacation from"), null=True, blank=True)
    vacation_end = models.DateField(_("vacation until"), null=True, blank=True)
    vacation_message = models.CharField(_("vacation message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trust profile")
        verbose_name_plural = _("trust profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"], condition=Q(mobile_verified_at__isnull=False), name="home_verified_mobile_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def mobile_verified(self) -> bool:
        return bool(self.mobile and self.mobile_verified_at)

    @property
    def identity_verified(self) -> bool:
        return self.identity == self.Identity.VERIFIED

    def on_vacation(self, today: dt.date | None = None) -> bool:
        if not (self.vacation_start and self.vacation_end):
            return False
        today = today or timezone.localdate()
        return self.vacation_start <= today <= self.vacation_end


class PortfolioItem(models.Model):
    MAX_ITEMS = 12

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_items", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=1500, blank=True)
    image = models.ImageField(_("image"), upload_to="portfolio/%Y/%m/")
    service = models.ForeignKey(
        "services.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="portfolio_items",
        verbose_name=_("related service"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SavedService(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_services", verbose_name=_("user")
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="saves", verbose_name=_("service")
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved service")
        verbose_name_plural = _("saved services")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="home_saved_once")]
        indexes = [models.Index(fields=["service"], name="home_saved_service")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.service_id}"


class FeaturedService(models.Model):
    """Staff's pick for the home page."""

    service = models.OneToOneField(
        "services.Service", on_delete=models.CASCADE, related_name="featured", verbose_name=_("service")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("featured service")
        verbose_name_plural = _("featured services")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.service)


class ServiceDay(models.Model):
    """A service's page views and order clicks on one day, flushed from Redis counters."""

    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="days", verbose_name=_("service")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("expert")
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)
    order_clicks = models.PositiveIntegerField(_("clicks to order"), default=0)

    class Meta:
        verbose_name = _("service day")
        verbose_name_plural = _("service days")
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="home_service_day_once")]
        indexes = [models.Index(fields=["owner", "day"], name="home_service_day_owner")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.day}"

