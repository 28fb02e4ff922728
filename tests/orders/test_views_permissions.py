"""Pages of orders: who may see and do what (404 for everyone else), money wording, files, queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from escrow import ledger
from escrow.gateways.sandbox import charge_decide
from orders.models import Order, OrderFile
from services.models import RequirementQuestion
from tests.accounts.factories import UserFactory
from tests.services.factories import RequirementQuestionFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def order_urls(order, file_id):
    return [
        ("get", f"/orders/{order.pk}/"),
        ("post", f"/orders/{order.pk}/pay/"),
        ("get", f"/orders/{order.pk}/payment/callback/?Authority=x"),
        ("get", f"/orders/{order.pk}/requirements/"),
        ("post", f"/orders/{order.pk}/requirements/"),
        ("post", f"/orders/{order.pk}/deliver/"),
        ("post", f"/orders/{order.pk}/revision/"),
        ("post", f"/orders/{order.pk}/confirm/"),
        ("post", f"/orders/{order.pk}/cancel/"),
        ("get", f"/orders/files/{file_id}/"),
    ]


@pytest.mark.parametrize("make", [f.pending_order, f.paid_order, f.in_progress_order, f.delivered_order])
def test_third_user_gets_404_on_every_order_url(make):
    order = make()
    file_id = OrderFile.objects.filter(order=order).values_list("pk", flat=True).first() or 999999
    stranger = client_for(UserFactory())
    for method, url in order_urls(order, file_id):
        response = getattr(stranger, method)(url)
        assert response.status_code == 404, (method, url)
    order.refresh_from_db()
    assert order.status == make().status  # nothing moved


def test_anonymous_is_sent_to_login():
    order = f.delivered_order()
    response = Client().get(f"/orders/{order.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_party_gets_404_for_the_other_sides_actions():
    order = f.delivered_order()
    expert, buyer = client_for(order.expert), client_for(order.buyer)
    assert expert.post(f"/orders/{order.pk}/confirm/").status_code == 404
    assert expert.post(f"/orders/{order.pk}/revision/", {"note": "x"}).status_code == 404
    assert expert.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert expert.get(f"/orders/{order.pk}/requirements/").status_code == 404
    assert buyer.post(f"/orders/{order.pk}/deliver/", {"message": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED


def test_both_parties_and_staff_see_the_order_and_its_files():
    order = f.delivered_order()
    staff = UserFactory(is_staff=True)
    files = list(order.files.all())
    assert len(files) == 2
    for user in (order.buyer, order.expert, staff):
        c = client_for(user)
        page = c.get(f"/orders/{order.pk}/")
        assert page.status_code == 200
        for row in files:
            response = c.get(f"/orders/files/{row.pk}/")
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_buyer_page_shows_confirm_and_money_sentence():
    order = f.delivered_order(price=1_200_000)
    html = client_for(order.buyer).get(f"/orders/{order.pk}/").content.decode()
    assert "تأیید دریافت خدمت" in html
    assert "۱۲۰٬۰۰۰ تومان" in html
    assert "نزد آزمودگان" in html
    assert "تاریخچه" in html


def test_expert_page_has_countdown_and_deliver_form():
    order = f.in_progress_order()
    html = client_for(order.expert).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="countdown"' in html and "زمان باقی‌مانده" in html and "۲ روز و ۲۳ ساعت" in html
    assert 'data-testid="deliver"' in html
    assert 'data-testid="confirm"' not in html


def test_x_accel_redirect(settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected/"
    order = f.in_progress_order()
    row = order.files.first()
    response = client_for(order.buyer).get(f"/orders/files/{row.pk}/")
    assert response["X-Accel-Redirect"] == "/protected/" + row.file.name
    assert response.content == b""


def test_signed_s3_url(settings, monkeypatch):
    order = f.in_progress_order()
    row = order.files.first()

    class FakeS3:
        bucket_name = "private-bucket"

        def url(self, name, parameters=None, expire=None):
            return f"https://s3.example/{name}?X-Amz-Signature=abc&expire={expire}"

    monkeypatch.setattr("orders.storage.backend", lambda: FakeS3())
    response = client_for(order.buyer).get(f"/orders/files/{row.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://s3.example/orders/") and "Signature" in response["Location"]


def test_checkout_page_and_pay_redirects_to_sandbox(settings):
    settings.BUYER_FEE_PERCENT = 5
    package = f.package(price=1_000_000, delivery_days=4, revisions=None)
    buyer = client_for(UserFactory())
    html = buyer.get(f"/orders/checkout/{package.pk}/").content.decode()
    for text in ("۱۰۰٬۰۰۰ تومان", "۵٬۰۰۰ تومان", "۱۰۵٬۰۰۰ تومان", "۴ روز", "نامحدود", "تا وقتی دریافت خدمت را تأیید کنید"):
        assert text in html, text
    assert 'data-testid="pay-wallet"' not in html
    response = buyer.post(f"/orders/checkout/{package.pk}/",
                          {"method": "gateway", "expected_total": 1_050_000, "key": "k1"})
    assert response.status_code == 302 and response["Location"].startswith("/pay/sandbox/")
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT and order.total == 1_050_000


def test_checkout_404_for_unpublished_and_refuses_own_service():
    package = f.package()
    owner = client_for(package.service.owner)
    assert owner.post(f"/orders/checkout/{package.pk}/", {"method": "gateway", "expected_total": package.price,
                                                          "key": "k"}).status_code == 200
    assert Order.objects.count() == 0
    package.service.status = "paused"
    package.service.save()
    assert client_for(UserFactory()).get(f"/orders/checkout/{package.pk}/").status_code == 404


def test_callback_lands_on_requirements_with_persian_message_or_explains_failure():
    order = f.pending_order()
    buyer = client_for(order.buyer)
    payment = f.start_payment(order)
    charge_decide(authority=payment.authority, pay=False)
    response = buyer.get(f"/orders/{order.pk}/payment/callback/", f.callback_params(payment), follow=True)
    assert response.redirect_chain[-1][0] == f"/orders/{order.pk}/"
    assert "لغو" in response.content.decode()
    assert 'data-testid="pay"' in response.content.decode()
    payment = f.start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    response = buyer.get(f"/orders/{order.pk}/payment/callback/", f.callback_params(payment), follow=True)
    assert response.redirect_chain[-1][0] == f"/orders/{order.pk}/requirements/"
    assert "تا تأیید دریافت خدمت" in response.content.decode()
    forged = buyer.get(f"/orders/{order.pk}/payment/callback/", {"Authority": "nope", "Status": "OK"}, follow=True)
    assert "معتبر نیست" in forged.content.decode()


def test_requirements_form_keeps_input_on_a_bad_file_and_after_reload():
    order = f.paid_order()
    q = RequirementQuestionFactory(service=order.service, kind=RequirementQuestion.Kind.TEXT, text="نشانی؟")
    buyer = client_for(order.buyer)
    url = f"/orders/{order.pk}/requirements/"
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = buyer.post(url, {f"q_{q.pk}": "خیابان آزادی", "description": "شرح نیمه‌کاره", "files": [bad],
                                "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "خیابان آزادی" in html and "شرح نیمه‌کاره" in html and "virus.pdf" in html
    reloaded = buyer.get(url).content.decode()
    assert "خیابان آزادی" in reloaded and "شرح نیمه‌کاره" in reloaded
    draft = buyer.post(url, {"description": "فقط پیش‌نویس", "action": "draft"}, HTTP_HX_REQUEST="true")
    assert draft.status_code == 200 and "ذخیره" in draft.content.decode()
    response = buyer.post(url, {f"q_{q.pk}": "تهران", "description": "کامل", "files": [f.pdf()], "action": "submit"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PROGRESS and order.requirements_draft == {}


def test_lists_use_constant_queries(django_assert_max_num_queries):
    first = f.delivered_order()
    buyer, expert = first.buyer, first.expert
    from orders import actions

    counts = {}
    for total in (1, 12):
        while buyer.orders_bought.count() < total:
            actions.order_create(buyer=buyer, package=first.package)
        for user, url in ((buyer, "/orders/"), (expert, "/dashboard/orders/"), (buyer, f"/orders/{first.pk}/")):
            c = client_for(user)
            c.get(url)
            with django_assert_max_num_queries(16) as captured:
                response = c.get(url)
            assert response.status_code == 200
            counts.setdefault(url, set()).add(len(captured))
        assert response.content.decode().count("list-group-item-action") in (0, total)
    assert all(len(n) == 1 for n in counts.values()), counts  # the same number of queries for 1 or 12 orders


def test_wallet_payment_from_checkout():
    first = f.in_progress_order(price=2_000_000)
    from django.utils import timezone

    Order.objects.filter(pk=first.pk).update(due_at=timezone.now())
    buyer = client_for(first.buyer)
    assert buyer.post(f"/orders/{first.pk}/cancel/").status_code == 302
    assert ledger.user_balances(first.buyer)["available"] == 2_000_000
    package = f.package(price=1_500_000)
    html = buyer.get(f"/orders/checkout/{package.pk}/").content.decode()
    assert 'data-testid="pay-wallet"' in html
    response = buyer.post(f"/orders/checkout/{package.pk}/",
                          {"method": "wallet", "expected_total": 1_500_000, "key": "k2"})
    order = Order.objects.filter(package=package).get()
    assert response["Location"] == f"/orders/{order.pk}/requirements/"
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
