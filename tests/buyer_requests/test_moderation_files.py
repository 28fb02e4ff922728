"""Staff moderation through the admin, private request files, offers inside a conversation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from buyer_requests import actions
from buyer_requests.exceptions import RequestError
from buyer_requests.models import BuyerRequest, Offer, OfferEvent
from messaging.actions import conversation_for
from notifications.models import Notification
from tests.services.factories import SubCategoryFactory

from .factories import buyer, expert_in, offer, public_request

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_queue_show_and_hide_with_a_reason(client):
    cat = SubCategoryFactory()
    waiting = public_request(buyer(date_joined=timezone.now()), category=cat)
    staff = buyer(is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = reverse("admin:buyer_requests_buyerrequest_changelist")
    response = client.get(changelist, {"queue": "waiting"})
    assert list(response.context["cl"].result_list) == [waiting]
    client.post(changelist, {"action": "approve", "_selected_action": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.moderation == BuyerRequest.Moderation.APPROVED

    url = reverse("admin:buyer_requests_buyerrequest_change", args=[waiting.pk])
    client.post(url, {"moderation": "hidden", "moderation_reason": "شماره تماس در متن",
                      "files-TOTAL_FORMS": 0, "files-INITIAL_FORMS": 0, "events-TOTAL_FORMS": 0,
                      "events-INITIAL_FORMS": 0})
    waiting.refresh_from_db()
    assert waiting.moderation == BuyerRequest.Moderation.HIDDEN and waiting.moderation_reason == "شماره تماس در متن"
    assert Notification.objects.filter(recipient=waiting.buyer, kind="request_hidden").exists()


def test_staff_hide_an_offer_needs_a_reason_and_then_it_cannot_be_accepted():
    cat = SubCategoryFactory()
    req = public_request(category=cat)
    o = offer(expert_in(cat), req)
    with pytest.raises(RequestError):
        actions.offer_hide(offer_id=o.pk, staff=buyer(is_staff=True), reason=" ")
    actions.offer_hide(offer_id=o.pk, staff=buyer(is_staff=True), reason="درخواست پرداخت بیرون از سایت")
    assert OfferEvent.objects.filter(offer=o, note__startswith="hidden").exists()
    with pytest.raises(RequestError) as err:
        actions.offer_accept(offer_id=o.pk, buyer=req.buyer)
    assert err.value.code == "hidden"


def test_request_files_are_checked_and_private(client):
    cat = SubCategoryFactory()
    b = buyer()
    with pytest.raises(RequestError) as err:
        public_request(b, category=cat, files=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")])
    assert err.value.field == "files"
    req = public_request(b, category=cat, files=[SimpleUploadedFile("نقشه.pdf", PDF)])
    f = req.files.get()
    url = f.get_absolute_url()
    client.force_login(b)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(expert_in(cat))  # an expert who may answer
    assert client.get(url).status_code == 200
    client.force_login(expert_in(SubCategoryFactory()))
    assert client.get(url).status_code == 404
    client.force_login(buyer())
    assert client.get(url).status_code == 404


def test_unsolicited_offer_in_a_conversation(client):
    cat = SubCategoryFactory()
    e = expert_in(cat)
    b = buyer()
    conversation = conversation_for(b, e, e.services.first())
    url = reverse("buyer_requests:conversation_offer", args=[conversation.pk])
    client.force_login(b)
    assert client.get(url).status_code == 404  # only the conversation's expert
    client.force_login(expert_in(cat))
    assert client.get(url).status_code == 404
    client.force_login(e)
    response = client.post(url, {"title": "پیشنهاد ویژه برای شما", "description": "طراحی کامل با سه بار اصلاح و فایل‌های لایه‌باز.",
                                 "price": "۱۲۰۰۰۰", "delivery_days": "۴", "revisions": "۳", "expiry_days": "۲"})
    o = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == o.get_absolute_url()
    assert (o.buyer_id, o.price, o.request_id, o.conversation_id) == (b.pk, 1_200_000, None, conversation.pk)
    assert Notification.objects.filter(recipient=b, kind="offer_received").exists()
    client.force_login(b)
    response = client.post(reverse("buyer_requests:offer_accept", args=[o.pk]), {"method": "gateway"})
    o.refresh_from_db()
    assert o.status == "accepted" and o.order.price == 1_200_000
    assert response.status_code == 302


def test_flagged_requests_have_their_own_queue(client):
    cat = SubCategoryFactory()
    flagged = public_request(category=cat, description="برای هماهنگی به آیدی تلگرام @bakery_logo پیام بدهید.",
                             confirm_contact=True)
    clean = public_request(category=cat)
    assert flagged.moderation == BuyerRequest.Moderation.PENDING and flagged.flag_kinds
    assert clean.moderation == BuyerRequest.Moderation.APPROVED
    client.force_login(buyer(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:buyer_requests_buyerrequest_changelist"), {"queue": "flagged"})
    assert list(response.context["cl"].result_list) == [flagged]
