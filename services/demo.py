# ruff: noqa: S311 - demo data; randomness is for variety, not security
"""Demo catalogue for `manage.py seed_demo`: categories, experts, services with packages and
Pillow-drawn cover images. Safe to run again. `--services N` tops the catalogue up to N
published services with bulk inserts (100,000 in a few minutes), reusing a dozen images."""

from __future__ import annotations

import io
import math
import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import ExpertProfile, User
from azmoodegan.persian import to_persian_digits

from .models import FAQ, Category, GalleryImage, Package, RequirementQuestion, Service, persian_slug

CATEGORIES = [
    ("legal", "حقوقی", "bi-bank", [
        ("contracts", "تنظیم و بررسی قرارداد"), ("company-registration", "ثبت شرکت و برند"),
        ("property-law", "دعاوی ملکی"), ("family-law", "مشاوره خانواده"),
    ]),
    ("finance-tax", "مالی و مالیاتی", "bi-calculator", [
        ("tax-returns", "اظهارنامه مالیاتی"), ("accounting", "حسابداری و دفترداری"),
        ("financial-planning", "برنامه‌ریزی مالی شخصی"),
    ]),
    ("career", "شغلی و کاریابی", "bi-briefcase", [
        ("resume", "رزومه و انگیزه‌نامه"), ("interview", "آمادگی مصاحبه"), ("career-coaching", "مشاوره مسیر شغلی"),
    ]),
    ("education", "آموزش و تدریس", "bi-mortarboard", [
        ("math-tutoring", "تدریس ریاضی و فیزیک"), ("language-tutoring", "آموزش زبان"),
        ("konkur", "مشاوره کنکور"), ("apply", "مشاوره اپلای و مهاجرت تحصیلی"),
    ]),
    ("translation-writing", "ترجمه و نویسندگی", "bi-translate", [
        ("translation", "ترجمه"), ("content-writing", "تولید محتوا"), ("editing", "ویرایش و ویراستاری"),
    ]),
    ("design", "طراحی و گرافیک", "bi-palette", [
        ("logo", "طراحی لوگو و هویت بصری"), ("ui-ux", "طراحی رابط کاربری"), ("print", "طراحی چاپی و بسته‌بندی"),
    ]),
    ("programming", "برنامه‌نویسی و فناوری", "bi-code-slash", [
        ("websites", "طراحی سایت"), ("mobile-apps", "اپلیکیشن موبایل"), ("bugfix", "رفع اشکال و بهینه‌سازی"),
    ]),
    ("digital-marketing", "بازاریابی دیجیتال", "bi-graph-up-arrow", [
        ("seo", "سئو"), ("social-media", "مدیریت شبکه‌های اجتماعی"), ("ads", "تبلیغات آنلاین"),
    ]),
    ("video-audio", "ویدیو و صدا", "bi-camera-reels", [
        ("video-editing", "تدوین ویدیو"), ("voice-over", "گویندگی"), ("motion", "موشن‌گرافیک"),
    ]),
    ("business", "مشاوره کسب‌وکار", "bi-lightbulb", [
        ("business-plan", "طرح کسب‌وکار"), ("startup", "مشاوره استارتاپ"), ("hr", "منابع انسانی"),
    ]),
]

