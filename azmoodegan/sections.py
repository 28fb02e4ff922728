"""`section("app.urls")`: `path("", include("app.urls"))` that is passed over at once by a path none of
its patterns could match.

Most apps' URLs are included at the root with an empty prefix, so Django tries every pattern of every
app before the one that matches: about a hundred regular expressions (and as many entries of the
`tried` list) for /dashboard/ or /messages/…, near 0.2 ms of CPU on each request. Every pattern made
with `path()` matches only paths that begin with its route's text before the first `<converter>`, so
a section knows the beginnings its patterns need; a path with none of them cannot match there, and
the section says so without trying them. The pattern that matches, and so the view and its arguments,
is the same as before; only `ResolverMatch.tried` (and the 404 page of DEBUG, which shows it) would
list the section instead of each of its patterns, so with DEBUG on every pattern is tried as before.
A section with a pattern of unknown beginning (`re_path`, a translated route) is always tried.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, include
from django.urls.resolvers import RoutePattern
from django.utils.functional import cached_property


def _literal_start(pattern) -> str | None:
    """The text every path matched by `pattern` begins with; None when unknown."""
    if not isinstance(pattern, RoutePattern) or not isinstance(pattern._route, str):
        return None
    return pattern._route.partition("<")[0]


def _starts(patterns) -> tuple[str, ...] | None:
    starts: list[str] = []
    for entry in patterns:
        start = _literal_start(entry.pattern)
        if start is None:
            return None
        if start or isinstance(entry, URLPattern):
            starts.append(start)
            continue
        inner = _starts(entry.url_patterns)  # an include with an empty prefix: its own patterns' starts
        if inner is None:
            return None
        starts.extend(inner)
    return tuple(starts)


class Section(URLResolver):
    @cached_property
    def starts(self) -> tuple[str, ...] | None:
        """The beginnings of this section's patterns (a path matches none of them unless it begins with one)."""
        return _starts(self.url_patterns)

    def resolve(self, path):
        starts = self.starts
        if starts is not None and not settings.DEBUG and not str(path).startswith(starts):
            raise Resolver404({"path": path})
        return super().resolve(path)


def section(urlconf: str) -> Section:
    urlconf_module, app_name, namespace = include(urlconf)
    return Section(RoutePattern("", is_endpoint=False), urlconf_module, None, app_name=app_name, namespace=namespace)
