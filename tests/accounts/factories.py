import factory
from allauth.account.models import EmailAddress

from accounts.models import ExpertProfile, User

PASSWORD = "a-Strong-pass-1405"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "سارا"
    last_name = "احمدی"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

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
