"""Demo people for `manage.py seed_demo`: a buyer, an expert and a staff user."""

from allauth.account.models import EmailAddress

from .models import ExpertProfile, User

DEMO_PASSWORD = "azmoodegan-demo-1405"
DEMO_USERS = {
    "buyer": "buyer@demo.azmoodegan.ir",
    "expert": "expert@demo.azmoodegan.ir",
    "staff": "staff@demo.azmoodegan.ir",
}


def _user(email: str, *, first_name: str, last_name: str, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        if staff:
            user = User.objects.create_superuser(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name)
        else:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(stdout=None, **options) -> dict:
    buyer = _user(DEMO_USERS["buyer"], first_name="مریم", last_name="کاظمی")
    expert = _user(DEMO_USERS["expert"], first_name="علی", last_name="رضایی")
    staff = _user(DEMO_USERS["staff"], first_name="مدیر", last_name="سایت", staff=True)
    ExpertProfile.objects.get_or_create(
        user=expert,
        defaults={
            "display_name": "علی رضایی",
            "headline": "مشاور حقوقی و قراردادها، ۱۲ سال سابقه",
            "bio": "وکیل پایه‌یک دادگستری با دوازده سال تجربه در قراردادهای تجاری، ثبت شرکت و دعاوی ملکی. "
            "پیش از شروع کار، همه‌ی پرسش‌هایم را می‌پرسم تا چیزی حدسی نماند.",
            "skills": ["قرارداد", "ثبت شرکت", "دعاوی ملکی"],
            "languages": ["فارسی", "انگلیسی"],
            "city": "تهران",
            "mobile": "09123456789",
        },
    )
    return {"buyer": buyer, "expert": expert, "staff": staff}
