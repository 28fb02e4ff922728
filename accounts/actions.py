"""Writes that change accounts and expert profiles."""

from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import AccountError
from .models import ExpertProfile, User

PROFILE_FIELDS = (
    "display_name", "headline", "bio", "avatar", "skills", "languages", "city", "mobile", "national_code", "sheba",
)


@transaction.atomic
def expert_profile_create(*, user: User, **fields) -> ExpertProfile:
    """Make `user` an expert ("become an expert"); they may then list services."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if ExpertProfile.objects.filter(user=user).exists():
        raise AccountError(_("You already have an expert profile."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    profile = ExpertProfile(user=user, **fields)
    profile.full_clean(exclude=["avatar"])
    profile.save()
    return profile


@transaction.atomic
def expert_profile_update(*, profile: ExpertProfile, actor: User, **fields) -> ExpertProfile:
    if profile.user_id != actor.pk:
        raise AccountError(_("Only the owner may edit an expert profile."))
    profile = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise TypeError(f"unknown profile field: {name}")
        if name == "avatar" and value is None:
            continue
        setattr(profile, name, value)
    profile.full_clean(exclude=["avatar"])
    profile.save()
    return profile