EXPERTS = [
    ("narges.mohammadi", "نرگس", "محمدی", "مترجم رسمی انگلیسی", "هشت سال ترجمه رسمی و تخصصی؛ متن شما را با دقت و امانت‌داری ترجمه می‌کنم.", "شیراز"),
    ("reza.karimi", "رضا", "کریمی", "حسابدار رسمی و مشاور مالیاتی", "عضو جامعه حسابداران رسمی؛ اظهارنامه و دفاتر شما را بی‌دردسر و به‌موقع آماده می‌کنم.", "تهران"),
    ("sara.hosseini", "سارا", "حسینی", "طراح هویت بصری", "برای بیش از صد برند ایرانی لوگو و هویت بصری طراحی کرده‌ام. پیش از طراحی، کسب‌وکار شما را می‌شناسم.", "اصفهان"),
    ("mohammad.ahmadi", "محمد", "احمدی", "برنامه‌نویس وب (جنگو و ری‌اکت)", "ده سال تجربه ساخت سامانه‌های وب؛ کد تمیز، مستند و قابل نگهداری تحویل می‌دهم.", "تهران"),
    ("zahra.rahimi", "زهرا", "رحیمی", "دبیر ریاضی و مشاور کنکور", "پانزده سال تدریس ریاضی دبیرستان؛ با حوصله و گام‌به‌گام درس می‌دهم.", "مشهد"),
    ("hamed.jafari", "حامد", "جعفری", "مشاور سئو و بازاریابی محتوا", "سایت‌های فروشگاهی را به صفحه اول گوگل رسانده‌ام؛ گزارش شفاف و قابل اندازه‌گیری می‌دهم.", "تبریز"),
    ("maryam.sadeghi", "مریم", "صادقی", "وکیل پایه‌یک دادگستری", "مشاوره حقوقی خانواده و ملکی با زبانی ساده؛ پیش از هر اقدامی، همه‌ی جوانب را توضیح می‌دهم.", "تهران"),
    ("ali.mousavi", "علی", "موسوی", "تدوین‌گر و موشن‌گرافیست", "تدوین ویدیوهای تبلیغاتی و آموزشی برای برندها و یوتیوبرها، با رنگ‌بندی حرفه‌ای.", "کرج"),
    ("fatemeh.kazemi", "فاطمه", "کاظمی", "مشاور منابع انسانی و مسیر شغلی", "کمک می‌کنم رزومه‌ای بنویسید که دیده شود و در مصاحبه با اطمینان صحبت کنید.", "تهران"),
    ("amir.hashemi", "امیر", "هاشمی", "مشاور کسب‌وکار و استارتاپ", "هم‌بنیان‌گذار دو استارتاپ؛ طرح کسب‌وکار و مدل درآمدی شما را واقع‌بینانه می‌سازیم.", "تهران"),
    ("leila.nouri", "لیلا", "نوری", "گوینده و نویسنده محتوا", "گویندگی تیزر، کتاب صوتی و پادکست با استودیوی خانگی حرفه‌ای.", "رشت"),
    ("hossein.ebrahimi", "حسین", "ابراهیمی", "توسعه‌دهنده اپلیکیشن اندروید و iOS", "اپلیکیشن‌های فلاتر برای فروشگاه‌ها و خدمات؛ از ایده تا انتشار در بازار.", "اصفهان"),
]

