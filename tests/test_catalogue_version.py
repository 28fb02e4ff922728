"""The catalogue version: raised at commit, only for public changes, never a lock between writers;
every cache of catalogue data (pages, result ids, counts) follows it."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from azmoodegan.pagecache import catalogue_version
from search.models import ExpertStats, Synonym
from services.models import Service
from tests.search.factories import make_service

from .services.factories import ServiceFactory


def titles(response) -> list[str]:
    return [getattr(s, "plain_title", s.title) for s in response.context["services"]]


SEARCH_URLS = [
    {"q": "لوگو"},
    {"q": "لوگو", "sort": "price_asc"},
    {"q": "طراحی لوگو", "sort": "newest"},
    {"q": "logo"},
    {"q": "لوگو", "max_price": "900000"},
    {},
    {"sort": "rating"},
]


@pytest.mark.django_db(transaction=True)
def test_a_newly_published_service_is_on_every_search_url_at_once(client):
    """Real commits, real deferred triggers: every cached page, id list and count is left behind."""
    Synonym.objects.get_or_create(term="logo", synonym="لوگو")  # a flushed database lost the seeded pairs
    first = make_service("طراحی لوگو مینیمال", price_toman=200_000)
    for params in SEARCH_URLS:
        assert first.title in str(client.get(reverse("search"), params).content.decode())
        # htmx fragments too
        client.get(reverse("search"), params, headers={"HX-Request": "true"})
    before = catalogue_version()
    new = make_service("طراحی لوگو فروشگاهی", price_toman=300_000)
    assert catalogue_version() > before
    for params in SEARCH_URLS:
        html = client.get(reverse("search"), params).content.decode()
        assert "طراحی لوگو فروشگاهی" in html, params
        fragment = client.get(reverse("search"), params, headers={"HX-Request": "true"}).content.decode()
        assert "طراحی لوگو فروشگاهی" in fragment, params
    # And gone at once when paused.
    Service.objects.filter(pk=new.pk).update(status=Service.Status.PAUSED)
    for params in SEARCH_URLS:
        assert "طراحی لوگو فروشگاهی" not in client.get(reverse("search"), params).content.decode(), params


@pytest.mark.django_db
def test_result_ids_and_counts_follow_the_version_even_without_the_page_cache(client, settings):
    settings.PAGE_CACHE = False
    make_service("ترجمه مقاله انگلیسی")
    assert len(titles(client.get(reverse("search"), {"q": "ترجمه"}))) == 1
    make_service("ترجمه کتاب انگلیسی")
    response = client.get(reverse("search"), {"q": "ترجمه"})
    assert len(titles(response)) == 2 and response.context["page"].paginator.count == 2


@pytest.mark.django_db
def test_an_htmx_history_restore_gets_the_whole_page(client):
    make_service("طراحی لوگو مینیمال")
    url = reverse("search") + "?q=لوگو"
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    restored = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    html = restored.content.decode()
    assert "<html" in html and 'id="search-results"' in html
    assert "<html" in client.get(url).content.decode()  # and a plain visit too, after both
    assert "<html" not in client.get(url, headers={"HX-Request": "true"}).content.decode()


@pytest.mark.django_db
def test_only_public_changes_raise_the_version():
    draft = ServiceFactory(title="پیش‌نویس")
    live = make_service("خدمت منتشرشده")
    before = catalogue_version()
    # A draft edit, a bookkeeping column of a live service: nothing a visitor sees.
    Service.objects.filter(pk=draft.pk).update(title="پیش‌نویس دوم", description="متن تازه")
    Service.objects.filter(pk=live.pk).update(rejection_reason="x")
    live.save(update_fields=["updated_at"])
    assert catalogue_version() == before
    # A shown column of a live service: raised.
    Service.objects.filter(pk=live.pk).update(min_price=7_770_000)
    assert catalogue_version() > before
    # An expert crossing the "answers within a day" line changes the fast-reply filter.
    before = catalogue_version()
    stats = ExpertStats.objects.create(expert=live.owner, response_seconds=3 * 86400)
    assert catalogue_version() == before
    stats.response_seconds = 3600
    stats.save()
    assert catalogue_version() > before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_raises_nothing_and_many_rows_raise_it_once():
    services = [make_service(f"خدمت {i}") for i in range(3)]
    before = catalogue_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Service.objects.filter(pk=services[0].pk).update(min_price=1_230_000)
        raise RuntimeError
    assert catalogue_version() == before
    with transaction.atomic():
        Service.objects.filter(pk__in=[s.pk for s in services]).update(min_price=4_560_000)
        Service.objects.filter(pk=services[0].pk).update(min_delivery_days=9)
        assert catalogue_version() == before  # not before the commit
    assert catalogue_version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_different_services_do_not_wait_for_each_other():
    one, two = make_service("خدمت یک"), make_service("خدمت دو")
    before = catalogue_version()
    edited = threading.Event()
    done = threading.Event()
    errors = []

    def slow_editor():
        try:
            with transaction.atomic():
                Service.objects.filter(pk=one.pk).update(title="خدمت یک (ویرایش)", min_price=2_000_000)
                edited.set()
                done.wait(5)  # holds its transaction open while the other edit runs
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_editor)
    thread.start()
    assert edited.wait(5)
    started = time.monotonic()
    with transaction.atomic():
        Service.objects.filter(pk=two.pk).update(title="خدمت دو (ویرایش)", min_price=3_000_000)
    took = time.monotonic() - started
    done.set()
    thread.join(10)
    assert not errors
    assert took < 0.5, f"the second edit waited {took:.2f}s for the first"
    assert catalogue_version() == before + 2


@pytest.mark.django_db
def test_a_raw_update_of_a_package_is_seen_by_cached_pages(client):
    service = make_service("طراحی لوگو مینیمال", price_toman=200_000)
    url = service.get_absolute_url()
    client.get(url)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services_package SET price = 987650000 WHERE service_id = %s", [service.pk])
    assert "۹۸٬۷۶۵٬۰۰۰ تومان" in client.get(url).content.decode()
