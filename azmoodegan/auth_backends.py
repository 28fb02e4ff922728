"""The site's authentication backends: Django's and allauth's, loading the signed-in user with their
expert profile in the same query.

Every page a signed-in person sees asks `user.is_expert` and `user.display_name` (the header's
menu), both read from the expert profile: joined here, that is one query per request, not two.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _UserWithProfile:
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("expert_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithProfile, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithProfile, AllauthBackend):
    pass
