"""Catalogue pieces other pages embed: the home page's block and an expert's service list."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("services/_home_catalogue.html", takes_context=True)
def home_catalogue(context):
    return {"tree": selectors.category_tree(), "services": selectors.featured_services(), "user": context.get("user")}


@register.inclusion_tag("services/_expert_services.html", takes_context=True)
def expert_services(context, profile):
    return {"profile": profile, "services": selectors.expert_published_services(profile.user_id),
            "user": context.get("user")}