# (sub-category slug, title, base price in Toman, days, tags)
SERVICES = [
    ("contracts", "بررسی و اصلاح قرارداد اجاره یا خرید ملک", 450_000, 2, ["قرارداد", "اجاره", "ملک"]),
    ("contracts", "تنظیم قرارداد همکاری و شراکت تجاری", 900_000, 3, ["قرارداد", "شراکت"]),
    ("company-registration", "ثبت شرکت با مسئولیت محدود از صفر تا آگهی", 2_500_000, 14, ["ثبت شرکت", "روزنامه رسمی"]),
    ("company-registration", "ثبت علامت تجاری (برند) در ایران", 1_800_000, 10, ["ثبت برند", "علامت تجاری"]),
    ("property-law", "مشاوره تلفنی دعاوی ملکی و سرقفلی", 300_000, 1, ["ملکی", "سرقفلی"]),
    ("family-law", "مشاوره حقوقی طلاق توافقی و مهریه", 400_000, 1, ["طلاق", "مهریه"]),
    ("tax-returns", "تنظیم و ارسال اظهارنامه مالیاتی اشخاص", 800_000, 5, ["مالیات", "اظهارنامه"]),
    ("accounting", "دفترداری ماهانه برای کسب‌وکارهای کوچک", 1_500_000, 7, ["حسابداری", "دفاتر قانونی"]),
    ("financial-planning", "برنامه بودجه و پس‌انداز خانواده", 350_000, 3, ["بودجه", "پس‌انداز"]),
    ("resume", "نوشتن رزومه حرفه‌ای فارسی و انگلیسی", 600_000, 3, ["رزومه", "CV"]),
    ("interview", "مصاحبه آزمایشی با بازخورد دقیق", 500_000, 2, ["مصاحبه", "استخدام"]),
    ("career-coaching", "مشاوره تغییر مسیر شغلی در سه جلسه", 1_200_000, 14, ["کوچینگ", "مسیر شغلی"]),
    ("math-tutoring", "تدریس خصوصی آنلاین ریاضی دبیرستان", 250_000, 1, ["ریاضی", "تدریس آنلاین"]),
    ("math-tutoring", "حل تمرین و رفع اشکال فیزیک کنکور", 200_000, 1, ["فیزیک", "کنکور"]),
    ("language-tutoring", "آمادگی آیلتس با تمرکز بر رایتینگ", 700_000, 7, ["آیلتس", "زبان انگلیسی"]),
    ("konkur", "برنامه‌ریزی درسی شخصی کنکور تا روز آزمون", 900_000, 3, ["کنکور", "برنامه‌ریزی"]),
    ("apply", "نوشتن انگیزه‌نامه (SOP) برای اپلای", 1_500_000, 7, ["اپلای", "SOP"]),
    ("translation", "ترجمه تخصصی مقاله انگلیسی به فارسی", 180_000, 3, ["ترجمه", "مقاله"]),
    ("translation", "ترجمه رسمی مدارک تحصیلی با مهر دادگستری", 450_000, 4, ["ترجمه رسمی", "مدارک"]),
    ("content-writing", "نوشتن مقاله سئوشده برای وبلاگ فروشگاه", 150_000, 2, ["محتوا", "وبلاگ"]),
    ("editing", "ویرایش فنی و ادبی کتاب فارسی", 2_000_000, 20, ["ویراستاری", "کتاب"]),
    ("logo", "طراحی لوگوی اختصاصی با سه پیشنهاد", 1_500_000, 5, ["لوگو", "برند"]),
    ("logo", "طراحی کامل هویت بصری: لوگو، رنگ، فونت و سربرگ", 6_000_000, 14, ["هویت بصری", "برندینگ"]),
    ("ui-ux", "طراحی رابط کاربری اپلیکیشن در فیگما", 4_000_000, 10, ["فیگما", "UI"]),
    ("print", "طراحی منو رستوران و کافه", 900_000, 4, ["منو", "چاپ"]),
    ("websites", "طراحی سایت شرکتی با وردپرس", 8_000_000, 14, ["وردپرس", "سایت شرکتی"]),
    ("websites", "ساخت فروشگاه اینترنتی با درگاه پرداخت", 15_000_000, 21, ["فروشگاه اینترنتی", "ووکامرس"]),
    ("mobile-apps", "ساخت اپلیکیشن فلاتر برای اندروید و iOS", 25_000_000, 30, ["فلاتر", "اپلیکیشن"]),
    ("bugfix", "رفع باگ و افزایش سرعت سایت جنگو یا وردپرس", 1_200_000, 3, ["جنگو", "سرعت سایت"]),
    ("seo", "سئوی داخلی کامل سایت با گزارش", 3_000_000, 10, ["سئو", "گوگل"]),
    ("seo", "تحقیق کلمات کلیدی برای فروشگاه اینترنتی", 1_000_000, 4, ["کلمات کلیدی", "سئو"]),
    ("social-media", "مدیریت پیج اینستاگرام یک‌ماهه", 5_000_000, 30, ["اینستاگرام", "محتوا"]),
    ("ads", "راه‌اندازی کمپین تبلیغات گوگل", 2_000_000, 5, ["گوگل ادز", "تبلیغات"]),
    ("video-editing", "تدوین ویدیوی یوتیوب با زیرنویس فارسی", 700_000, 3, ["تدوین", "یوتیوب"]),
    ("voice-over", "گویندگی تیزر تبلیغاتی با صدای گرم", 600_000, 2, ["گویندگی", "تیزر"]),
    ("motion", "ساخت موشن‌گرافیک معرفی محصول", 4_500_000, 12, ["موشن‌گرافیک", "انیمیشن"]),
    ("business-plan", "نوشتن طرح کسب‌وکار برای وام و سرمایه‌گذار", 5_000_000, 14, ["بیزینس پلن", "سرمایه‌گذاری"]),
    ("startup", "جلسه مشاوره مدل درآمدی استارتاپ", 800_000, 2, ["استارتاپ", "مدل کسب‌وکار"]),
    ("hr", "طراحی فرایند استخدام و شرح شغل", 2_500_000, 10, ["منابع انسانی", "استخدام"]),
    ("financial-planning", "مشاوره سرمایه‌گذاری شخصی برای تازه‌کارها", 500_000, 2, ["سرمایه‌گذاری", "بورس"]),
]

