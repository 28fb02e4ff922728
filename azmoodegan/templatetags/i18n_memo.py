"""`{% load i18n %}` whose `{% translate "constant text" %}` looks the translation up once per language.

Django's `{% translate %}` makes a lazy string, then translates and escapes it on every render: about
5 µs a tag, a dozen of them in the page shell (templates/base.html) alone. For a constant text with no
filters or message context the result depends only on the active language, so each tag keeps it per
language (and per catalogue generation: a test that changes LANGUAGES, LANGUAGE_CODE or LOCALE_PATHS
starts a new one, as Django reloads its catalogues then). Anything else renders as Django's does.

Registered in place of Django's library (TEMPLATES' `libraries` in settings.py): `{% load i18n %}`
loads this one, with the same tags and the same output. makemessages finds the texts as before.
"""

from __future__ import annotations

import itertools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_generations = itertools.count()
_generation = next(_generations)


@receiver(setting_changed)
def _catalogues_changed(*, setting, **kwargs):
    global _generation
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _generation = next(_generations)


class TranslateNode(django_i18n.TranslateNode):
    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        var = self.filter_expression.var
        self.constant = (not noop and message_context is None and not self.filter_expression.filters
                         and isinstance(var, Variable) and isinstance(var.literal, str))
        self.kept = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (_generation, translation.get_language(), context.autoescape)
        value = self.kept.get(key)
        if value is None:
            asvar, self.asvar = self.asvar, None
            try:
                value = super().render(context)
            finally:
                self.asvar = asvar
            self.kept[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    """`{% translate "text" [noop] [context "..."] [as var] %}`, as Django's."""
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
