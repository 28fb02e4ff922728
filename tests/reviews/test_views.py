"""Review pages: who may see what, Persian errors beside the field with the typed text kept,
the service page and profile from real rows, and constant queries at two sizes."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from home.models import Profile
from reviews import actions
from reviews.exceptions import ReviewError
from reviews.models import Review
from tests.accounts.factories import UserFactory
from tests.orders import factories as of
from tests.services.factories import PackageFactory, ServiceFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def test_review_page_only_for_the_parties(client):
    order = f.completed_order()
    url = reverse("reviews:order_review", args=[order.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"rating": 5}).status_code == 404
    client.force_login(order.buyer)
    body = client.get(url).content.decode()
    assert "ارتباط با متخصص" in body and 'name="on_time"' in body


def test_bad_input_shows_persian_errors_and_keeps_the_text(client):
    order = f.completed_order()
    client.force_login(order.buyer)
    url = reverse("reviews:order_review", args=[order.pk])
    typed = "متن من " + "ا" * 1995
    response = client.post(url, {"rating": "6", "communication": "۵", "as_described": "", "on_time": "0",
                                 "text": typed + "اضافه"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("از یک تا پنج ستاره انتخاب کنید.") == 3  # rating 6, as_described missing, on_time 0
    assert "حداکثر ۲۰۰۰ نویسه" in body or "حداکثر 2000 نویسه" in body
    assert typed in body  # what the user typed stays
    assert 'value="5" checked' in body  # «۵» was accepted for communication
    assert not Review.objects.exists()


def test_posting_a_review_and_script_text_is_escaped_on_the_service_page(client):
    order = f.completed_order()
    client.force_login(order.buyer)
    client.post(reverse("reviews:order_review", args=[order.pk]),
                {"rating": "4", "communication": "5", "as_described": "4", "on_time": "3",
                 "text": "<script>alert('x')</script> کار خوبی بود"})
    # The expert's order page: the buyer's review stays hidden until the expert writes theirs.
    client.force_login(order.expert)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "کار خوبی بود" not in page and 'data-testid="other-hidden"' in page
    client.post(reverse("reviews:order_review", args=[order.pk]), {"rating": "5", "text": "خریدار خوب"})
    page = client.get(order.get_absolute_url()).content.decode()
    assert "کار خوبی بود" in page
    assert 'data-testid="buyer-reputation"' in page  # experts see what experts wrote of the buyer
    client.logout()
    body = client.get(order.service.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; کار خوبی بود" in body
    assert "<script>alert('x')</script>" not in body
    assert "۴٫۰ (۱ نظر)" in body
    assert "هنوز نظری ثبت نشده" not in body
    assert "تا ۵۰۰٬۰۰۰ تومان" in body  # the price band, never the exact price
    assert "۱۲۰٬۰۰۰ تومان" not in body.split('id="reviews"')[1].split("</section>")[0]


def test_reply_view_is_404_for_another_expert(client):
    order = f.completed_order()
    review = f.buyer_review(order)
    f.expert_review(order)
    client.force_login(f.completed_order().expert)
    assert client.post(reverse("reviews:reply", args=[review.pk]), {"text": "x"}).status_code == 404
    client.force_login(order.expert)
    client.post(reverse("reviews:reply", args=[review.pk]), {"text": "سپاس از شما", "mode": "create"})
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"text": "دوباره", "mode": "create"})
    assert "شما پیش‌تر به این نظر پاسخ داده‌اید." in response.content.decode()
    assert review.__class__.objects.get(pk=review.pk).reply.text == "سپاس از شما"


def test_helpful_by_htmx(client):
    order = f.completed_order()
    review = f.buyer_review(order)
    f.expert_review(order)
    client.force_login(UserFactory())
    response = client.post(reverse("reviews:helpful", args=[review.pk]), HTTP_HX_REQUEST="true")
    assert "۱ نفر این نظر را مفید دانستند" in response.content.decode()


def test_double_submission_from_two_tabs_creates_one_review(transactional_db):
    order = f.completed_order()
    barrier = threading.Barrier(2)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(f.buyer_review(order, 5).pk)
        except ReviewError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Review.objects.filter(order=order).count() == 1
    assert sorted(map(str, results))[1] == "duplicate"


@pytest.mark.parametrize("n", [12, 5000])
def test_service_page_reviews_in_constant_queries(client, django_assert_max_num_queries, n):
    service = ServiceFactory(status="published")
    PackageFactory(service=service)
    f.bulk_reviews(service, n)
    client.force_login(UserFactory())
    # 17 signed in at both sizes, for the first visitor: the user with their expert profile (1), the catalogue
    # version (1), the page (6), the header's unread message and notification totals on a cold cache (2),
    # expert profile, rating totals, reviews, response statistics, order figures and last seen (6), then this
    # visitor's saved heart and helpful marks (1 each; azmoodegan.shared).
    with django_assert_max_num_queries(17):
        body = client.get(service.get_absolute_url()).content.decode()
    assert body.count('data-testid="review"') == 10
    # The next signed-in visitor gets the shared page: user, version, heart, helpful marks, unread totals (cold).
    other = Client()
    other.force_login(UserFactory())
    with django_assert_max_num_queries(6):
        body = other.get(service.get_absolute_url()).content.decode()
    assert body.count('data-testid="review"') == 10 and body.count('data-testid="helpful"') == 10
    with django_assert_max_num_queries(5):
        fragment = client.get(reverse("reviews:service_reviews", args=[service.pk]) + "?sort=helpful&page=2",
                              HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count('data-testid="review"') == min(10, n - 10)


def test_profile_and_metrics_from_real_rows(client):
    order = f.completed_order()
    f.buyer_review(order, 5)
    f.expert_review(order)
    f.paid_order_of(order.package)  # one in the queue
    Profile.objects.create(user=order.expert, mobile="09121234567", mobile_verified_at=timezone.now(),
                           identity=Profile.Identity.VERIFIED)
    body = client.get(reverse("accounts:expert_public", args=[order.expert_id])).content.decode()
    assert 'data-testid="metric-completed">۱<' in body
    assert 'data-testid="metric-queue">۱<' in body
    assert 'data-testid="metric-on-time">۱۰۰٪<' in body
    assert 'data-testid="verified"' in body
    assert 'data-testid="review"' in body


def test_levels_page_and_dashboard_progress(client):
    assert "سطح‌های متخصصان" in client.get(reverse("reviews:levels")).content.decode()
    order = f.completed_order()
    client.force_login(order.expert)
    body = client.get(reverse("services:dashboard")).content.decode()
    assert 'data-testid="level-progress"' in body
    assert body.count('data-testid="level-rule"') == 5  # response rate not measured yet: not a rule
    assert re.search(r"۱\s*<span class=\"az-muted\">/ ۱۰</span>", body)  # 1 of the 10 completed orders needed


def test_order_page_invites_after_completion_only(client):
    order = of.delivered_order()
    client.force_login(order.buyer)
    assert 'data-testid="write-review"' not in client.get(order.get_absolute_url()).content.decode()
    from orders import actions as order_actions

    order_actions.order_confirm(order_id=order.pk, actor=order.buyer)
    assert 'data-testid="write-review"' in client.get(order.get_absolute_url()).content.decode()
    actions.review_submit(order_id=order.pk, actor=order.buyer, rating=5, communication=5, as_described=5, on_time=5)
    assert 'data-testid="my-review-status"' in client.get(order.get_absolute_url()).content.decode()


@pytest.mark.parametrize("n", [12, 400])
def test_expert_profile_in_constant_queries(client, django_assert_max_num_queries, n):
    service = ServiceFactory(status="published")
    PackageFactory(service=service)
    f.bulk_reviews(service, n)
    # rendered, the page cache version check, response statistics and the portfolio
    with django_assert_max_num_queries(10):
        body = client.get(reverse("accounts:expert_public", args=[service.owner_id])).content.decode()
    assert body.count('data-testid="review"') == 10
    assert f'data-testid="metric-completed">{n}<'.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in body
    page2 = client.get(reverse("reviews:expert_reviews", args=[service.owner_id]) + "?page=2&sort=helpful")
    assert page2.status_code == 200 and page2.content.decode().count('data-testid="review"') == min(10, n - 10)


def test_reply_edit_within_24_hours_through_the_page(client):
    order = f.completed_order()
    review = f.buyer_review(order)
    f.expert_review(order)
    actions.reply_create(review_id=review.pk, actor=order.expert, text="سپاس")
    client.force_login(order.expert)
    url = reverse("reviews:reply", args=[review.pk])
    assert "سپاس" in client.get(url + "?edit=1").content.decode()
    client.post(url, {"text": "سپاس فراوان", "mode": "edit"})
    review.refresh_from_db()
    assert review.reply.text == "سپاس فراوان"
    empty = client.post(url, {"text": "", "mode": "edit"}).content.decode()
    assert "پاسخ خود را بنویسید." in empty
