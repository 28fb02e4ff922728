"""The public requests board is shared HTML (buyer_requests.board): every expert must still see their
own marks and never another's, and a change to a request shows on the next visit."""

import datetime as dt
import re

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from buyer_requests import actions
from buyer_requests.board import board_state
from buyer_requests.models import BoardVersion, BuyerRequest
from services.models import Service
from tests.services.factories import CategoryFactory, ServiceFactory, SubCategoryFactory

from .factories import buyer, expert_in, offer, public_request

pytestmark = pytest.mark.django_db

URL = "/requests/board/"
SENT = "پیشنهاد فرستاده‌اید"
CARD = re.compile(r'<a class="list-group-item[^"]*" href="/requests/(\d+)/" data-testid="board-item">(.*?)</a>', re.S)


@pytest.fixture
def cat():
    return SubCategoryFactory()


def cards(client, path=URL) -> dict[int, str]:
    """Each request on the board (by id) with the HTML of its card."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "az-offered" not in html  # every marker is filled or removed
    return {int(pk): body for pk, body in CARD.findall(html)}


def test_offered_marks_are_each_experts_own(client, cat):
    first, second = public_request(category=cat, title="لوگوی کافه"), public_request(category=cat, title="کارت ویزیت")
    ali, sara = expert_in(cat), expert_in(cat)
    offer(ali, first)
    offer(sara, second)
    seen = {}
    for expert in (ali, sara, ali, sara):  # the second round is served from the shared HTML
        client.force_login(expert)
        seen[expert.pk] = cards(client)
    assert SENT in seen[ali.pk][first.pk] and SENT not in seen[ali.pk][second.pk]
    assert SENT in seen[sara.pk][second.pk] and SENT not in seen[sara.pk][first.pk]
    # Their boards were one shared entry in the cache, not one each.
    assert len(board_keys()) == 1


def board_keys() -> list[bytes]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*board:*"))


def test_other_parameters_share_the_entry_and_stay_out_of_the_links(client, cat):
    from buyer_requests.board import PER_PAGE

    for i in range(PER_PAGE + 1):
        public_request(category=cat, title=f"درخواست {i}")
    client.force_login(expert_in(cat))
    client.get(URL)
    html = client.get(URL, {"utm_source": "newsletter"}).content.decode()
    assert "utm_source" not in html and 'href="?page=2"' in html
    assert len(board_keys()) == 1


def test_a_withdrawn_offer_loses_its_mark(client, cat):
    req = public_request(category=cat)
    ali = expert_in(cat)
    sent = offer(ali, req)
    client.force_login(ali)
    assert SENT in cards(client)[req.pk]
    actions.offer_withdraw(offer_id=sent.pk, expert=ali)
    assert SENT not in cards(client)[req.pk]


def test_changes_show_at_once(client, cat):
    ali, sara = expert_in(cat), expert_in(cat)
    old = public_request(category=cat, title="ترجمه مقاله")
    client.force_login(ali)
    assert list(cards(client)) == [old.pk]
    # A new request is on the board at once, first.
    new = public_request(category=cat, title="طراحی سایت فروشگاهی")
    assert list(cards(client)) == [new.pk, old.pk]
    # Another expert's offer moves the count at once, and the "no offers yet" filter with it.
    offer(sara, old)
    assert "۱ پیشنهاد" in cards(client)[old.pk]
    assert list(cards(client, URL + "?no_offers=on")) == [new.pk]
    # A closed request and a request hidden by staff leave the board at once.
    actions.request_close(request_id=new.pk, actor=new.buyer)
    assert list(cards(client)) == [old.pk]
    actions.request_moderate(request_id=old.pk, staff=buyer(is_staff=True), approve=False, reason="تبلیغ")
    assert cards(client) == {}


def test_own_requests_stay_off_ones_own_board(client, cat):
    ali, sara = expert_in(cat), expert_in(cat)
    others = public_request(category=cat, title="لوگوی نانوایی")
    mine = public_request(ali, category=cat, title="درخواست خود علی")
    client.force_login(sara)
    assert list(cards(client)) == [mine.pk, others.pk]
    client.force_login(ali)
    assert list(cards(client)) == [others.pk]
    client.force_login(sara)
    assert list(cards(client)) == [mine.pk, others.pk]


def test_experts_of_other_categories_share_nothing(client, cat):
    other = SubCategoryFactory()
    here, there = public_request(category=cat), public_request(category=other)
    client.force_login(expert_in(cat))
    assert list(cards(client)) == [here.pk]
    client.force_login(expert_in(other))
    assert list(cards(client)) == [there.pk]


def test_category_filter_takes_subcategories_and_ignores_foreign_ones(client, cat):
    sub = SubCategoryFactory(parent=cat.parent)
    a, b = public_request(category=cat), public_request(category=sub)
    other = SubCategoryFactory()
    public_request(category=other)
    e = expert_in(cat)
    client.force_login(e)
    assert list(cards(client, f"{URL}?category={cat.pk}")) == [a.pk]
    assert list(cards(client, f"{URL}?category={cat.parent_id}")) == [a.pk]  # e's subcategories only
    assert list(cards(client, f"{URL}?category={other.pk}")) == [a.pk]  # not e's: the whole board, not other's
    client.force_login(expert_in(sub))
    assert list(cards(client, f"{URL}?category={cat.parent_id}")) == [b.pk]


def test_board_state_has_the_experts_categories(cat):
    top = CategoryFactory()
    e = expert_in(cat)
    ServiceFactory(owner=e, category=top, status=Service.Status.PUBLISHED, published_at=timezone.now())
    ServiceFactory(owner=e, category=SubCategoryFactory(), status=Service.Status.DRAFT)
    state = board_state(e)
    assert state.category_ids == actions.expert_category_ids(e) == {cat.pk, cat.parent_id, top.pk}
    assert board_state(buyer()).category_ids == set()


@pytest.mark.parametrize("n", [3, 60])
def test_board_queries_are_constant_cached_or_not(client, cat, django_assert_max_num_queries, n):
    e = expert_in(cat)
    offer(e, public_request(category=cat))
    now = timezone.now()
    BuyerRequest.objects.bulk_create([
        BuyerRequest(kind="public", buyer=buyer(), category=cat, title=f"درخواست شماره {i}",
                     description="شرح درخواست", budget_min=1_000_000, budget_max=2_000_000, deadline_days=7,
                     expires_at=now + dt.timedelta(days=14), search_text=f"درخواست شماره {i}")
        for i in range(n)
    ])
    client.force_login(e)
    client.get(reverse("home"))
    filtered = {"q": "درخواست", "category": cat.pk, "budget": "100000", "no_offers": "on", "page": 2}
    # Rendered: the page's user and header, the board state, the categories, the page's rows, the marks.
    with django_assert_max_num_queries(6):
        assert client.get(URL, filtered).status_code == 200
    with django_assert_max_num_queries(4):  # from the shared HTML: no categories, no rows
        assert client.get(URL, filtered).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_board_version_moves_once_per_commit_and_only_for_the_board():
    cat = SubCategoryFactory()
    expert = expert_in(cat)

    def version():
        return BoardVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    before = version()
    with transaction.atomic():
        reqs = [public_request(category=cat, title=f"درخواست {i}") for i in range(3)]
        assert version() == before  # raised at commit, not before
    assert version() == before + 1  # one bump for the transaction
    offer(expert, reqs[0])
    assert version() == before + 2
    # Bookkeeping columns and requests off the board leave it alone.
    BuyerRequest.objects.filter(pk=reqs[1].pk).update(expiry_warned=True, updated_at=timezone.now())
    waiting = public_request(buyer(date_joined=timezone.now()), category=cat)
    assert waiting.moderation == BuyerRequest.Moderation.PENDING
    assert version() == before + 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE buyer_requests_buyerrequest SET title = 'با SQL خام' WHERE id = %s", [reqs[2].pk])
    assert version() == before + 3
