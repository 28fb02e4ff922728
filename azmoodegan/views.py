"""Site-wide pages: the home page and the health check."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def home(request):
    """The home page: search first, categories, services, experts and trust figures (home/selectors.py)."""
    from home.selectors import home_page

    return render(request, "home.html", home_page())


@never_cache
def healthz(request):
    """PostgreSQL and Redis status as JSON; 503 when either is down (for load balancers)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["postgres"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        checks["postgres"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["redis"] = "ok" if cache.get("healthz") == "1" else "error: readback"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def coming_soon(request, **kwargs):
    """A friendly page for a part of the site that is being built."""
    return render(request, "coming_soon.html", status=200)
