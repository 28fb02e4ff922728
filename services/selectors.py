"""Reads the catalogue pages share: querysets with their joins and prefetches done once."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from .models import FAQ, Category, GalleryImage, Package, Service

CARD_RELATED = ("owner", "owner__expert_profile", "owner__search_stats", "category")


def with_card_data(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a service card shows, in two queries whatever the number of services."""
    covers = GalleryImage.objects.filter(is_cover=True).only("pk", "service_id", "image", "card", "is_cover")
    return qs.select_related(*CARD_RELATED).prefetch_related(Prefetch("images", queryset=covers, to_attr="covers"))


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(status=Service.Status.PUBLISHED)


def featured_services(limit: int = 8) -> list[Service]:
    """The newest published services for the home page (index `service_status_pub`)."""
    return list(with_card_data(published_services().order_by("-published_at", "-pk"))[:limit])


def category_tree() -> list[Category]:
    """Top categories with their sub-categories, in two queries."""
    children = Prefetch("children", queryset=Category.objects.order_by("position", "name"))
    return list(Category.objects.filter(parent__isnull=True).prefetch_related(children).order_by("position", "name"))


def service_for_page(pk: int) -> Service | None:
    """A service with everything its page shows (any status; the view checks visibility)."""
    return (
        Service.objects.select_related("owner", "owner__expert_profile", "category", "category__parent")
        .prefetch_related(
            Prefetch("packages", queryset=Package.objects.order_by("price")),
            Prefetch("images", queryset=GalleryImage.objects.order_by("-is_cover", "position", "pk")),
            Prefetch("faqs", queryset=FAQ.objects.order_by("position", "pk")),
            "requirement_questions",
        )
        .filter(pk=pk)
        .first()
    )


def other_services_by(service: Service, limit: int = 4) -> list[Service]:
    qs = published_services().filter(owner_id=service.owner_id).exclude(pk=service.pk).order_by("-published_at")
    return list(with_card_data(qs)[:limit])


def expert_published_services(user_id: int, limit: int = 24) -> list[Service]:
    qs = published_services().filter(owner_id=user_id).order_by("-published_at")
    return list(with_card_data(qs)[:limit])


def dashboard_services(user_id: int, status: str | None = None) -> QuerySet[Service]:
    """An expert's services (not deleted, not revisions), newest change first, each with its open edit."""
    qs = Service.objects.filter(owner_id=user_id, revision_of__isnull=True).exclude(status=Service.Status.DELETED)
    if status:
        qs = qs.filter(status=status)
    return (
        with_card_data(qs)
        .select_related("category__parent")
        .prefetch_related(Prefetch("revisions", queryset=Service.objects.only(
            "pk", "status", "rejection_reason", "revision_of_id", "updated_at"), to_attr="open_revisions"))
        .order_by("-updated_at", "-pk")
    )


def dashboard_counts(user_id: int) -> dict[str, int]:
    rows = (Service.objects.filter(owner_id=user_id, revision_of__isnull=True).values("status")
            .annotate(n=Count("pk")).order_by())
    return {row["status"]: row["n"] for row in rows}
