"""What Persians actually type: joined and split compounds, inflections, Latin names, misspellings.

Each case is a service title and a query; the service must be found, at the rank given (1 = first),
among a catalogue of decoys that share some of the words.
"""

import pytest
from django.urls import reverse

from search.indexing import rebuild_vocabulary

from .factories import make_service

pytestmark = pytest.mark.django_db

DECOYS = [
    "ترجمه رسمی مدارک تحصیلی",
    "مشاوره حقوقی قرارداد اجاره",
    "تدریس خصوصی ریاضی دبیرستان",
    "طراحی کارت ویزیت و سربرگ",
    "تولید محتوای وبلاگ",
]

# (title, query, expected rank)
CASES = [
    # Joined and split compounds
    ("آموزش برنامه‌نویسی پایتون", "برنامهنویسی", 1),
    ("آموزش برنامه‌نویسی پایتون", "برنامه نویسی", 1),
    ("ساخت موشن‌گرافیک تبلیغاتی", "موشنگرافیک", 1),
    ("ساخت موشن‌گرافیک تبلیغاتی", "موشن گرافیک", 1),
    ("تهیه صورت‌های مالی شرکت", "صورتهای مالی", 1),
    ("تهیه صورت‌های مالی شرکت", "صورت های مالی", 1),
    ("نوشتن طرح کسب‌وکار", "کسبوکار", 1),
    ("نوشتن طرح کسب‌وکار", "کسب و کار", 1),
    ("بهینه‌سازی سرعت سایت", "بهینهسازی", 1),
    ("نگارش انگیزه‌نامه اپلای", "انگیزهنامه", 1),
    ("طراحی بسته‌بندی محصول", "بستهبندی محصول", 1),
    ("مدیریت شبکه‌های اجتماعی", "شبکههای اجتماعی", 1),
    ("طراحی لوگو سه بعدی", "سهبعدی", 1),
    # Inflections, on either side
    ("طراحی لوگو برای شرکت", "لوگوها", 1),
    ("طراحی لوگوهای مینیمال", "لوگو مینیمال", 1),
    ("ساخت سایت فروشگاهی", "فروشگاه اینترنتی", 1),
    ("ساخت فروشگاه اینترنتی", "سایت فروشگاهی", 1),
    ("ترجمه مقالات انگلیسی", "ترجمه مقاله", 1),
    ("ترجمه مقاله انگلیسی", "مقالات", 1),
    ("مشاوره برای طراحان گرافیک", "طراح گرافیک", 1),
    ("بهترین مشاوره کنکور", "کنکوری", 1),
    ("ویرایش کتاب‌ها و مقاله‌ها", "ویرایش کتاب", 1),
    ("طراحی لوگوی رستوران", "لوگو رستوران", 1),
    ("تدوین ویدیوهای یوتیوب", "ویدیو یوتیوب", 1),
    ("آموزش زبان به کودکان", "کودک", 1),
    # Latin names and common misspellings through the synonym table
    ("طراحی لوگو حرفه‌ای", "logo", 1),
    ("راه‌اندازی سایت وردپرس", "wordpress", 1),
    ("ساخت اپلیکیشن اندروید", "android app", 1),
    ("سئو و بهینه‌سازی سایت", "seo", 1),
    ("سئو و بهینه‌سازی سایت", "سیو سایت", 1),
    ("ترجمه رسمی انگلیسی", "english translation", 1),
    ("طراحی رابط کاربری اپلیکیشن", "ui", 1),
    ("نوشتن رزومه انگلیسی", "cv", 1),
    ("تبلیغات اینستاگرام", "insta", 1),
    ("تدوین ویدیو تبلیغاتی", "ویدئو", 1),
    ("ساخت ربات تلگرام", "telegram bot", 1),
    ("مشاوره استارتاپ", "startup", 1),
    ("حسابداری شرکت‌ها", "accounting", 1),
    ("تنظیم قرارداد کار", "contract", 1),
    ("ساخت پادکست", "podcast", 1),
    ("آموزش فتوشاپ", "photoshop", 1),
    ("کلاس آیلتس", "ielts", 1),
    # Letter forms and keyboards
    ("طراحی لوگو", "طراحي لوگو", 1),
    ("مشاوره کنکور", "مشاوره كنكور", 1),
]


@pytest.fixture
def decoys():
    return [make_service(title, rating="4.9", reviews=50) for title in DECOYS]


def ranked(client, query) -> list[str]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return [getattr(s, "plain_title", s.title) for s in response.context["services"]]


@pytest.mark.parametrize(("title", "query", "rank"), CASES)
def test_the_service_is_found_at_its_rank(client, decoys, title, query, rank):
    make_service(title)
    found = ranked(client, query)
    assert title in found, (query, found)
    assert found.index(title) + 1 == rank, (query, found)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


def test_more_words_matched_rank_higher_in_the_any_word_fallback(client):
    make_service("طراحی لوگو برای فروشگاه آنلاین")  # three of the words
    make_service("طراحی کارت ویزیت")  # one
    make_service("لوگو سه‌بعدی متحرک")  # one
    response = client.get(reverse("search"), {"q": "طراحی لوگو فروشگاه قنادی"})
    found = [getattr(s, "plain_title", s.title) for s in response.context["services"]]
    assert response.context["fallback"] is True
    assert found[0] == "طراحی لوگو برای فروشگاه آنلاین" and len(found) == 3
    assert "همه واژه‌های" in response.content.decode()


@pytest.mark.parametrize(("typed", "meant"), [
    ("طراهی لوگو", "طراحی لوگو"),
    ("ترجمع مقاله", "ترجمه مقاله"),
    ("مشاوره مالیلتی", "مشاوره مالیاتی"),
    ("رزومع", "رزومه"),
    ("پایتن", "پایتون"),
])
def test_typos_get_a_suggestion_that_finds_services(client, typed, meant):
    for title in ("طراحی لوگو مینیمال", "ترجمه مقاله تخصصی", "مشاوره مالیاتی شرکت", "نوشتن رزومه", "آموزش پایتون"):
        make_service(title)
    rebuild_vocabulary()
    response = client.get(reverse("search"), {"q": typed})
    assert response.context["suggestion"]["text"] == meant
    assert ranked(client, meant)


def test_a_new_word_joins_the_vocabulary_when_its_service_commits(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        make_service("خوشنویسی دیجیتال")
    response = client.get(reverse("search"), {"q": "خوشنوسی"})
    assert response.context["suggestion"]["text"] == "خوشنویسی"


@pytest.mark.parametrize("query", [
    "", "   ", "\u200c\u200c", "ـــ", "های", "و در به", "ها ی ای", "۱۲۳", "logo logo logo logo logo logo logo logo logo",
    "'لوگو':* & !('x' | 'y')", "لوگو\u200cها\u200cی\u200c", "ًٌٍَُِّْ", "a" * 300, "سیو " * 50, "🙂🎨", "\\x00'\"",
    "business plan business plan", "طرح کسب‌وکار business",
])
def test_bare_and_hostile_queries_never_fail(client, decoys, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    htmx = client.get(reverse("search"), {"q": query}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200


def test_one_vocabulary_insert_per_transaction(django_capture_on_commit_callbacks):
    from django.db import transaction

    from search.models import Term

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        make_service("خوشنویسی دیجیتال")
        make_service("تذهیب سنتی")
    assert len([c for c in callbacks if c.__class__.__name__ == "_PendingWords"]) == 1
    assert {"خوشنویسی", "دیجیتال", "تذهیب", "سنتی"} <= set(Term.objects.values_list("word", flat=True))
