"""`{% load shell %}`: the signed-in parts of the page shell (base.html), drawn by azmoodegan.shell."""

from django import template
from django.utils.safestring import mark_safe

from .. import shell
from ..pagecache import CSRF_MARKER

register = template.Library()


def _with_token(context, html: str) -> str:
    token = context.get("csrf_token")
    return mark_safe(html.replace(CSRF_MARKER, str(token) if token else ""))  # noqa: S308 - our templates


@register.simple_tag(takes_context=True)
def user_nav(context):
    """The signed-in menu (templates/includes/_user_nav.html)."""
    return _with_token(context, shell.user_nav(context["request"]))


@register.simple_tag(takes_context=True)
def nav_phone(context):
    """The phone header's unread badges (messaging/_nav_phone.html)."""
    return _with_token(context, shell.nav_phone(context["request"]))


@register.simple_tag(takes_context=True)
def compare_bar(context):
    """The compare bar (search/_compare_bar.html); drawn once per language while the visitor compares nothing.
    A page drawn without a visitor's session (an email, an error page before the middleware ran) includes
    the template as before."""
    request = context.get("request")
    if request is None or not hasattr(request, "session") or not hasattr(request, "user"):
        return context.template.engine.get_template("search/_compare_bar.html").render(context)
    return _with_token(context, shell.compare_bar(request))
