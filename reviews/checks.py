"""Recompute every rating total from the review rows and list what differs (`manage.py check_ratings`)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from services.models import Service

from .actions import service_average
from .models import ExpertRating, RatingTotals, Review, ServiceRating


def _expected(key: str) -> dict[int, dict[str, int]]:
    counts = {f"star_{s}": Count("pk", filter=Q(rating=s)) for s in (1, 2, 3, 4, 5)}
    rows = (
        Review.objects.filter(side=Review.Side.BUYER, published_at__isnull=False, hidden_at__isnull=True)
        .values(key).order_by()
        .annotate(count=Count("pk"), total=Sum("rating"), communication_total=Sum("communication"),
                  as_described_total=Sum("as_described"), on_time_total=Sum("on_time"), **counts)
    )
    return {row.pop(key): {f: row[f] or 0 for f in RatingTotals.FIELDS} for row in rows}


def _compare(label: str, stored: dict[int, dict], expected: dict[int, dict]) -> list[str]:
    problems = []
    zero = dict.fromkeys(RatingTotals.FIELDS, 0)
    for pk in sorted(set(stored) | set(expected)):
        have, want = stored.get(pk, zero), expected.get(pk, zero)
        for field in RatingTotals.FIELDS:
            if have[field] != want[field]:
                problems.append(f"{label} {pk}: {field} is {have[field]}, the reviews give {want[field]}")
    return problems


def check_ratings() -> list[str]:
    problems = []
    services = {r.service_id: r.values() for r in ServiceRating.objects.all()}
    want_services = _expected("service_id")
    problems += _compare("service", services, want_services)
    experts = {r.expert_id: r.values() for r in ExpertRating.objects.all()}
    problems += _compare("expert", experts, _expected("subject_id"))
    # The catalogue's denormalised copy (cards, search, sorting).
    zero = {"count": 0, "total": 0}
    for pk, count, avg in Service.objects.filter(Q(rating_count__gt=0) | Q(pk__in=list(want_services))).values_list(
            "pk", "rating_count", "rating_avg").iterator():
        want = want_services.get(pk, zero)
        if count != want["count"]:
            problems.append(f"service {pk}: rating_count is {count}, the reviews give {want['count']}")
        if avg != service_average(want["count"], want["total"]):
            problems.append(f"service {pk}: rating_avg is {avg}, the reviews give "
                            f"{service_average(want['count'], want['total'])}")
    return problems


def recompute_all() -> None:
    """Rebuild every total from the rows (after bulk loads); the same figures the actions keep."""
    from django.db import transaction

    with transaction.atomic():
        for model, key, field in ((ServiceRating, "service_id", "service_id"), (ExpertRating, "subject_id",
                                                                               "expert_id")):
            expected = _expected(key)
            model.objects.exclude(**{f"{field}__in": list(expected)}).update(**dict.fromkeys(RatingTotals.FIELDS, 0))
            model.objects.bulk_create([model(**{field: pk}) for pk in expected], ignore_conflicts=True)
            for pk, values in expected.items():
                model.objects.filter(**{field: pk}).update(**values)
        services = _expected("service_id")
        Service.objects.exclude(pk__in=list(services)).filter(rating_count__gt=0).update(rating_count=0, rating_avg=0)
        for pk, values in services.items():
            Service.objects.filter(pk=pk).update(rating_count=values["count"],
                                                 rating_avg=service_average(values["count"], values["total"]))
