"""Site-wide request/response rules: Persian first, and the security headers django-csp leaves out."""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
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


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the site's policy built once instead of on every response.

    django-csp builds the header from the settings twice a response (the policy and the report-only
    one): about 40 µs each time for the same text. The built texts are kept for the settings objects
    they came from (`override_settings` gives new ones). A response or request that asks for anything
    of its own (`@csp_update`, `@csp_replace`, `@csp` and their report-only forms, a nonce) goes
    through django-csp unchanged, and so does everything with DEBUG on.
    """

    _OWN = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
    _built: tuple = ()

    def _policies(self) -> tuple[str, str]:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        config_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if not built or built[0] is not config or built[1] is not config_ro:
            built = (config, config_ro, build_policy(), build_policy(report_only=True))
            self._built = built
        return built[2], built[3]

    def process_response(self, request, response):
        if (settings.DEBUG or getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) is not None for name in self._OWN)):
            return super().process_response(request, response)
        csp, csp_ro = self._policies()
        # What django-csp does with the two texts (csp.middleware.CSPMiddleware.process_response).
        for text, header, setting, exempt in ((csp, HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
                                              (csp_ro, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY",
                                               "_csp_exempt_ro")):
            if not text or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = text
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
