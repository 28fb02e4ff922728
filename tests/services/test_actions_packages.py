import pytest

from services import actions
from services.actions import PackageData
from services.exceptions import PackageError, ServicePermissionError, ServiceStateError
from services.models import Package, Service

from .factories import ServiceFactory, expert_user

pytestmark = pytest.mark.django_db


def pkg(tier="basic", price=1_200_000, days=3, revisions=1, title="بسته", description="شامل بررسی"):
    return PackageData(tier=tier, title=title, description=description, price=price, delivery_days=days,
                       revisions=revisions)


def test_package_set_creates_and_recomputes_minimums():
    service = ServiceFactory()
    actions.package_set(service_id=service.pk, actor=service.owner, packages=[
        pkg("basic", 1_200_000, 5), pkg("standard", 2_000_000, 3), pkg("premium", 5_000_000, 7, None),
    ])
    service.refresh_from_db()
    assert service.min_price == 1_200_000
    assert service.min_delivery_days == 3
    assert Package.objects.get(service=service, tier="premium").revisions is None


def test_package_set_replaces_and_removes_tiers():
    service = ServiceFactory()
    actions.package_set(service_id=service.pk, actor=service.owner,
                        packages=[pkg("basic", 1_200_000), pkg("standard", 2_000_000, 2)])
    actions.package_set(service_id=service.pk, actor=service.owner, packages=[pkg("basic", 900_000, 4)])
    service.refresh_from_db()
    assert list(service.packages.values_list("tier", flat=True)) == ["basic"]
    assert (service.min_price, service.min_delivery_days) == (900_000, 4)


@pytest.mark.parametrize(
    ("price", "code"),
    [(-500_000, "price_range"), (0, "price_range"), (499_990, "price_range"), (5_000_000_010, "price_range"),
     (10**16, "price_range")],
)
def test_bad_prices_are_refused_in_persian(price, code):
    service = ServiceFactory()
    with pytest.raises(PackageError) as exc:
        actions.package_set(service_id=service.pk, actor=service.owner, packages=[pkg(price=price)])
    assert exc.value.code == code
    assert exc.value.field == "basic-price"
    assert "تومان" in str(exc.value.message)
    assert "۵۰٬۰۰۰" in str(exc.value.message)


def test_price_bounds_are_inclusive():
    service = ServiceFactory()
    actions.package_set(service_id=service.pk, actor=service.owner,
                        packages=[pkg("basic", 500_000), pkg("standard", 5_000_000_000)])
    assert service.packages.count() == 2


@pytest.mark.parametrize("days", [0, -1, 91])
def test_delivery_days_out_of_range(days):
    service = ServiceFactory()
    with pytest.raises(PackageError) as exc:
        actions.package_set(service_id=service.pk, actor=service.owner, packages=[pkg(days=days)])
    assert exc.value.field == "basic-delivery_days"
    assert "روز" in str(exc.value.message)


@pytest.mark.parametrize("revisions", [-1, 11])
def test_revisions_out_of_range(revisions):
    service = ServiceFactory()
    with pytest.raises(PackageError) as exc:
        actions.package_set(service_id=service.pk, actor=service.owner, packages=[pkg(revisions=revisions)])
    assert exc.value.field == "basic-revisions"


@pytest.mark.parametrize(
    "prices", [(2_000_000, 2_000_000, None), (2_000_000, 1_500_000, None), (1_000_000, 2_000_000, 1_500_000)]
)
def test_tier_prices_must_strictly_increase(prices):
    service = ServiceFactory()
    tiers = [pkg(t, p) for t, p in zip(Package.Tier.values, prices, strict=True) if p is not None]
    with pytest.raises(PackageError) as exc:
        actions.package_set(service_id=service.pk, actor=service.owner, packages=tiers)
    assert exc.value.code == "tier_order"
    assert "بیشتر" in str(exc.value.message)
    assert not service.packages.exists()


def test_basic_and_premium_without_standard_is_fine():
    service = ServiceFactory()
    actions.package_set(service_id=service.pk, actor=service.owner,
                        packages=[pkg("basic", 1_000_000), pkg("premium", 3_000_000)])
    assert service.packages.count() == 2


def test_no_packages_is_refused():
    service = ServiceFactory()
    with pytest.raises(PackageError):
        actions.package_set(service_id=service.pk, actor=service.owner, packages=[])


def test_only_owner_sets_packages():
    service = ServiceFactory()
    with pytest.raises(ServicePermissionError):
        actions.package_set(service_id=service.pk, actor=expert_user(), packages=[pkg()])


def test_packages_of_a_live_service_change_only_through_a_revision():
    service = ServiceFactory(status=Service.Status.PUBLISHED)
    with pytest.raises(ServiceStateError) as exc:
        actions.package_set(service_id=service.pk, actor=service.owner, packages=[pkg()])
    assert exc.value.code == "live"
    revision = actions.service_revision_start(service_id=service.pk, actor=service.owner)
    actions.package_set(service_id=revision.pk, actor=service.owner, packages=[pkg()])
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert not service.packages.exists()
