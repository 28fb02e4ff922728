"""Payment gateways behind one interface, chosen by `settings.PAYMENT_GATEWAY`."""

from django.conf import settings

from .base import Gateway, StartResult, VerifyResult

__all__ = ["Gateway", "StartResult", "VerifyResult", "get_gateway", "GATEWAYS"]


def _sandbox() -> Gateway:
    from .sandbox import SandboxGateway

    return SandboxGateway()


def _zarinpal() -> Gateway:
    from .zarinpal import ZarinpalGateway

    return ZarinpalGateway()


GATEWAYS = {"sandbox": _sandbox, "zarinpal": _zarinpal}


def get_gateway(name: str | None = None) -> Gateway:
    """The gateway called `name`, or the configured one (`settings.PAYMENT_GATEWAY`)."""
    name = name or settings.PAYMENT_GATEWAY
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise ValueError(f"unknown payment gateway {name!r}; known: {sorted(GATEWAYS)}") from None
