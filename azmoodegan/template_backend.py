"""Django's template backend, whose check of tag libraries sharing a name allows the site's replacements.

settings.TEMPLATES puts two libraries of azmoodegan/templatetags in place of Django's `static` and
`i18n` (the same tags, each constant result worked out once per process: see those modules), so that
`{% load static %}` and `{% load i18n %}` load them. Django's check (templates.W003) warns about any
library name used by two modules; here it still does, except for a name that settings.TEMPLATES maps
on purpose from Django's own module to one of azmoodegan.templatetags.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.checks import Warning
from django.template.backends import django as django_backend


class DjangoTemplates(django_backend.DjangoTemplates):
    def _check_for_template_tags_with_the_same_name(self):
        libraries = defaultdict(set)
        for module_name, module_path in django_backend.get_template_tag_modules():
            libraries[module_name].add(module_path)
        for module_name, module_path in self.engine.libraries.items():
            libraries[module_name].add(module_path)
        errors = []
        for library_name, items in libraries.items():
            chosen = self.engine.libraries.get(library_name, "")
            if chosen.startswith("azmoodegan.templatetags.") and items == {f"django.templatetags.{library_name}",
                                                                          chosen}:
                continue  # Django's library, replaced on purpose
            if len(items) > 1:
                items = ", ".join(repr(item) for item in sorted(items))
                errors.append(Warning(f"{library_name!r} is used for multiple template tag modules: {items}",
                                      obj=self, id="templates.W003"))
        return errors
