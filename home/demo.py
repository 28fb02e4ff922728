"""Demo data for the home page and the expert's home: staff picks, a verified mobile, a saved service."""

from __future__ import annotations

from django.utils import timezone

from accounts.demo import DEMO_USERS
from accounts.models import User
from services.models import Service

from .models import FeaturedService, Profile, SavedService


def seed(stdout=None, **options) -> None:
    published = Service.objects.filter(status=Service.Status.PUBLISHED, revision_of__isnull=True)
    picks = list(published.order_by("-rating_count", "-completed_orders", "pk").values_list("pk", flat=True)[:4])
    for position, pk in enumerate(picks, start=1):
        FeaturedService.objects.get_or_create(service_id=pk, defaults={"position": position})
    expert = User.objects.filter(email=DEMO_USERS["expert"]).first()
    if expert is not None and not Profile.objects.filter(mobile="09121234567").exclude(user=expert).exists():
        Profile.objects.update_or_create(user=expert, defaults={
            "mobile": "09121234567", "mobile_verified_at": timezone.now(),
            "education": "کارشناسی ارشد حقوق خصوصی، دانشگاه تهران"})
    buyer = User.objects.filter(email=DEMO_USERS["buyer"]).first()
    if buyer is not None:
        for pk in picks[:2]:
            if not Service.objects.filter(pk=pk, owner=buyer).exists():
                SavedService.objects.get_or_create(user=buyer, service_id=pk)
    if stdout is not None:
        stdout.write(f"home: {len(picks)} featured services, a verified mobile for the demo expert")
