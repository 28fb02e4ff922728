from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AzmoodeganConfig(AppConfig):
    name = "azmoodegan"
    verbose_name = _("Azmoodegan")

    def ready(self):
        from . import admin_utils, validation_digits

        admin_utils.install()
        validation_digits.install()
