"""A NUL byte anywhere in a request gets a Persian 400 page, never a 500 (azmoodegan/nul.py)."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tests.accounts.factories import UserFactory

MESSAGE = "نویسهٔ نامرئی (NUL)"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/categories/%00/", "/search/?q=a%00b", "/services/%00abc/"])
def test_nul_in_the_url_is_a_persian_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_nul_in_a_form_field_is_a_persian_400_and_nothing_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/wallet/withdraw/", {"amount": "100000", "sheba": "IR06\x002960", "key": "k"})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    response = client.post("/accounts/login/", {"login\x00": "x", "password": "y"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_nul_in_an_htmx_autosave_gets_a_short_persian_answer(client):
    client.force_login(UserFactory())
    response = client.post("/orders/1/requirements/draft/", {"description": "متن\x00"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_ordinary_requests_pass(client):
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_ledger_refuses_truncate():
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL escrow.allow_truncate = 'off'")
        cursor.execute("TRUNCATE escrow_leg, escrow_transfer CASCADE")