# Which seeded services the demo expert (a lawyer) owns: the legal ones.
DEMO_EXPERT_SUBS = {"contracts", "company-registration", "property-law"}
SUB_TO_EXPERT = {
    "family-law": 6, "tax-returns": 1, "accounting": 1, "financial-planning": 1, "resume": 8, "interview": 8,
    "career-coaching": 8, "math-tutoring": 4, "konkur": 4, "language-tutoring": 0, "apply": 0, "translation": 0,
    "content-writing": 5, "editing": 10, "logo": 2, "ui-ux": 2, "print": 2, "websites": 3, "mobile-apps": 11,
    "bugfix": 3, "seo": 5, "social-media": 5, "ads": 5, "video-editing": 7, "voice-over": 10, "motion": 7,
    "business-plan": 9, "startup": 9, "hr": 8,
}
PALETTES = [
    ((15, 118, 110), (94, 234, 212)), ((217, 119, 6), (253, 230, 138)), ((30, 64, 175), (147, 197, 253)),
    ((126, 34, 206), (216, 180, 254)), ((190, 18, 60), (253, 164, 175)), ((21, 128, 61), (187, 247, 208)),
    ((55, 65, 81), (209, 213, 219)), ((194, 65, 12), (254, 215, 170)), ((8, 145, 178), (165, 243, 252)),
    ((161, 98, 7), (254, 240, 138)), ((67, 56, 202), (199, 210, 254)), ((15, 23, 42), (148, 163, 184)),
]
TIERS = [
    ("basic", "پایه", 1.0, 1.0, 1),
    ("standard", "استاندارد", 2.0, 1.6, 3),
    ("premium", "ویژه", 3.5, 2.2, None),
]
FAQS = [
    ("پیش از سفارش باید چه چیزی آماده کنم؟", "هر مدرک یا توضیحی که دارید کافی است؛ بقیه را در گفت‌وگو از شما می‌پرسم."),
    ("اگر نتیجه را نپسندم چه می‌شود؟", "تا رضایت شما، در حد دفعات اصلاح بسته، کار را اصلاح می‌کنم. پول شما تا تأیید نزد آزمودگان می‌ماند."),
]


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def draw_cover(index: int, *, size=(1200, 800)) -> bytes:
    """A calm gradient with a few soft shapes; no text. Deterministic for a given index."""
    rng = random.Random(index)
    dark, light = PALETTES[index % len(PALETTES)]
    w, h = size
    img = Image.new("RGB", size, light)
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 45, 90, 135]), expand=False).resize(size)
    img = Image.composite(Image.new("RGB", size, dark), img, gradient)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    for _i in range(6):
        r = rng.randint(h // 10, h // 3)
        x, y = rng.randint(0, w), rng.randint(0, h)
        alpha = rng.randint(40, 110)
        if rng.random() < 0.6:
            d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, alpha))
        else:
            angle = rng.random() * math.pi
            pts = [(x + r * math.cos(angle + k * 2 * math.pi / 3), y + r * math.sin(angle + k * 2 * math.pi / 3))
                   for k in range(3)]
            d.polygon(pts, fill=(*dark, alpha))
    d.rounded_rectangle((w * 0.3, h * 0.32, w * 0.7, h * 0.68), radius=40, outline=(255, 255, 255, 200), width=10)
    img = Image.alpha_composite(img.convert("RGBA"), overlay.filter(ImageFilter.GaussianBlur(2))).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def _cover_files(count: int = 12) -> list[tuple[str, str]]:
    """(original, card) file names of `count` demo covers, drawn once and reused by every service."""
    names = []
    for i in range(count):
        original, card = f"services/demo/cover-{i}.jpg", f"services/demo/cover-{i}-card.jpg"
        if not default_storage.exists(original):
            data = draw_cover(i)
            original = default_storage.save(original, ContentFile(data))
            with Image.open(io.BytesIO(data)) as im:
                im.thumbnail((600, 400))
                buf = io.BytesIO()
                im.save(buf, format="JPEG", quality=82)
            card = default_storage.save(card, ContentFile(buf.getvalue()))
        names.append((original, card))
    return names


