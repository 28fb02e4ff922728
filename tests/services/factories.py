import functools
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from services.models import FAQ, Category, GalleryImage, Package, RequirementQuestion, Service
from tests.accounts.factories import ExpertProfileFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"دسته {n}")
    slug = factory.Sequence(lambda n: f"cat-{n}")
    icon = "bi-briefcase"


class SubCategoryFactory(CategoryFactory):
    parent = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"زیردسته {n}")
    slug = factory.Sequence(lambda n: f"sub-{n}")


def expert_user(**kwargs):
    return ExpertProfileFactory(**kwargs).user


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    owner = factory.LazyFunction(expert_user)
    category = factory.SubFactory(SubCategoryFactory)
    title = factory.Sequence(lambda n: f"بررسی قرارداد اجاره شماره {n}")
    slug = factory.LazyAttribute(lambda o: o.title.replace(" ", "-"))
    description = "بررسی دقیق قرارداد اجاره شما و پیشنهاد اصلاح بندهای مبهم، با توضیح ساده برای هر بند."
    tags = factory.LazyFunction(lambda: ["قرارداد", "اجاره"])
    status = Service.Status.DRAFT


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    service = factory.SubFactory(ServiceFactory)
    tier = Package.Tier.BASIC
    title = "بسته پایه"
    description = "بررسی یک قرارداد"
    price = 1_200_000
    delivery_days = 3
    revisions = 1


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    service = factory.SubFactory(ServiceFactory)
    question = "چقدر طول می‌کشد؟"
    answer = "معمولاً سه روز."


class RequirementQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementQuestion

    service = factory.SubFactory(ServiceFactory)
    text = "قرارداد را پیوست کنید."
    kind = RequirementQuestion.Kind.FILE


def image_bytes(fmt="PNG", size=(120, 80), color=(15, 118, 110)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


@functools.cache
def decompression_bomb() -> bytes:
    """A 30,000×30,000 PNG, a few hundred KB once compressed (made once per process: a second of CPU)."""
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload(name="photo.png", fmt="PNG", size=(120, 80), content=None, content_type="image/png"):
    return SimpleUploadedFile(name, content if content is not None else image_bytes(fmt, size), content_type=content_type)


class GalleryImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GalleryImage

    service = factory.SubFactory(ServiceFactory)
    image = factory.django.ImageField(width=120, height=80, format="PNG")
    is_cover = False


def published_service(packages=1, images=1, faqs=0, **kwargs) -> Service:
    """A published service with `packages` tiers (rising prices), images (first is cover) and FAQ."""
    service = ServiceFactory(status=Service.Status.PUBLISHED, **kwargs)
    tiers = list(Package.Tier.values)[:packages]
    for i, tier in enumerate(tiers):
        PackageFactory(service=service, tier=tier, price=1_200_000 * (i + 1), delivery_days=3 + i)
    for i in range(images):
        GalleryImageFactory(service=service, is_cover=(i == 0), position=i)
    for i in range(faqs):
        FAQFactory(service=service, position=i, question=f"پرسش {i}")
    if packages:
        service.min_price = 1_200_000
        service.min_delivery_days = 3
    from django.utils import timezone

    service.published_at = timezone.now()
    service.save()
    return service
