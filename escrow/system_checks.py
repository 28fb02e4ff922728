"""`manage.py check --deploy`: production never takes fake money (DESIGN.md §3)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def sandbox_gateway_in_production(app_configs=None, **kwargs):
    """The sandbox bank takes no real money; a deployment using it must say so explicitly."""
    if settings.PAYMENT_GATEWAY == "sandbox" and not getattr(settings, "ALLOW_SANDBOX_PAYMENTS", False):
        return [
            Error(
                "PAYMENT_GATEWAY is 'sandbox': the built-in fake bank takes no real money, yet experts would be "
                "paid real money.",
                hint="Set PAYMENT_GATEWAY=zarinpal (and ZARINPAL_MERCHANT_ID), or ALLOW_SANDBOX_PAYMENTS=1 on a "
                "staging site.",
                id="escrow.E001",
            )
        ]
    return []