def _categories() -> dict[str, Category]:
    result = {}
    for pos, (slug, name, icon, children) in enumerate(CATEGORIES):
        top, _c = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "position": pos, "parent": None}
        )
        result[slug] = top
        for cpos, (cslug, cname) in enumerate(children):
            result[cslug], _c = Category.objects.update_or_create(
                slug=cslug, defaults={"name": cname, "icon": icon, "position": cpos, "parent": top}
            )
    return result


def _experts() -> list[User]:
    users = []
    for n, (handle, first, last, headline, bio, city) in enumerate(EXPERTS):
        email = f"{handle}@demo.azmoodegan.ir"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
            user.date_joined = timezone.now() - timedelta(days=random.Random(handle).randint(30, 900))
            user.save(update_fields=["date_joined"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        ExpertProfile.objects.get_or_create(user=user, defaults={
            "display_name": f"{first} {last}", "headline": headline, "bio": bio, "city": city,
            "skills": [], "languages": ["فارسی"], "mobile": f"0912{n:07d}",
        })
        users.append(user)
    return users


def _description(title: str, sub_name: str) -> str:
    return (
        f"{title}، دقیق و به‌موقع.\n\n"
        f"در این خدمت که در دسته‌ی «{sub_name}» است، پیش از شروع کار همه‌ی پرسش‌هایم را می‌پرسم تا چیزی حدسی نماند؛ "
        "سپس طبق بسته‌ای که انتخاب کرده‌اید کار را انجام می‌دهم و در هر مرحله شما را در جریان می‌گذارم.\n\n"
        "آنچه از شما لازم دارم: توضیح روشن خواسته‌تان و هر فایل یا مدرکی که به کار کمک می‌کند.\n"
        "آنچه دریافت می‌کنید: نتیجه‌ی کامل، مرتب و قابل استفاده، همراه با توضیح کوتاه."
    )


def _package_rows(service: Service, base_toman: int, days: int, count: int) -> list[Package]:
    rows = []
    for tier, label, price_factor, day_factor, revisions in TIERS[:count]:
        price = max(50_000, int(base_toman * price_factor) // 10_000 * 10_000)
        rows.append(Package(
            service=service, tier=tier, title=f"بسته {label}", price=price * 10,
            delivery_days=min(90, max(1, round(days * day_factor))), revisions=revisions,
            description={"basic": "انجام کار اصلی با یک بار اصلاح.", "standard": "کار کامل با سه بار اصلاح و پشتیبانی.",
                         "premium": "کار کامل، اصلاح نامحدود، تحویل فایل‌های منبع و پشتیبانی یک‌ماهه."}[tier],
        ))
    return rows


@transaction.atomic
def _seed_base(stdout, cats: dict[str, Category], experts: list[User], demo_expert: User | None, covers) -> int:
    now = timezone.now()
    created = 0
    for i, (sub, title, price, days, tags) in enumerate(SERVICES):
        owner = demo_expert if (demo_expert and sub in DEMO_EXPERT_SUBS) else experts[SUB_TO_EXPERT.get(sub, i % 12)]
        if Service.objects.filter(owner=owner, title=title).exists():
            continue
        service = Service.objects.create(
            owner=owner, category=cats[sub], title=title, slug=persian_slug(title), tags=tags,
            description=_description(title, cats[sub].name), status=Service.Status.PUBLISHED,
            published_at=now - timedelta(hours=i * 7), submitted_at=now - timedelta(hours=i * 7 + 2),
        )
        packages = Package.objects.bulk_create(_package_rows(service, price, days, 1 + i % 3))
        original, card = covers[i % len(covers)]
        GalleryImage.objects.create(service=service, image=original, card=card, thumbnail=card, is_cover=True)
        if i % 2 == 0:
            FAQ.objects.bulk_create([FAQ(service=service, question=q, answer=a, position=n) for n, (q, a) in enumerate(FAQS)])
        RequirementQuestion.objects.create(service=service, text="لطفاً خواسته‌تان را با جزئیات توضیح دهید.", required=True)
        # Ratings and completed orders come from real orders and reviews (reviews.demo), never invented.
        service.min_price = min(p.price for p in packages)
        service.min_delivery_days = min(p.delivery_days for p in packages)
        service.save()
        created += 1
    return created


def _scale(stdout, target: int, cats: dict[str, Category], experts: list[User], covers, batch: int = 2000) -> int:
    """Bulk-insert generated published services until there are `target`; rows only, no per-row work."""
    have = Service.objects.filter(status=Service.Status.PUBLISHED).count()
    missing = target - have
    if missing <= 0:
        return 0
    subs = [c for c in cats.values() if c.parent_id is not None]
    now = timezone.now()
    started = time.monotonic()
    done = 0
    while done < missing:
        n = min(batch, missing - done)
        with transaction.atomic():
            services = []
            specs = []
            for k in range(n):
                seq = have + done + k
                rng = random.Random(seq)
                sub_slug, title, price, days, tags = SERVICES[seq % len(SERVICES)]
                category = cats[sub_slug] if rng.random() < 0.7 else rng.choice(subs)
                variant = f"{title} (کد {to_persian_digits(seq)})"
                count = 1 + seq % 3
                factor = rng.choice([0.6, 0.8, 1.0, 1.2, 1.5, 2.0])
                svc = Service(
                    owner=experts[seq % len(experts)], category=category, title=variant, slug=persian_slug(variant),
                    tags=tags, description=_description(variant, category.name), status=Service.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=seq), submitted_at=now - timedelta(minutes=seq + 30),
                )
                services.append(svc)
                specs.append((int(price * factor), days, count, seq))
            Service.objects.bulk_create(services, batch_size=1000)
            packages, images = [], []
            for svc, (price, days, count, seq) in zip(services, specs, strict=True):
                rows = _package_rows(svc, price, days, count)
                svc.min_price = min(p.price for p in rows)
                svc.min_delivery_days = min(p.delivery_days for p in rows)
                packages += rows
                original, card = covers[seq % len(covers)]
                images.append(GalleryImage(service=svc, image=original, card=card, thumbnail=card, is_cover=True))
            Package.objects.bulk_create(packages, batch_size=2000)
            GalleryImage.objects.bulk_create(images, batch_size=2000)
            Service.objects.bulk_update(services, ["min_price", "min_delivery_days"], batch_size=1000)
        done += n
        _say(stdout, f"  services: {have + done}/{target} ({time.monotonic() - started:.0f}s)")
    return done


def seed(stdout=None, services=None, **options) -> None:
    cats = _categories()
    experts = _experts()
    demo_expert = User.objects.filter(email=DEMO_USERS["expert"], expert_profile__isnull=False).first()
    covers = _cover_files()
    created = _seed_base(stdout, cats, experts, demo_expert, covers)
    _say(stdout, f"Catalogue: {len(cats)} categories, {len(experts)} experts, {created} new services.")
    if services:
        added = _scale(stdout, int(services), cats, experts, covers)
        if added:
            from search.indexing import bulk_reindex  # bulk_create sends no signals

            bulk_reindex()
        _say(stdout, f"Catalogue scaled: {added} services added.")
