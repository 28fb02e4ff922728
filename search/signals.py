"""Signal receivers that keep the search columns current without the services app knowing."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TEXT_FIELDS = {"title", "tags", "description", "owner", "owner_id"}


def service_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & TEXT_FIELDS):
        return  # a status or counter change: the text did not move
    from .indexing import index_service

    index_service(instance)


def expert_profile_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .indexing import index_expert_name

    index_expert_name(user_id=instance.user_id, display_name=instance.display_name)


def category_changed(sender, **kwargs):
    from .selectors import CATEGORY_TREE_KEY

    cache.delete(CATEGORY_TREE_KEY)


def connect() -> None:
    from accounts.models import ExpertProfile
    from services.models import Category, Service

    post_save.connect(service_saved, sender=Service, dispatch_uid="search.service_saved")
    post_save.connect(expert_profile_saved, sender=ExpertProfile, dispatch_uid="search.expert_profile_saved")
    post_save.connect(category_changed, sender=Category, dispatch_uid="search.category_saved")
    post_delete.connect(category_changed, sender=Category, dispatch_uid="search.category_deleted")
