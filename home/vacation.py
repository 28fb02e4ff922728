"""Vacation mode («در مرخصی»): an expert's services stay visible but cannot be ordered.

`is_on_vacation(user_id)` and `vacation_ranges(user_ids)` are the helpers other apps use: the
order button and checkout ask the first; a response-time computation can ask the second for the
periods to leave out (a message received while the expert is away does not count against them).
Vacation ends by itself: it is a pair of dates, compared with today on every read.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import HomeError
from .models import Profile

MAX_DAYS = 90


def is_on_vacation(user_id: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return Profile.objects.filter(user_id=user_id, vacation_start__lte=today, vacation_end__gte=today).exists()


def vacation_of(user_id: int) -> Profile | None:
    """The profile if the expert is on vacation today (with its message), else None."""
    today = timezone.localdate()
    return Profile.objects.filter(user_id=user_id, vacation_start__lte=today, vacation_end__gte=today).first()


def vacation_closed_message() -> str:
    return _("This expert is on vacation; ordering is closed until they are back.")


def vacation_ranges(user_ids) -> dict[int, tuple[dt.date, dt.date]]:
    """{user id: (first day, last day)} of each expert's set vacation (for response-time figures)."""
    rows = Profile.objects.filter(user_id__in=list(user_ids), vacation_start__isnull=False,
                                  vacation_end__isnull=False).values_list("user_id", "vacation_start", "vacation_end")
    return {uid: (start, end) for uid, start, end in rows}


def was_on_vacation(user_id: int, moment: dt.datetime) -> bool:
    """Whether a message received at `moment` fell in the expert's vacation."""
    ranges = vacation_ranges([user_id])
    if user_id not in ranges:
        return False
    start, end = ranges[user_id]
    return start <= timezone.localtime(moment).date() <= end


def refresh_public_pages():
    """Cached public pages show the order button: start a new page-cache generation."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE azmoodegan_catalogue_version SET version = version + 1 WHERE id = 1")


@transaction.atomic
def vacation_set(*, user, start: dt.date, end: dt.date, message: str) -> Profile:
    today = timezone.localdate()
    if end < start:
        raise HomeError(_("The last day must be on or after the first day."), field="vacation_end", code="upside_down")
    if end < today:
        raise HomeError(_("The last day has already passed; choose a day from today on."), field="vacation_end",
                        code="past")
    if start < today:
        raise HomeError(_("The first day has already passed; choose a day from today on."), field="vacation_start",
                        code="past")
    if (end - start).days >= MAX_DAYS:
        raise HomeError(_("A vacation can last at most 90 days."), field="vacation_end", code="too_long")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.vacation_start, profile.vacation_end, profile.vacation_message = start, end, message.strip()
    profile.save(update_fields=["vacation_start", "vacation_end", "vacation_message"])
    refresh_public_pages()
    return profile


@transaction.atomic
def vacation_end(*, user) -> None:
    Profile.objects.filter(user=user).update(vacation_start=None, vacation_end=None, vacation_message="")
    refresh_public_pages()
