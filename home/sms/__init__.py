"""Text messages behind one interface: `get_backend().send(mobile, code)`.

`SMS_BACKEND` names the backend: "console" (default; the message is logged, so in development the
code appears in the `make run` log) or "kavenegar" (Kavenegar's REST API, verify/lookup.json).
Messages are sent from the Celery task `home.tasks.send_verification_sms`, never in a request.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SmsBackend, SmsError, SmsUnavailable

BACKENDS = {
    "console": "home.sms.console.ConsoleBackend",
    "kavenegar": "home.sms.kavenegar.KavenegarBackend",
}

__all__ = ["SmsBackend", "SmsError", "SmsUnavailable", "get_backend"]


def get_backend(name: str | None = None) -> SmsBackend:
    name = name or getattr(settings, "SMS_BACKEND", "console") or "console"
    return import_string(BACKENDS.get(name, name))()
