"""Six-digit codes by SMS, kept in Redis only.

A code is bound to one number and one purpose ("verify" for adding a mobile to an account, "login"
for signing in); it expires after two minutes, allows five tries, and a new one can be asked for
after sixty seconds. Sends are limited per number and per IP address (Redis counters with a
window). Only a hash of the code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.persian import to_persian_digits

from .exceptions import HomeError
from .models import Profile

CODE_TTL = 120
MAX_TRIES = 5
RESEND_AFTER = 60
PER_NUMBER_PER_HOUR = 5
PER_IP_PER_HOUR = 20
WINDOW = 3600


def _key(purpose: str, mobile: str) -> str:
    return f"otp:{purpose}:{mobile}"


def _digest(code: str, mobile: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _hit(key: str, limit: int) -> bool:
    """Count one more use of `key` in the window; False when the limit is already reached."""
    cache.add(key, 0, WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW)
        count = 1
    return count <= limit


def send_code(*, mobile: str, purpose: str, user_id: int | None, ip: str) -> None:
    """Make a code for `mobile` and queue the SMS; raise HomeError when asked too soon or too often."""
    from .tasks import send_verification_sms

    state = cache.get(_key(purpose, mobile))
    now = time.time()
    if state and now - state["sent_at"] < RESEND_AFTER:
        wait = int(RESEND_AFTER - (now - state["sent_at"])) + 1
        raise HomeError(
            _("A code was just sent. You can ask for a new one in %(s)s seconds.") % {"s": to_persian_digits(wait)},
            field="mobile", code="resend_too_soon",
        )
    if not _hit(f"otp-rate:ip:{ip}", PER_IP_PER_HOUR) or not _hit(f"otp-rate:num:{mobile}", PER_NUMBER_PER_HOUR):
        raise HomeError(
            _("Too many codes were asked for. Please try again in an hour."), field="mobile", code="rate_limited"
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(_key(purpose, mobile), {
        "digest": _digest(code, mobile), "user_id": user_id, "tries": 0, "sent_at": now, "expires": now + CODE_TTL,
    }, WINDOW)
    transaction.on_commit(lambda: send_verification_sms.delay(mobile, code))


def check_code(*, mobile: str, purpose: str, code: str, user_id: int | None = None) -> dict:
    """Return the code's state when `code` is right; raise HomeError (field "code") otherwise."""
    key = _key(purpose, mobile)
    state = cache.get(key)
    if not state or (user_id is not None and state.get("user_id") != user_id):
        raise HomeError(_("No code was sent to this number. Please ask for a code first."), field="code",
                        code="no_code")
    if time.time() > state["expires"]:
        raise HomeError(_("This code has expired. Please ask for a new code."), field="code", code="expired")
    if state["tries"] >= MAX_TRIES:
        raise HomeError(_("Too many wrong tries. Please ask for a new code."), field="code", code="too_many_tries")
    state["tries"] += 1
    if not hmac.compare_digest(state["digest"], _digest(code.strip(), mobile)):
        cache.set(key, state, WINDOW)
        left = MAX_TRIES - state["tries"]
        if left <= 0:
            raise HomeError(_("Too many wrong tries. Please ask for a new code."), field="code",
                            code="too_many_tries")
        raise HomeError(
            _("The code is not right. %(n)s tries left.") % {"n": to_persian_digits(left)}, field="code",
            code="wrong_code",
        )
    # Used up: a code works once. Keep the resend clock so a new code still waits its turn.
    cache.set(key, {**state, "digest": "", "tries": MAX_TRIES, "expires": 0}, RESEND_AFTER)
    return state


def pending_mobile(session) -> str | None:
    return session.get("home_pending_mobile")


@transaction.atomic
def verify_mobile(*, user, mobile: str, code: str) -> Profile:
    """Check `code` for `mobile` and mark it verified on `user`'s profile."""
    if Profile.objects.filter(mobile=mobile, mobile_verified_at__isnull=False).exclude(user=user).exists():
        raise HomeError(_("This mobile number is already verified on another account."), field="mobile",
                        code="taken")
    check_code(mobile=mobile, purpose="verify", code=code, user_id=user.pk)
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.mobile = mobile
    profile.mobile_verified_at = timezone.now()
    try:
        with transaction.atomic():
            profile.save(update_fields=["mobile", "mobile_verified_at"])
    except IntegrityError as exc:
        raise HomeError(_("This mobile number is already verified on another account."), field="mobile",
                        code="taken") from exc
    from .vacation import refresh_public_pages

    refresh_public_pages()  # the badge shows on the public profile
    return profile


def user_for_verified_mobile(mobile: str):
    profile = (Profile.objects.select_related("user")
               .filter(mobile=mobile, mobile_verified_at__isnull=False, user__is_active=True).first())
    return profile.user if profile else None
