"""Offers go through the contact detector as requests and messages do: a Persian warning first, the typed
text kept; sent anyway, the offer is flagged for staff (its own admin queue, the matched parts marked).
Both ways an offer is made are covered — on a request, and unsolicited inside a conversation — and the edit."""

import pytest
from django.urls import reverse

from buyer_requests import actions
from buyer_requests.exceptions import ContactDetailsWarning
from buyer_requests.models import Offer
from messaging.actions import conversation_for
from tests.services.factories import SubCategoryFactory

from .factories import buyer, expert_in, offer, public_request

pytestmark = pytest.mark.django_db

PHONE = "برای هماهنگی سریع‌تر به شمارهٔ ۰۹۱۲ ۳۴۵ ۶۷۸۹ پیام بدهید، سه طرح اولیه می‌فرستم."
TELEGRAM_TITLE = "لوگو؛ تلگرام @bakery_logo"
CLEAN = "سه طرح اولیه تا ۱۴۰۳/۰۵/۲۰، قیمت ۸۰۰٬۰۰۰ تومان، نسخهٔ ۲.۱ فایل‌ها با اندازهٔ ۱۰۲۴×۷۶۸."


def _form(**kwargs):
    data = {"title": "لوگوی نانوایی در سه طرح", "description": "سه طرح اولیه، یک طرح نهایی با فایل‌های لایه‌باز.",
            "price": "۸۰۰٬۰۰۰", "delivery_days": "۵", "revisions": "۲", "expiry_days": "۷"}
    data.update(kwargs)
    return data


@pytest.fixture
def cat():
    return SubCategoryFactory()


def test_offer_on_a_request_warns_first_then_is_flagged_for_staff(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    client.force_login(e)
    url = reverse("buyer_requests:offer_create", args=[req.pk])
    response = client.post(url, _form(description=PHONE))
    assert response.status_code == 200 and not Offer.objects.exists()
    html = response.content.decode()
    assert 'data-testid="contact-warning"' in html and "۰۹۱۲ ۳۴۵ ۶۷۸۹" in html  # warned, the text kept
    form = response.context["offer_form"]
    assert form.data["confirm_contact"] == "on" and "description" in form.errors
    response = client.post(url, {**_form(description=PHONE), "confirm_contact": "on"})
    o = Offer.objects.get()
    assert response.status_code == 302 and "phone" in o.flag_kinds and o.description == PHONE
    # The buyer still receives it (warned, not blocked), as with a message sent anyway.
    client.force_login(req.buyer)
    assert 'data-testid="offer-card"' in client.get(req.get_absolute_url()).content.decode()


def test_offer_on_a_custom_request_is_checked_too(cat):
    e = expert_in(cat)
    service = e.services.first()
    req = actions.request_create_custom(buyer=buyer(), expert=e, service=service, title="ترجمهٔ یک مقاله",
                                        description="یک مقالهٔ ده صفحه‌ای دربارهٔ حقوق قرارداد را ترجمه کنید.",
                                        budget_min=2_000_000, budget_max=4_000_000, deadline_days=5)
    with pytest.raises(ContactDetailsWarning) as err:
        offer(e, req, description="ترجمه و ویرایش کامل؛ فایل را به info at example dot com بفرستید.")
    assert err.value.field == "description" and "email" in err.value.detection.kinds
    assert not Offer.objects.exists()
    o = offer(e, req, description="ترجمه و ویرایش کامل؛ فایل را به info at example dot com بفرستید.",
              confirm_contact=True)
    assert o.conversation_id == req.conversation_id and o.flag_kinds == ["email"]


def test_unsolicited_offer_in_a_conversation_warns_first(client, cat):
    e = expert_in(cat)
    b = buyer()
    conversation = conversation_for(b, e, e.services.first())
    url = reverse("buyer_requests:conversation_offer", args=[conversation.pk])
    client.force_login(e)
    response = client.post(url, _form(title=TELEGRAM_TITLE))
    assert response.status_code == 200 and not Offer.objects.exists()
    html = response.content.decode()
    assert 'data-testid="contact-warning"' in html and "@bakery_logo" in html
    assert response.context["form"].data["confirm_contact"] == "on"
    response = client.post(url, {**_form(title=TELEGRAM_TITLE), "confirm_contact": "on"})
    o = Offer.objects.get()
    assert response.status_code == 302 and o.conversation_id == conversation.pk
    assert "telegram" in o.flag_kinds


def test_prices_dates_sizes_and_versions_pass_clean(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    client.force_login(e)
    response = client.post(reverse("buyer_requests:offer_create", args=[req.pk]),
                           _form(title="لوگو در ۳ طرح، ۵ روزه", description=CLEAN))
    o = Offer.objects.get()
    assert response.status_code == 302 and o.flag_kinds == []


def test_editing_contact_details_into_an_offer_is_caught_and_stays_flagged(client, cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    client.force_login(e)
    url = reverse("buyer_requests:offer_edit", args=[o.pk])
    response = client.post(url, _form(description=PHONE))
    o.refresh_from_db()
    assert response.status_code == 200 and 'data-testid="contact-warning"' in response.content.decode()
    assert o.description != PHONE and o.flag_kinds == []
    response = client.post(url, {**_form(description=PHONE), "confirm_contact": "on"})
    o.refresh_from_db()
    assert response.status_code == 302 and o.description == PHONE and "phone" in o.flag_kinds
    # Edited back to a clean text, staff still see that the buyer was once shown a number.
    actions.offer_update(offer_id=o.pk, expert=e, title=o.title, description=CLEAN, price=o.price,
                         delivery_days=5, revisions=2, expiry_days=7)
    o.refresh_from_db()
    assert "phone" in o.flag_kinds


def test_flagged_offers_have_their_own_admin_queue_with_the_match_marked(client, cat):
    req = public_request(category=cat)
    flagged = offer(expert_in(cat), req, description=PHONE, confirm_contact=True)
    offer(expert_in(cat), req)
    client.force_login(buyer(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:buyer_requests_offer_changelist"), {"queue": "flagged"})
    assert list(response.context["cl"].result_list) == [flagged]
    html = client.get(reverse("admin:buyer_requests_offer_change", args=[flagged.pk])).content.decode()
    assert '<mark class="az-flag-hit">۰۹۱۲ ۳۴۵ ۶۷۸۹</mark>' in html
