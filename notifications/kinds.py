"""The registry of notification kinds: adding a kind is one `register(...)` line in the producing app.

Each kind has a Persian-ready text (an English msgid with `%(name)s` placeholders filled from the
notification's context) and an email policy:
- ``DIGEST``: emailed only if still unread after a few minutes, grouped per user (chat messages, offers…);
- ``NONE``: in-app only (the producer sends its own email, or none is wanted).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


class Email:
    DIGEST = "digest"
    NONE = "none"


@dataclass(frozen=True)
class Kind:
    name: str
    text: str | Promise
    email: str = Email.DIGEST
    icon: str = "bell"


KINDS: dict[str, Kind] = {}


def register(name: str, text: str | Promise, *, email: str = Email.DIGEST, icon: str = "bell") -> Kind:
    """Declare a notification kind (call at import time, e.g. from an app's `notifications.py`)."""
    kind = Kind(name=name, text=text, email=email, icon=icon)
    KINDS[name] = kind
    return kind


def get(name: str) -> Kind | None:
    return KINDS.get(name)
