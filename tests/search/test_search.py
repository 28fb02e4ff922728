"""Full-text search: Persian spellings, ranking, filters, sorts, bad input and query counts."""

import re

import pytest
from django.urls import reverse

from accounts.models import ExpertProfile
from search.models import ExpertStats
from search.query import parse_query
from services.models import Service

from .factories import CategoryFactory, SubCategoryFactory, make_service

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [s.plain_title if hasattr(s, "plain_title") else s.title for s in response.context["services"]]


def search(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def logo():
    return make_service("طراحی لوگو حرفه‌ای برای کسب‌وکار شما", tags=["لوگو", "برند"], price_toman=300_000)


@pytest.fixture
def others():
    make_service("ترجمه مقاله انگلیسی", description="ترجمه دقیق و روان متن‌های تخصصی")
    make_service("مشاوره مالیاتی", description="پاسخ به پرسش‌های مالیاتی شما")


@pytest.mark.parametrize("query", [
    "طراحی لوگو",          # Persian yeh
    "طراحي لوگو",          # Arabic yeh
    "طراحی\u200cلوگو",     # ZWNJ between the words
    "طراح",                # a partial word (prefix)
    "  طراحـــی   لوگو ",   # tatweel and extra spaces
    "LOGO طراحی",          # order and Latin case do not matter
])
def test_the_same_service_is_found_by_every_spelling(client, logo, others, query):
    if query.startswith("LOGO"):
        Service.objects.filter(pk=logo.pk).update(title="x")  # keep the signal path honest below
        logo.title = "Logo طراحی"
        logo.save()
    assert titles(search(client, q=query))[:1] == [logo.title]


def test_digits_in_persian_or_latin_find_the_same_service(client, others):
    service = make_service("ساخت لوگو سه‌بعدی 3D در ۲ روز")
    for query in ("۲ روز", "2 روز", "٢ روز", "3d", "۳D"):
        assert titles(search(client, q=query)) == [service.title], query


def test_partial_last_word_and_arabic_kaf(client):
    service = make_service("برنامه‌نویس پایتون برای کسب‌وکار کوچک")
    assert titles(search(client, q="برنامه‌نو")) == [service.title]
    assert titles(search(client, q="كسب")) == [service.title]


def test_expert_name_and_tags_are_searched(client):
    service = make_service("خدمت الف", tags=["حسابداری"])
    ExpertProfile.objects.filter(user=service.owner).update(display_name="x")
    profile = service.owner.expert_profile
    profile.display_name = "مریم کاظمي"
    profile.save()
    assert titles(search(client, q="کاظمی")) == [service.title]
    assert titles(search(client, q="حسابداری")) == [service.title]


def test_matches_are_highlighted_in_the_cards(client, logo):
    content = search(client, q="طراحي").content.decode()
    assert "<mark>طراحی</mark>" in content


def test_title_match_ranks_above_description_match(client):
    in_desc = make_service("خدمت عمومی", description="در این خدمت طراحی لوگو و طراحی لوگو و طراحی لوگو انجام می‌شود",
                           rating="5", reviews=500)
    in_title = make_service("طراحی لوگو", description="کار ساده")
    assert titles(search(client, q="طراحی لوگو")) == [in_title.title, in_desc.title]


def test_unpublished_services_are_never_found(client):
    make_service("طراحی لوگو پیش‌نویس", status=Service.Status.DRAFT)
    make_service("طراحی لوگو متوقف", status=Service.Status.PAUSED)
    assert titles(search(client, q="طراحی")) == []


# --- Filters and sorts on a known set ------------------------------------------------------------


@pytest.fixture
def known():
    top = CategoryFactory(slug="design", name="طراحی")
    sub1 = SubCategoryFactory(parent=top, slug="logo", name="لوگو")
    sub2 = SubCategoryFactory(parent=top, slug="web", name="وب")
    other = SubCategoryFactory(slug="law", name="حقوقی")
    s = {
        "cheap": make_service("الف ارزان", price_toman=60_000, days=7, rating="4.0", reviews=20, category=sub1),
        "mid": make_service("ب میانه", price_toman=200_000, days=2, rating="4.9", reviews=300, category=sub2),
        "dear": make_service("ج گران", price_toman=900_000, days=1, rating="5.0", reviews=1, category=other),
        "new": make_service("د تازه", price_toman=150_000, days=5, category=sub1),
    }
    ExpertStats.objects.create(expert=s["mid"].owner, response_seconds=3600)
    ExpertStats.objects.create(expert=s["cheap"].owner, response_seconds=3 * 86400)
    return s


def test_top_category_includes_its_subcategories(client, known):
    assert set(titles(search(client, category="design"))) == {"الف ارزان", "ب میانه", "د تازه"}
    assert set(titles(search(client, category="logo"))) == {"الف ارزان", "د تازه"}


def test_price_range_in_toman_with_any_digits(client, known):
    assert set(titles(search(client, min_price="۱۰۰٬۰۰۰", max_price="250000"))) == {"ب میانه", "د تازه"}
    assert set(titles(search(client, max_price="٧٠٠٠٠"))) == {"الف ارزان"}


def test_delivery_rating_and_fast_reply_filters(client, known):
    assert set(titles(search(client, max_days="2"))) == {"ب میانه", "ج گران"}
    assert set(titles(search(client, min_rating="4.5"))) == {"ب میانه", "ج گران"}
    assert titles(search(client, fast="on")) == ["ب میانه"]


def test_sorts(client, known):
    assert titles(search(client, sort="price_asc")) == ["الف ارزان", "د تازه", "ب میانه", "ج گران"]
    assert titles(search(client, sort="price_desc")) == ["ج گران", "ب میانه", "د تازه", "الف ارزان"]
    assert titles(search(client, sort="delivery")) == ["ج گران", "ب میانه", "د تازه", "الف ارزان"]
    assert titles(search(client, sort="newest"))[0] == "د تازه"


def test_bayesian_rating_puts_300_reviews_of_4_9_above_one_review_of_5(client, known):
    order = titles(search(client, sort="rating"))
    assert order.index("ب میانه") < order.index("ج گران")


def test_filters_live_in_the_url_and_htmx_gets_the_partial(client, known):
    response = client.get(reverse("search"), {"sort": "price_asc", "category": "design"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_empty_result_says_so_and_offers_to_remove_each_filter(client, known):
    html = search(client, q="هیچ‌چیز", max_days="1", category="logo").content.decode()
    assert "data-testid=\"no-results\"" in html
    import re

    links = re.findall(r'class="btn btn-sm btn-outline-primary" href="\?([^"]*)"', html)
    assert len(links) == 3
    assert sorted(("q=" in u, "max_days=" in u, "category=" in u).count(False) for u in links) == [1, 1, 1]


def test_category_page_is_the_same_search_with_the_category_fixed(rf, known):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore

    from search.views import search as search_view
    from services.models import Category

    request = rf.get("/categories/logo/", {"sort": "price_desc", "category": "law"})
    request.session, request.user, request.htmx = SessionStore(), AnonymousUser(), False
    response = search_view(request, category=Category.objects.get(slug="logo"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("د تازه") < body.index("الف ارزان") and "ج گران" not in body


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("params, message", [
    ({"q": "طراحی " * 400}, "طولانی"),
    ({"q": "!!! ??? ... ،؛"}, "حرف یا رقمی"),
    ({"q": "a & b | !c:* ( ) ' < > \\ ;DROP TABLE services_service;--"}, None),
    ({"q": "')) OR 1=1 --"}, None),
    ({"q": "🙂🎨"}, "حرف یا رقمی"),
    ({"min_price": "500000", "max_price": "100000"}, "بیشتر از بیشترین"),
    ({"min_price": "صد هزار"}, "عدد"),
    ({"max_days": "-3"}, None),
    ({"category": "no-such-category"}, "دسته"),
    ({"sort": "hack"}, "ترتیب"),
    ({"min_rating": "9"}, None),
    ({"page": "99999"}, "آخرین صفحه"),
    ({"page": "abc"}, None),
    ({"page": "-1"}, None),
])
def test_bad_input_gives_a_sane_persian_page(client, known, params, message):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()


def test_a_nul_byte_in_the_query_gets_the_persian_400_page(client, known):
    response = client.get(reverse("search"), {"q": "\x00طراحی"})
    assert response.status_code == 400
    assert "نویسه" in response.content.decode()


def test_parse_query_never_leaks_tsquery_syntax():
    parsed = parse_query("طراحي&لوگو|!(x):*'y'<->z\\")
    lexemes = re.findall(r"'([^']*)'", parsed.tsquery)
    assert lexemes and all(re.fullmatch(r"[^\W_]+", lexeme) for lexeme in lexemes)
    outside = re.sub(r"'[^']*'", "", parsed.tsquery)
    assert set(outside) <= set(" &|():*"), outside
    assert parse_query("&|!:*()'").tsquery is None
    assert len(parse_query("x" * 2000).text) == 200


# --- Speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"q": "خدمت"}, {"q": "خدمت", "sort": "rating"}, {"category": "design", "sort": "price_asc", "fast": "on"},
])
def test_query_count_is_constant_per_results_page(client, django_assert_max_num_queries, params, settings):
    settings.PAGE_CACHE = False  # measure the render itself, not the page cache
    top = CategoryFactory(slug="design")
    sub = SubCategoryFactory(parent=top)
    for i in range(30):
        service = make_service(f"خدمت شماره {i}", category=sub, tiers=2)
        ExpertStats.objects.create(expert=service.owner, response_seconds=600)
    search(client, **params)  # warm the category tree and rating mean caches
    with django_assert_max_num_queries(3):
        response = search(client, **params)
    assert len(response.context["services"]) == 24


def test_bulk_created_services_are_indexed_by_bulk_reindex(client, logo):
    from search.indexing import bulk_reindex

    Service.objects.bulk_create([Service(
        owner=logo.owner, category=logo.category, title="خوشنویسی دیجیتال", slug="x", description="متن",
        status=Service.Status.PUBLISHED, min_price=1_000_000,
    )])
    # bulk_create computes the vector too (the field's pre_save); a raw load does not:
    assert titles(search(client, q="خوشنویسی")) == ["خوشنویسی دیجیتال"]
    Service.objects.filter(title="خوشنویسی دیجیتال").update(search_vector=None)
    assert titles(search(client, q="خوشنویسی دیجیتال")) == []
    assert bulk_reindex(only_missing=True) == 1
    assert titles(search(client, q="خوشنويس")) == ["خوشنویسی دیجیتال"]  # another query: counts are cached a minute
