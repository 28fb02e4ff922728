from django.conf import settings
from django.utils.translation import gettext_lazy as _


def site(request):
    """Values every page's shell needs.

    While a public page is rendered for the page cache, the CSRF token is a marker that
    `azmoodegan.pagecache` replaces with each visitor's own token.
    """
    context = {"SITE_NAME": _("Azmoodegan"), "DEBUG": settings.DEBUG, "LANGUAGE_SELECTOR": settings.LANGUAGE_SELECTOR}
    if getattr(request, "az_shared", False):  # a page for every signed-in visitor (azmoodegan/shared.py)
        context["az_shared"] = True
    if getattr(request, "az_csrf_marker", False):
        from .pagecache import CSRF_MARKER

        context["csrf_token"] = CSRF_MARKER
    return context
