"""The CSRF token of a page, masked with one read of the system's random source.

Django masks the secret afresh for every page (BREACH), drawing the 32-character mask with one call of
`secrets.choice`, and so one read of os.urandom, per character: about 35 µs of every page that
carries a token (every page: base.html puts it in the htmx headers). Here the mask is drawn from one
os.urandom read, each character uniform over the same 62 (a byte is used only below 248 = 4 × 62, so
`byte % 62` is unbiased). The token is Django's format exactly — mask, then the secret shifted by the
mask — and Django's CsrfViewMiddleware checks it as one of its own.

Only the common case is done here (the visitor already has a CSRF cookie); a first visit goes through
Django's `get_token`, which also makes the new secret.
"""

from __future__ import annotations

import os

from django.middleware import csrf as django_csrf

CHARS = django_csrf.CSRF_ALLOWED_CHARS
_INDEX = {c: i for i, c in enumerate(CHARS)}
_N = len(CHARS)
_BELOW = 256 - 256 % _N


def _random_indices(n: int) -> list[int]:
    out: list[int] = []
    while len(out) < n:
        out += [b % _N for b in os.urandom(n + 8) if b < _BELOW]
    return out[:n]


def mask_secret(secret: str) -> str:
    """`django.middleware.csrf._mask_cipher_secret`: a fresh mask, then the secret shifted by it."""
    mask = _random_indices(len(secret))
    return "".join([CHARS[m] for m in mask] + [CHARS[(_INDEX[c] + m) % _N] for c, m in zip(secret, mask, strict=True)])


def get_token(request) -> str:
    """`django.middleware.csrf.get_token`, with the cheaper mask."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != django_csrf.CSRF_SECRET_LENGTH or any(c not in _INDEX for c in secret):
        return django_csrf.get_token(request)
    # The cookie is being used: Django sends it again with the response (to renew its expiry).
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask_secret(secret)
