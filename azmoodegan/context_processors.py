from django.conf import settings
from django.utils.translation import gettext_lazy as _


def site(request):
    """Values every page's shell needs."""
    return {"SITE_NAME": _("Azmoodegan"), "DEBUG": settings.DEBUG}
