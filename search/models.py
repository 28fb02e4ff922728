"""What search needs beyond the catalogue's own tables.

The full-text columns themselves (`search_title`, `search_tags`, `search_body`, `search_expert`
and the generated `search_vector`) live on `services_service`; this app's migration 0002 adds
them with SQL, so the services app never has to know about them (see `search/indexing.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertStats(models.Model):
    """Measured behaviour of an expert, shown on the compare page and used by the "answers within
    a day" filter.

    Today only the demo seed (`search/demo.py`) writes rows; messaging (median first-response
    time) and orders (share delivered on time) are to fill it once they measure it. An expert
    without a row reads as "not measured yet".
    """

    expert = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="search_stats",
        verbose_name=_("expert"),
    )
    response_seconds = models.PositiveIntegerField(_("median response time (seconds)"), null=True, blank=True)
    on_time_rate = models.DecimalField(
        _("on-time delivery (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert statistics")
        verbose_name_plural = _("expert statistics")
        indexes = [models.Index(fields=["response_seconds"], name="search_stats_response")]

    def __str__(self) -> str:
        return str(self.expert_id)
