"""The grouped email of notices still unread a few minutes after they were written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

BATCH = 2000
MAX_LISTED = 20


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if path else base


@shared_task(ignore_result=True)
def send_digests() -> int:
    """One email per user for every emailable notice unread after NOTIFICATION_DIGEST_DELAY_MINUTES.

    Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED, so two workers never email the same notice,
    and marked `emailed_at` in the same transaction. Returns the number of emails queued.
    """
    from accounts.tasks import send_email

    from .kinds import KINDS, Email
    from .models import EmailPreference, Notification

    kinds = [k.name for k in KINDS.values() if k.email == Email.DIGEST]
    if not kinds:
        return 0
    now = timezone.now()
    due = now - dt.timedelta(minutes=settings.NOTIFICATION_DIGEST_DELAY_MINUTES)
    sent = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(read_at__isnull=True, emailed_at__isnull=True, created_at__lte=due, kind__in=kinds)
            .select_related("recipient", "actor")
            .order_by("recipient_id", "created_at", "id")[:BATCH]
        )
        if not rows:
            return 0
        by_user: dict[int, list] = defaultdict(list)
        for row in rows:
            by_user[row.recipient_id].append(row)
        prefs = {p.user_id: p for p in EmailPreference.objects.filter(user_id__in=by_user)}
        for user_id, notices in by_user.items():
            user = notices[0].recipient
            pref = prefs.get(user_id)
            wanted = [n for n in notices if pref is None or pref.wants(n.kind)]
            if not wanted or not user.email or not user.is_active:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                context = {"user": user, "notices": wanted[:MAX_LISTED], "more": max(0, len(wanted) - MAX_LISTED),
                           "count": len(wanted), "site": _site_url("/"),
                           "list_url": _site_url("/notifications/"),
                           "settings_url": _site_url("/notifications/settings/")}
                for n in wanted:
                    n.link = _site_url(n.url)
                subject = render_to_string("notifications/email/digest_subject.txt", context).strip()
                body = render_to_string("notifications/email/digest.txt", context)
            transaction.on_commit(lambda s=subject, b=body, to=user.email: send_email.delay(
                subject=s, body=b, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]))
            sent += 1
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=now)
    return sent
