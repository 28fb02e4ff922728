"""“Did you mean” from the vocabulary of indexed words: on every PostgreSQL, no extension needed."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import suggest
from search.indexing import rebuild_vocabulary

from .factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    services = [
        make_service("طراحی لوگو حرفه‌ای برای کسب‌وکار شما", tags=["لوگو", "برند"], price_toman=300_000),
        make_service("طراحی لوگو 3D سه‌بعدی", price_toman=500_000),
        make_service("ترجمه مقاله انگلیسی", description="ترجمه دقیق و روان متن‌های تخصصی"),
        make_service("مشاوره مالیاتی", description="پاسخ به پرسش‌های مالیاتی شما"),
    ]
    rebuild_vocabulary()
    return services


def get(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


def suggestion(response):
    return response.context["suggestion"]


def titles(response):
    return [getattr(s, "plain_title", s.title) for s in response.context["services"]]


def test_a_misspelt_word_is_corrected_and_the_link_finds_services(client, catalogue):
    response = get(client, q="طراهی لوگو")
    # No service has both words: those with «لوگو» are shown, with a notice and the correction.
    assert len(titles(response)) == 2 and response.context["fallback"]
    found = suggestion(response)
    assert found["text"] == "طراحی لوگو"
    html = response.content.decode()
    assert "منظورتان «طراحی لوگو» بود؟" in html
    assert 'data-testid="did-you-mean"' in html
    params = parse_qs(urlsplit(found["url"]).query)
    assert params == {"q": ["طراحی لوگو"]}
    followed = client.get(reverse("search") + found["url"])
    assert len(titles(followed)) == 2 and suggestion(followed) is None


def test_arabic_letters_and_other_digits_are_corrected_too(client, catalogue):
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


def test_no_suggestion_when_the_correction_finds_nothing_with_the_filters(client, catalogue):
    assert suggestion(get(client, q="طراهی لوگو", max_price="1000")) is None
    assert suggestion(get(client, q="طراهی لوگو", max_price="400000"))["text"] == "طراحی لوگو"


@pytest.mark.parametrize("query", ["زرشک پلو", "qwzx", "هواپیما", "لگ"])
def test_no_suggestion_when_nothing_similar_exists(client, catalogue, query):
    response = get(client, q=query)
    assert titles(response) == [] and suggestion(response) is None
    html = response.content.decode()
    assert 'data-testid="no-results"' in html and "did-you-mean" not in html


def test_a_correct_word_is_never_replaced(client, catalogue):
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
def test_syntax_and_huge_queries_give_a_sane_page(client, catalogue, query):
    response = get(client, q=query)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    found = suggestion(response)
    if found is not None:
        assert re.fullmatch(r"[^\W_]+( [^\W_]+)*", found["text"]), found
        assert len(get(client, q=found["text"]).context["services"]) > 0


def test_the_suggestion_costs_a_fixed_number_of_queries(client, catalogue, settings):
    settings.PAGE_CACHE = False
    get(client, q="ترجمه")  # warm the category tree and the rating mean

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = get(client, **params)
        return len(ctx.captured_queries), response

    one, r1 = count(q="طراهی")
    two, r2 = count(q="طراهی حرفه")
    four, r4 = count(q="طراهی لوگوو حرفه‌ایی برندد")
    none, r0 = count(q="زرشک پلو خورشت")
    assert suggestion(r1) and suggestion(r2) and suggestion(r4) and suggestion(r0) is None
    # However many words: the version, the count (and the any-word count when all words found
    # nothing), a savepoint, one suggestion statement and one existence check of the correction.
    assert one <= 7 and two == four <= 10 and none <= four, (one, two, four, none)
    again, _ = count(q="طراهی")  # the answer is cached as briefly as the count
    assert again < one


def test_database_errors_mean_no_suggestion_never_a_500(client, catalogue, monkeypatch):
    """Runs on every server: a broken suggestion query is rolled back and the page still renders."""
    monkeypatch.setattr(suggest, "SUGGEST_SQL", "SELECT no_such_function(%s, %s, %s)")
    response = get(client, q="طراهی")
    assert suggestion(response) is None and 'data-testid="no-results"' in response.content.decode()
    assert len(titles(get(client, q="طراحی لوگو"))) == 2  # the connection is still usable
