"""The pages: who may see what (404 for others), Persian errors beside the field with the text kept,
and constant query counts for the board and for a request with many offers."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from buyer_requests import actions
from buyer_requests.models import BuyerRequest, Offer
from tests.services.factories import SubCategoryFactory

from .factories import buyer, expert_in, offer, public_request

pytestmark = pytest.mark.django_db

BOARD_TITLE = re.compile(r'data-testid="board-item">\s*<div[^>]*>\s*<h2 class="mb-1">([^<]*)</h2>')


def board_titles(html: str) -> list[str]:
    return BOARD_TITLE.findall(html)


@pytest.fixture
def cat():
    return SubCategoryFactory()


def test_post_a_request_with_persian_digits(client, cat):
    b = buyer()
    client.force_login(b)
    response = client.post(reverse("buyer_requests:new"), {
        "category": cat.pk, "title": "طراحی لوگوی نانوایی", "description": "یک لوگوی ساده و گرم برای نانوایی سنتی.",
        "budget_min": "۵۰۰٬۰۰۰", "budget_max": "٢٠٠٠٠٠٠", "deadline_days": "۷",
    })
    req = BuyerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert (req.budget_min, req.budget_max, req.deadline_days) == (5_000_000, 20_000_000, 7)


def test_upside_down_budget_and_missing_category_keep_the_text(client):
    client.force_login(buyer())
    response = client.post(reverse("buyer_requests:new"), {
        "title": "طراحی لوگوی نانوایی", "description": "یک لوگوی ساده و گرم برای نانوایی سنتی.",
        "budget_min": "۲۰۰۰۰۰۰", "budget_max": "۵۰۰۰۰۰", "deadline_days": "۷",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please choose a category." in html or "لطفاً یک دسته" in html
    form = response.context["form"]
    assert "budget_max" in form.errors and "category" in form.errors
    assert "یک لوگوی ساده و گرم برای نانوایی سنتی." in html
    assert not BuyerRequest.objects.exists()


def test_offer_below_minimum_error_beside_price(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    client.force_login(e)
    response = client.post(reverse("buyer_requests:offer_create", args=[req.pk]), {
        "title": "لوگوی نانوایی در سه طرح", "description": "سه طرح اولیه، یک طرح نهایی با فایل‌های لایه‌باز.",
        "price": "۴۰٬۰۰۰", "delivery_days": "۵", "revisions": "۲", "expiry_days": "۷",
    })
    assert response.status_code == 400
    assert "price" in response.context["offer_form"].errors
    assert "سه طرح اولیه، یک طرح نهایی" in response.content.decode()
    assert not Offer.objects.exists()


def test_others_ids_answer_404(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    stranger = buyer()
    client.force_login(stranger)
    for name, args in [("detail", [req.pk]), ("offer", [o.pk]), ("offer_accept", [o.pk]), ("offer_edit", [o.pk])]:
        assert client.get(reverse(f"buyer_requests:{name}", args=args)).status_code == 404, name
    for name, args in [("close", [req.pk]), ("extend", [req.pk]), ("offer_withdraw", [o.pk]),
                       ("offer_decline", [o.pk]), ("offer_accept", [o.pk])]:
        assert client.post(reverse(f"buyer_requests:{name}", args=args)).status_code == 404, name
    # An expert of another category cannot see the request either.
    client.force_login(expert_in(SubCategoryFactory()))
    assert client.get(req.get_absolute_url()).status_code == 404
    # The bidder cannot accept their own offer, nor can the buyer edit it.
    client.force_login(e)
    assert client.get(reverse("buyer_requests:offer_accept", args=[o.pk])).status_code == 404
    client.force_login(req.buyer)
    assert client.get(reverse("buyer_requests:offer_edit", args=[o.pk])).status_code == 404
    req.refresh_from_db()
    o.refresh_from_db()
    assert req.status == "open" and o.status == "sent"


def test_pending_and_hidden_requests_are_not_on_the_board(client, cat):
    e = expert_in(cat)
    shown = public_request(category=cat, title="درخواست نمایش داده شده")
    waiting = public_request(buyer(date_joined=timezone.now()), category=cat, title="درخواست در صف بررسی")
    hidden = public_request(category=cat, title="درخواست پنهان شده")
    actions.request_moderate(request_id=hidden.pk, staff=buyer(is_staff=True), approve=False, reason="تبلیغ")
    client.force_login(e)
    html = client.get(reverse("buyer_requests:board")).content.decode()
    assert shown.title in html and waiting.title not in html and hidden.title not in html
    assert client.get(waiting.get_absolute_url()).status_code == 404


def test_board_filters_and_persian_search(client, cat):
    e = expert_in(cat)
    public_request(category=cat, title="ترجمه مقاله علمی", budget_min=1_000_000, budget_max=2_000_000)
    with_offer = public_request(category=cat, title="طراحی لوگو برای كافه", budget_min=10_000_000,
                                budget_max=30_000_000)
    offer(expert_in(cat), with_offer)
    client.force_login(e)
    url = reverse("buyer_requests:board")
    titles = lambda r: board_titles(r.content.decode())  # noqa: E731
    assert titles(client.get(url)) == ["طراحی لوگو برای كافه", "ترجمه مقاله علمی"]  # newest first
    assert titles(client.get(url, {"q": "کافه"})) == ["طراحی لوگو برای كافه"]  # Arabic kaf found by Persian
    assert titles(client.get(url, {"budget": "۲٬۵۰۰٬۰۰۰"})) == ["طراحی لوگو برای كافه"]
    assert titles(client.get(url, {"no_offers": "on"})) == ["ترجمه مقاله علمی"]
    # Experts see the count, never the prices of others' offers.
    html = client.get(url).content.decode()
    assert "۸۰۰٬۰۰۰" not in html


def _bulk_requests(cat, n, buyer_user):
    now = timezone.now()
    BuyerRequest.objects.bulk_create([
        BuyerRequest(kind="public", buyer=buyer_user, category=cat, title=f"درخواست شماره {i}",
                     description="شرح درخواست برای آزمون سرعت صفحه", budget_min=1_000_000, budget_max=2_000_000,
                     deadline_days=7, expires_at=now + dt.timedelta(days=14), search_text=f"درخواست شماره {i}")
        for i in range(n)
    ])


@pytest.mark.parametrize("n", [3, 60])
def test_board_queries_are_constant(client, cat, django_assert_max_num_queries, n):
    e = expert_in(cat)
    _bulk_requests(cat, n, buyer())
    client.force_login(e)
    url = reverse("buyer_requests:board")
    client.get(url)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url, {"q": "درخواست", "category": cat.pk, "budget": "100000", "no_offers": "on",
                                "page": 2}).status_code == 200


@pytest.mark.parametrize("n", [2, 50])
def test_request_with_many_offers_in_constant_queries(client, cat, django_assert_max_num_queries, n):
    req = public_request(category=cat)
    for _ in range(n):
        offer(expert_in(cat), req)
    client.force_login(req.buyer)
    with django_assert_max_num_queries(8):
        response = client.get(req.get_absolute_url())
    assert len(response.context["offers"]) == n
    assert response.content.decode().count('data-testid="offer-card"') == n


def test_dashboards_show_states_and_counts(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    client.force_login(req.buyer)
    html = client.get(reverse("buyer_requests:mine")).content.decode()
    assert req.title in html
    client.get(req.get_absolute_url())  # the buyer sees the offers: marked as seen
    o.refresh_from_db()
    assert o.viewed_at is not None
    client.force_login(e)
    response = client.get(reverse("buyer_requests:my_offers"), {"state": "viewed"})
    assert [x.pk for x in response.context["page"].object_list] == [o.pk]
    assert not client.get(reverse("buyer_requests:my_offers"), {"state": "accepted"}).context["page"].object_list


def test_contact_details_warn_first_then_go_to_the_staff_queue(client, cat):
    client.force_login(buyer())
    data = {"category": cat.pk, "title": "طراحی لوگوی نانوایی",
            "description": "یک لوگوی ساده می‌خواهم، لطفاً به شمارهٔ ۰۹۱۲ ۳۴۵ ۶۷۸۹ پیام بدهید.",
            "budget_min": "۵۰۰٬۰۰۰", "budget_max": "۱٬۰۰۰٬۰۰۰", "deadline_days": "۷"}
    response = client.post(reverse("buyer_requests:new"), data)
    assert response.status_code == 200 and not BuyerRequest.objects.exists()
    html = response.content.decode()
    assert 'data-testid="contact-warning"' in html and "۰۹۱۲ ۳۴۵ ۶۷۸۹" in html
    assert response.context["form"].data["confirm_contact"] == "on"
    response = client.post(reverse("buyer_requests:new"), {**data, "confirm_contact": "on"})
    req = BuyerRequest.objects.get()
    assert req.moderation == BuyerRequest.Moderation.PENDING and "phone" in req.flag_kinds


def test_expert_edits_the_offer_in_persian_digits_then_withdraws(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    client.force_login(e)
    url = reverse("buyer_requests:offer_edit", args=[o.pk])
    form = client.get(url).context["form"]
    assert form.initial["price"] == "۸۰۰٬۰۰۰"
    response = client.post(url, {"title": o.title, "description": o.description, "price": "۷۵۰٬۰۰۰",
                                 "delivery_days": "۹۱", "revisions": "۲", "expiry_days": "۵"})
    assert "delivery_days" in response.context["form"].errors  # 91 days refused beside the field
    response = client.post(url, {"title": o.title, "description": o.description, "price": "۷۵۰٬۰۰۰",
                                 "delivery_days": "۶", "revisions": "۲", "expiry_days": "۵"})
    o.refresh_from_db()
    assert response.status_code == 302 and (o.price, o.delivery_days) == (7_500_000, 6)
    client.post(reverse("buyer_requests:offer_withdraw", args=[o.pk]))
    o.refresh_from_db()
    req.refresh_from_db()
    assert o.status == "withdrawn" and req.offer_count == 0


def test_expert_asks_the_buyer_in_a_conversation_where_they_are_the_expert(client, cat):
    from messaging.models import Conversation

    req = public_request(category=cat)
    e = expert_in(cat)
    client.force_login(e)
    response = client.get(reverse("buyer_requests:ask", args=[req.pk]))
    conv = Conversation.objects.get()
    assert response["Location"] == conv.get_absolute_url()
    assert (conv.buyer_id, conv.expert_id) == (req.buyer_id, e.pk)
    client.force_login(expert_in(SubCategoryFactory()))
    assert client.get(reverse("buyer_requests:ask", args=[req.pk])).status_code == 404


def test_staff_read_the_offers_without_buttons(client, cat):
    req = public_request(category=cat)
    offer(expert_in(cat), req)
    client.force_login(buyer(is_staff=True))
    html = client.get(req.get_absolute_url()).content.decode()
    assert 'data-testid="offer-card"' in html
    assert 'data-testid="accept"' not in html and 'data-testid="offer-form"' not in html


def test_offer_edited_while_the_buyer_looks_is_not_accepted(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    client.force_login(req.buyer)
    url = reverse("buyer_requests:offer_accept", args=[o.pk])
    seen = client.get(url).context["total"]
    actions.offer_update(offer_id=o.pk, expert=e, title=o.title, description=o.description, price=9_000_000,
                         delivery_days=5, revisions=2, expiry_days=7)
    response = client.post(url, {"method": "gateway", "expected_total": seen})
    assert response.status_code == 200 and response.context["error"]
    assert response.context["total"] > seen  # the new terms are shown
    o.refresh_from_db()
    assert o.status == "sent" and o.order_id is None
    response = client.post(url, {"method": "gateway", "expected_total": response.context["total"]})
    o.refresh_from_db()
    assert response.status_code == 302 and o.status == "accepted" and o.order.price == 9_000_000
