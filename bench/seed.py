"""A fast seeder for the benchmark: N published services from N/10 experts, written with COPY.

Used when `manage.py seed_demo --services N` is not available (or brought fewer services).
Rows carry their normalised search text, so the generated tsvector is filled as they land.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ExpertProfile, User
from services.models import Category, Package, Service

TOPS = {
    "طراحی و گرافیک": ["طراحی لوگو", "طراحی بنر", "طراحی کارت ویزیت", "تصویرسازی", "طراحی بسته‌بندی"],
    "برنامه‌نویسی": ["طراحی سایت", "اپلیکیشن موبایل", "وردپرس", "پایتون", "رفع باگ"],
    "ترجمه و نگارش": ["ترجمه انگلیسی", "ترجمه عربی", "ویراستاری", "تولید محتوا", "مقاله‌نویسی"],
    "حقوقی": ["تنظیم قرارداد", "مشاوره حقوقی", "ثبت شرکت", "ثبت برند", "دعاوی ملکی"],
    "مالی و حسابداری": ["حسابداری", "مشاوره مالیاتی", "اظهارنامه", "بیمه", "حسابرسی"],
    "بازاریابی": ["سئو", "تبلیغات اینستاگرام", "ایمیل مارکتینگ", "تحقیقات بازار", "برندسازی"],
    "صوت و ویدیو": ["تدوین ویدیو", "موشن گرافیک", "گویندگی", "میکس صدا", "زیرنویس"],
    "آموزش": ["تدریس ریاضی", "تدریس زبان", "مشاوره کنکور", "آموزش برنامه‌نویسی", "آموزش اکسل"],
}
VERBS = ["انجام", "طراحی", "ساخت", "بررسی", "مشاوره", "آموزش", "تهیه", "ترجمه", "ویرایش", "تنظیم"]
ADJECTIVES = ["حرفه‌ای", "سریع", "فوری", "با کیفیت", "ارزان", "تخصصی", "خلاقانه", "دقیق", "مدرن", "ساده"]
EXTRAS = ["برای کسب‌وکار شما", "با ضمانت", "در ۲۴ ساعت", "با اصلاحات نامحدود", "برای استارتاپ",
          "برای فروشگاه اینترنتی", "با فایل لایه‌باز", "به زبان ساده", "با تحویل سریع", ""]
FIRST = ["سارا", "علی", "مریم", "رضا", "زهرا", "حسین", "نگار", "امیر", "فاطمه", "محمد", "لیلا", "کاوه"]
LAST = ["احمدی", "کاظمی", "رضایی", "محمدی", "حسینی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی"]
LEVELS = [v for v, _ in ExpertProfile.Level.choices]


def _copy(model, columns: list[str], rows) -> None:
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row(row)


def _rows(model, objects, extra: dict | None = None):
    """Column names and value tuples for model instances (defaults and auto dates filled)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields] + list((extra or {}).keys())

    def values(obj, i):
        out = []
        for f in fields:
            value = getattr(obj, f.attname)
            if value is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
                value = now
            out.append(value)
        return out + [fn(obj, i) for fn in (extra or {}).values()]

    return columns, (values(o, i) for i, o in enumerate(objects))


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608


@transaction.atomic
def seed(services: int = 100_000, experts: int = 10_000, stdout=None, rng_seed: int = 1405) -> None:
    rng = random.Random(rng_seed)  # noqa: S311 - reproducible demo data, not secrets
    say = (lambda m: stdout.write(m + "\n")) if stdout else print
    now = timezone.now()

    # Categories (reused when present).
    subs: list[Category] = []
    for position, (top_name, sub_names) in enumerate(TOPS.items()):
        top, _ = Category.objects.get_or_create(slug=f"bench-{position}", defaults={"name": top_name, "position": position})
        for j, name in enumerate(sub_names):
            sub, _ = Category.objects.get_or_create(
                slug=f"bench-{position}-{j}", defaults={"name": name, "parent": top, "position": j})
            subs.append(sub)

    # Experts.
    password = make_password("bench-password-1405")
    first_user = _next_id(User)
    users = [
        User(id=first_user + i, email=f"bench-expert-{first_user + i}@example.com", password=password,
             first_name=rng.choice(FIRST), last_name=rng.choice(LAST), date_joined=now, is_active=True)
        for i in range(experts)
    ]
    _copy(User, *_rows(User, users))
    _reset_sequence(User)
    first_profile = _next_id(ExpertProfile)
    profiles = [
        ExpertProfile(id=first_profile + i, user_id=u.id, display_name=f"{u.first_name} {u.last_name}",
                      headline="متخصص باتجربه", bio="با حوصله و دقت کار می‌کنم.", skills=[], languages=["فارسی"],
                      mobile="09120000000", level=rng.choice(LEVELS))
        for i, u in enumerate(users)
    ]
    _copy(ExpertProfile, *_rows(ExpertProfile, profiles))
    _reset_sequence(ExpertProfile)
    say(f"  {experts} experts")

    # Services with their packages.
    first_service = _next_id(Service)
    first_package = _next_id(Package)
    svc_rows, pkg_rows = [], []
    package_id = first_package
    # The search vector is left empty: bench.run fills it with search.indexing.bulk_reindex.
    svc_fields = [f for f in Service._meta.concrete_fields if f.name != "search_vector"]
    pkg_fields = [f for f in Package._meta.concrete_fields]
    for i in range(services):
        owner = profiles[i % experts]
        sub = subs[rng.randrange(len(subs))]
        title = f"{rng.choice(VERBS)} {sub.name} {rng.choice(ADJECTIVES)} {rng.choice(EXTRAS)}".strip()
        tags = [sub.name, rng.choice(ADJECTIVES)]
        description = (f"{title}. {rng.choice(ADJECTIVES)} و {rng.choice(ADJECTIVES)}؛ "
                       f"{rng.choice(EXTRAS)} — تجربه {rng.randint(1, 15)} ساله در {sub.name}.")
        base = rng.randint(5, 500) * 10_000 * 10  # Rials
        days = rng.randint(1, 14)
        tiers = rng.choice((1, 2, 3, 3))
        reviews = rng.choice((0, 0, rng.randint(1, 20), rng.randint(1, 400)))
        published = now - timedelta(minutes=rng.randint(0, 500_000))
        service = Service(
            id=first_service + i, owner_id=owner.user_id, category_id=sub.id, title=title[:120],
            slug=f"s-{first_service + i}", description=description, tags=tags, status=Service.Status.PUBLISHED,
            published_at=published, submitted_at=published, created_at=published, updated_at=published,
            min_price=base, min_delivery_days=days, rating_avg=Decimal(rng.randint(300, 500)) / 100 if reviews else 0,
            rating_count=reviews, completed_orders=reviews + rng.randint(0, 30),
        )
        svc_rows.append([getattr(service, f.attname) for f in svc_fields])
        for t in range(tiers):
            package = Package(id=package_id, service_id=service.id, tier=Package.Tier.values[t], title="بسته",
                              description="آنچه در این بسته هست", price=base * (t + 1), delivery_days=days + t * 2,
                              revisions=None if t == 2 else t + 1)
            pkg_rows.append([getattr(package, f.attname) for f in pkg_fields])
            package_id += 1
    _copy(Service, [f.column for f in svc_fields], svc_rows)
    _reset_sequence(Service)
    _copy(Package, [f.column for f in pkg_fields], pkg_rows)
    _reset_sequence(Package)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services_service; ANALYZE services_package; ANALYZE accounts_user;")
    say(f"  {services} services, {len(pkg_rows)} packages")
