"""A signed-in buyer for `make bench`: a real user, signed in through the login form over HTTP.

`ensure_buyer()` creates the user (verified email) in the bench database; `session_cookie(port)`
signs in on the running gunicorn exactly as a browser does (GET the form, POST email and password
with the CSRF token) and returns the Cookie header of that session, sent with every page.
"""

from __future__ import annotations

import re
from http.client import HTTPConnection
from urllib.parse import urlencode

EMAIL = "bench-buyer@bench.azmoodegan.ir"
PASSWORD = "bench-Buyer-pass-1405"  # noqa: S105 - a benchmark-only account in the bench database
_COOKIE = re.compile(r"(csrftoken|sessionid)=([^;]+)")


def ensure_buyer() -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(email=EMAIL).first()
    if user is None:
        user = User.objects.create_user(EMAIL, PASSWORD, first_name="خریدار", last_name="آزمایشی")
    EmailAddress.objects.get_or_create(user=user, email=EMAIL, defaults={"verified": True, "primary": True})


def _cookies(response, into: dict) -> dict:
    for header in response.msg.get_all("Set-Cookie") or []:
        into.update(dict(_COOKIE.findall(header)))
    return into


def session_cookie(port: int) -> str:
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    html = response.read().decode()
    cookies = _cookies(response, {})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD})
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/accounts/login/",
    })
    response = conn.getresponse()
    response.read()
    _cookies(response, cookies)
    conn.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"the bench buyer could not sign in (HTTP {response.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def user_session_cookie(user) -> str:
    """The Cookie header of a new session signed in as `user` (for scenarios with users of their own)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_queries(user, pages: dict[str, str]) -> dict[str, int]:
    """SQL queries of each page rendered for `user` (the second of two requests, caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    out = {}
    for name, path in pages.items():
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name} {path} answered {response.status_code}")
        out[name] = len(ctx.captured_queries)
    return out
