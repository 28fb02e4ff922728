"""Persian error pages in the site's shell, each with a search box and a way home.

The pages extend `errors/shell.html`, which reads nothing from the database (no user menu,
no session), so they render even when PostgreSQL is down; the 500 page is rendered with no
request context at all.
"""

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def _page(request, status):
    return render(request, f"errors/{status}.html", status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404)


def too_many_requests(request, exception=None):
    """Also allauth's rate limit (it calls `ROOT_URLCONF.handler429`)."""
    response = _page(request, 429)
    response["Retry-After"] = "60"
    return response


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    try:
        template = loader.get_template("errors/500.html")
    except Exception:  # noqa: BLE001 - the last resort must not fail
        return HttpResponseServerError("<h1>خطای سرور (۵۰۰)</h1>", content_type="text/html; charset=utf-8")
    return HttpResponse(template.render({}), status=500)
