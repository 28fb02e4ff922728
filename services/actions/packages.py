"""A service's packages (one to three tiers) and the price/delivery summary cards show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from accounts.models import User

from ..exceptions import PackageError
from ..models import Package, Service
from ..validators import package_check
from ._base import _ensure_editable, _ensure_owner, _lock


@dataclass
class PackageData:
    """One tier as typed by the expert; `price` in Rials, `revisions` None for unlimited."""

    tier: str
    title: str
    description: str
    price: int
    delivery_days: int
    revisions: int | None


def recompute_package_summary(service: Service) -> None:
    """Set `min_price` and `min_delivery_days` from the packages. Caller holds the row lock."""
    summary = Package.objects.filter(service=service).aggregate(p=Min("price"), d=Min("delivery_days"))
    service.min_price = summary["p"]
    service.min_delivery_days = summary["d"]
    service.save(update_fields=["min_price", "min_delivery_days", "updated_at"])


@transaction.atomic
def package_set(*, service_id: int, actor: User, packages: Sequence[PackageData]) -> list[Package]:
    """Replace a service's packages with `packages` (one to three tiers).

    Prices must rise strictly with the tier, so a buyer comparing tiers is never misled.
    """
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    if not packages:
        raise PackageError(_("Please fill in at least the basic package."), field="basic-title", code="no_package")
    by_tier: dict[str, PackageData] = {}
    for data in packages:
        package_check(data)
        if data.tier in by_tier:
            raise PackageError(_("Each tier may appear only once."), field=f"{data.tier}-tier")
        by_tier[data.tier] = data
    ordered = [by_tier[t] for t in Package.Tier.values if t in by_tier]
    for lower, higher in zip(ordered, ordered[1:], strict=False):
        if higher.price <= lower.price:
            raise PackageError(
                _("The %(higher)s package must cost more than the %(lower)s package.")
                % {"higher": Package.Tier(higher.tier).label, "lower": Package.Tier(lower.tier).label},
                field=f"{higher.tier}-price", code="tier_order",
            )
    existing = {p.tier: p for p in Package.objects.filter(service=service)}
    result = []
    for data in ordered:
        fields = {"title": data.title.strip(), "description": data.description.strip(), "price": data.price,
                  "delivery_days": data.delivery_days, "revisions": data.revisions}
        package = existing.pop(data.tier, None)
        if package is None:
            package = Package.objects.create(service=service, tier=data.tier, **fields)
        elif any(getattr(package, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(package, k, v)
            package.save()
        result.append(package)
    if existing:
        Package.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    recompute_package_summary(service)
    return result
