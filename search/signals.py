"""Signal receivers: an expert's new name into their services' search documents, and cache upkeep.

A service's own search document needs no signal: `Service.search_vector` is computed in the same
statement that saves the service (see search/fields.py).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save


def expert_profile_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "display_name" not in update_fields):
        instance._search_old_name = instance.display_name
        return
    if instance.pk is None:
        instance._search_old_name = None
        return
    instance._search_old_name = (
        sender.objects.filter(pk=instance.pk).values_list("display_name", flat=True).first()
    )


def expert_profile_saved(sender, instance, raw=False, **kwargs):
    if raw or getattr(instance, "_search_old_name", None) == instance.display_name:
        return  # the name did not change: the search documents stand
    from .indexing import index_expert_name

    index_expert_name(user_id=instance.user_id, display_name=instance.display_name)


def category_changed(sender, **kwargs):
    from django.db import transaction

    from .selectors import CATEGORY_TREE_KEY

    cache.delete(CATEGORY_TREE_KEY)
    transaction.on_commit(lambda: cache.delete(CATEGORY_TREE_KEY))  # and after, in case it was re-read


def connect() -> None:
    from accounts.models import ExpertProfile
    from services.models import Category

    from .models import Synonym
    from .query import clear_synonyms

    pre_save.connect(expert_profile_before_save, sender=ExpertProfile, dispatch_uid="search.expert_profile_pre")
    post_save.connect(expert_profile_saved, sender=ExpertProfile, dispatch_uid="search.expert_profile_saved")
    post_save.connect(category_changed, sender=Category, dispatch_uid="search.category_saved")
    post_delete.connect(category_changed, sender=Category, dispatch_uid="search.category_deleted")
    post_save.connect(clear_synonyms, sender=Synonym, dispatch_uid="search.synonym_saved")
    post_delete.connect(clear_synonyms, sender=Synonym, dispatch_uid="search.synonym_deleted")
