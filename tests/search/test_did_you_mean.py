"""“Did you mean” on zero results, with pg_trgm where PostgreSQL offers it, and none without it.

The suggestion tests need pg_trgm. They skip only when the test database's server does not offer
the extension at all (the embedded PostgreSQL); where it is offered, migration 0003 must have
installed it, and a missing extension fails the tests instead of skipping them.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import suggest

from .factories import make_service

pytestmark = pytest.mark.django_db


def offered() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


@pytest.fixture
def trgm(db):
    if not offered():
        pytest.skip("pg_trgm is not available on this PostgreSQL server (the embedded one lacks it)")
    assert suggest.trigram_available(), "pg_trgm is offered but migration search.0003 did not install it"


@pytest.fixture
def catalogue():
    return [
        make_service("طراحی لوگو حرفه‌ای برای کسب‌وکار شما", tags=["لوگو", "برند"], price_toman=300_000),
        make_service("طراحی لوگو 3D سه‌بعدی", price_toman=500_000),
        make_service("ترجمه مقاله انگلیسی", description="ترجمه دقیق و روان متن‌های تخصصی"),
        make_service("مشاوره مالیاتی", description="پاسخ به پرسش‌های مالیاتی شما"),
    ]


def get(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


def suggestion(response):
    return response.context["suggestion"]


def titles(response):
    return [getattr(s, "plain_title", s.title) for s in response.context["services"]]


def test_the_trigram_index_exists(trgm):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_service_title_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]


def test_a_misspelt_word_is_corrected_and_the_link_finds_services(client, trgm, catalogue):
    response = get(client, q="طراهی لوگو")
    assert titles(response) == []
    found = suggestion(response)
    assert found["text"] == "طراحی لوگو"
    html = response.content.decode()
    assert "منظورتان «طراحی لوگو» بود؟" in html
    assert 'data-testid="did-you-mean"' in html
    params = parse_qs(urlsplit(found["url"]).query)
    assert params == {"q": ["طراحی لوگو"]}
    followed = client.get(reverse("search") + found["url"])
    assert len(titles(followed)) == 2 and suggestion(followed) is None


def test_arabic_letters_and_other_digits_are_corrected_too(client, trgm, catalogue):
    # Arabic yeh and kaf, Arabic-Indic digit: the query is normalised before it is corrected.
    response = get(client, q="طراهي لوگو ٣D", max_price="۶۰۰٬۰۰۰", sort="price_asc", page="3")
    found = suggestion(response)
    assert found["text"] == "طراحی لوگو 3d"
    assert "منظورتان «طراحی لوگو ۳d» بود؟" in response.content.decode()
    # The other filters are kept, the page is not.
    params = parse_qs(urlsplit(found["url"]).query)
    assert params == {"q": ["طراحی لوگو 3d"], "max_price": ["۶۰۰٬۰۰۰"], "sort": ["price_asc"]}
    followed = client.get(reverse("search") + found["url"])
    assert titles(followed) == ["طراحی لوگو 3D سه‌بعدی"]

    assert suggestion(get(client, q="مشاوره مالیاتي كامل")) is None  # «کامل» is nowhere: no rescue
    assert suggestion(get(client, q="ترجمع مقاله"))["text"] == "ترجمه مقاله"


def test_no_suggestion_when_the_correction_finds_nothing_with_the_filters(client, trgm, catalogue):
    assert suggestion(get(client, q="طراهی لوگو", max_price="1000")) is None
    assert suggestion(get(client, q="طراهی لوگو", max_price="400000"))["text"] == "طراحی لوگو"


@pytest.mark.parametrize("query", ["زرشک پلو", "qwzx", "هواپیما", "لگ"])
def test_no_suggestion_when_nothing_similar_exists(client, trgm, catalogue, query):
    response = get(client, q=query)
    assert titles(response) == [] and suggestion(response) is None
    html = response.content.decode()
    assert 'data-testid="no-results"' in html and "did-you-mean" not in html


def test_a_correct_word_is_never_replaced(client, trgm, catalogue):
    # «ترجمه» and «مالیاتی» both exist, just never together: nothing to correct.
    assert suggestion(get(client, q="ترجمه مالیاتی")) is None


@pytest.mark.parametrize("query", [
    "طراهی & لوگو | !(x):* '<->' \\",
    "')) OR 1=1; DROP TABLE services_service; --",
    "طراهی " * 400,
    "ط" * 2000,
    "🙂 طراهی 🎨",
    "<script>alert(1)</script> طراهی",
])
def test_syntax_and_huge_queries_give_a_sane_page(client, trgm, catalogue, query):
    response = get(client, q=query)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    found = suggestion(response)
    if found is not None:
        assert re.fullmatch(r"[^\W_]+( [^\W_]+)*", found["text"]), found
        assert len(get(client, q=found["text"]).context["services"]) > 0


def test_the_suggestion_costs_a_fixed_number_of_queries(client, trgm, catalogue, settings):
    settings.PAGE_CACHE = False
    get(client, q="ترجمه")  # warm the category tree and the rating mean

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = get(client, **params)
        return len(ctx.captured_queries), response

    one, r1 = count(q="طراهی")
    three, r3 = count(q="طراهی لوگوو حرفه‌ایی")
    none, r0 = count(q="زرشک پلو خورشت")
    assert suggestion(r1) and suggestion(r3) and suggestion(r0) is None
    # However many words: the count, a savepoint, the threshold, one suggestion statement, and one
    # existence check of the correction (skipped when there is none to check).
    assert one == three <= 6 and none == one - 1, (one, three, none)
    again, _ = count(q="طراهی")  # the answer is cached as briefly as the count
    assert again < one


def test_database_errors_mean_no_suggestion_never_a_500(client, catalogue, monkeypatch):
    """Runs on every server: a broken suggestion query is rolled back and the page still renders."""
    monkeypatch.setattr(suggest, "trigram_available", lambda: True)
    monkeypatch.setattr(suggest, "SUGGEST_SQL", "SELECT no_such_function(%s, %s, %s)")
    response = get(client, q="طراهی لوگو")
    assert suggestion(response) is None and 'data-testid="no-results"' in response.content.decode()
    assert len(titles(get(client, q="طراحی لوگو"))) == 2  # the connection is still usable


def test_without_pg_trgm_the_search_is_complete(client, catalogue, monkeypatch):
    monkeypatch.setattr(suggest, "_available", {connection.settings_dict["NAME"]: False})
    response = get(client, q="طراهی لوگو")
    assert suggestion(response) is None and 'data-testid="no-results"' in response.content.decode()
    assert len(titles(get(client, q="طراحی لوگو"))) == 2
    assert len(titles(get(client, q="طراح"))) == 2
