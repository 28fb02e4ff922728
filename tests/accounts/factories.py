import functools

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import ExpertProfile, User

PASSWORD = "a-Strong-pass-1405"


@functools.cache
def _cached_hash(raw: str, hashers: tuple) -> str:
    return make_password(raw)


def _hashed(raw: str) -> str:
    return _cached_hash(raw, tuple(settings.PASSWORD_HASHERS))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "سارا"
    last_name = "احمدی"

    # Hashed before the INSERT (no second query to store it), once per password and set of hashers.
    password = factory.Transformer(PASSWORD, transform=lambda raw: _hashed(raw or PASSWORD))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"متخصص شماره {n}")
    headline = "مشاور مالیاتی با ده سال سابقه"
    bio = "با حوصله و دقت پاسخ می‌دهم."
    skills = factory.LazyFunction(lambda: ["مالیات", "حسابداری"])
    languages = factory.LazyFunction(lambda: ["فارسی"])
    city = "تهران"
    mobile = "09121234567"
