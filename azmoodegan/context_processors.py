from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext

from .csrf import get_token
from .persian import once_per_language


@once_per_language
def site_name() -> str:
    """The site's name in the active language (context processors run as the page is rendered, in the
    page's language), translated once per language rather than at each of the shell's three uses."""
    return gettext("Azmoodegan")


def site(request):
    """Values every page's shell needs.

    While a public page is rendered for the page cache, the CSRF token is a marker that
    `azmoodegan.pagecache` replaces with each visitor's own token. Otherwise it is Django's token
    (in place of Django's csrf context processor's, which it replaces), masked more cheaply
    (azmoodegan/csrf.py).
    """
    context = {"SITE_NAME": site_name(), "DEBUG": settings.DEBUG, "LANGUAGE_SELECTOR": settings.LANGUAGE_SELECTOR}
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is not empty:
        # Already loaded (a view that checked it): templates read the user itself, not through the lazy
        # wrapper of Django's auth context processor (about 1 µs saved on each `user.…` of the page).
        context["user"] = user._wrapped
    if getattr(request, "az_shared", False):  # a page for every signed-in visitor (azmoodegan/shared.py)
        context["az_shared"] = True
    if getattr(request, "az_csrf_marker", False):
        from .pagecache import CSRF_MARKER

        context["csrf_token"] = CSRF_MARKER
    else:
        context["csrf_token"] = SimpleLazyObject(lambda: get_token(request))
    return context
