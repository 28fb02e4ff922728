"""`{% load static %}` with each static file's URL worked out once per process.

Django's `{% static %}` asks the static files storage for the URL on every render (a URL join and a
quote; with the manifest storage, a look-up of the hashed name): about 13 µs a tag, and the page shell
(templates/base.html) has nine of them on every page. The storage's answer for a path never changes
while the storage and DEBUG stay the same, so it is kept here under both and asked again when either
changes (`override_settings` in tests resets the storage, which starts a new memo).

Registered in place of Django's library (TEMPLATES' `libraries` in settings.py): `{% load static %}`
loads this one, with the same tags and the same output.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags import static as django_static
from django.utils.functional import empty

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)

_MEMO_SIZE = 4096
_memo: dict[str, str] = {}
_memo_owner: tuple = ()


def static_url(path: str) -> str:
    """`django.templatetags.static.static(path)`, kept per storage (and DEBUG)."""
    global _memo, _memo_owner
    from django.contrib.staticfiles.storage import staticfiles_storage

    if staticfiles_storage._wrapped is empty:
        staticfiles_storage._setup()
    storage = staticfiles_storage._wrapped
    if not _memo_owner or _memo_owner[0] is not storage or _memo_owner[1] != settings.DEBUG:
        _memo, _memo_owner = {}, (storage, settings.DEBUG)
    url = _memo.get(path)
    if url is None:
        url = django_static.StaticNode.handle_simple(path)
        if len(_memo) >= _MEMO_SIZE:
            _memo = {}
        _memo[path] = url
    return url


class StaticNode(django_static.StaticNode):
    def url(self, context):
        path = self.path.resolve(context)
        return static_url(path) if isinstance(path, str) else self.handle_simple(path)


@register.tag("static")
def do_static(parser, token):
    """`{% static path [as varname] %}`, as Django's."""
    return StaticNode.handle_token(parser, token)
