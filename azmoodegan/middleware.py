"""Site-wide request/response rules: Persian first, and the security headers django-csp leaves out."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Persian for everyone, whatever the browser's Accept-Language says.

    Another language is used only when the visitor picked it in the footer's selector (the
    `django_language` cookie set by `set_language`). Language prefixes in URLs are not used.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The page depends on the language cookie, not on Accept-Language.
        from django.utils.cache import patch_vary_headers

        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on private pages.

    Orders, the wallet, the inbox, dashboards and account pages carry personal data and money
    figures: no browser or proxy may keep a copy (the Back button after signing out must not show them).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.no_store_prefixes = tuple(settings.NO_STORE_PATH_PREFIXES)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(self.no_store_prefixes):
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
