"""The service page, category pages and home page cost a constant number of queries."""

import pytest
from django.urls import reverse

from .factories import FAQFactory, GalleryImageFactory, SubCategoryFactory, published_service

pytestmark = pytest.mark.django_db

SERVICE_PAGE_QUERIES = 11  # + rating totals, first page of reviews, expert metrics (orders and people)
CATEGORY_PAGE_QUERIES = 8  # the search page with the category fixed (results cached after the first view)


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """Measure each page's own render, not the anonymous page cache (tests/test_pagecache.py)."""
    settings.PAGE_CACHE = False


@pytest.mark.parametrize(("packages", "images", "faqs"), [(1, 1, 0), (3, 6, 12)])
def test_service_page_queries_constant(client, django_assert_max_num_queries, packages, images, faqs):
    service = published_service(packages=packages, images=images, faqs=faqs)
    for _ in range(3):
        published_service(owner=service.owner, packages=3, images=2)
    with django_assert_max_num_queries(SERVICE_PAGE_QUERIES):
        response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="service-card"') == 3
    assert body.count("accordion-item") == faqs


@pytest.mark.parametrize("count", [1, 20])
def test_category_page_queries_constant(client, django_assert_max_num_queries, count):
    sub = SubCategoryFactory()
    for _ in range(count):
        service = published_service(category=sub, packages=3, images=1)
        GalleryImageFactory(service=service)
        FAQFactory(service=service)
    for url in (reverse("services:category", args=[sub.slug]), reverse("services:category", args=[sub.parent.slug])):
        with django_assert_max_num_queries(CATEGORY_PAGE_QUERIES):
            response = client.get(url)
        assert response.content.decode().count('data-testid="service-card"') == count


def test_home_and_category_list_queries(client, django_assert_max_num_queries):
    for _ in range(10):
        published_service()
    with django_assert_max_num_queries(6):
        body = client.get("/").content.decode()
    assert body.count('data-testid="service-card"') == 8
    with django_assert_max_num_queries(4):
        assert client.get(reverse("services:categories")).status_code == 200
