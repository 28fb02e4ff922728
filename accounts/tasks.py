"""Background work for accounts: sending email and housekeeping."""

from celery import shared_task
from django.core import mail
from django.core.management import call_command


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_email(self, *, subject: str, body: str, from_email: str, to: list[str], html: str | None = None) -> None:
    """Send one rendered email. Rendering happens in the request; only text crosses the broker."""
    message = mail.EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
