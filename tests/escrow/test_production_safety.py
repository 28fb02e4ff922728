"""Production never takes fake money: the gateway setting, the deploy check, the sandbox URLs."""

import importlib
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.urls import NoReverseMatch, clear_url_caches, reverse

from escrow import actions
from escrow.exceptions import GatewayError
from escrow.system_checks import sandbox_gateway_in_production
from tests.accounts.factories import UserFactory


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"PAYMENT_GATEWAY", "ALLOW_SANDBOX_PAYMENTS"}}
    base.update({"DJANGO_SETTINGS_MODULE": "azmoodegan.settings", **env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.PAYMENT_GATEWAY)"
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True,
                          cwd=django_settings.BASE_DIR, timeout=60)


def test_production_refuses_to_start_without_a_gateway():
    result = _settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "PAYMENT_GATEWAY must be set" in result.stderr


def test_production_starts_with_a_named_gateway_and_development_defaults_to_the_sandbox():
    assert _settings_in_subprocess(DEBUG="0", PAYMENT_GATEWAY="zarinpal").stdout.strip() == "zarinpal"
    assert _settings_in_subprocess(DEBUG="1").stdout.strip() == "sandbox"


def test_deploy_check_fails_on_the_sandbox_unless_explicitly_allowed(settings):
    settings.PAYMENT_GATEWAY = "sandbox"
    settings.ALLOW_SANDBOX_PAYMENTS = False
    errors = sandbox_gateway_in_production()
    assert [e.id for e in errors] == ["escrow.E001"]
    assert "escrow.E001" in [e.id for e in run_checks(include_deployment_checks=True)]
    # Not a deploy run: the ordinary checks stay quiet (development uses the sandbox).
    assert "escrow.E001" not in [e.id for e in run_checks(include_deployment_checks=False)]
    settings.ALLOW_SANDBOX_PAYMENTS = True
    assert sandbox_gateway_in_production() == []
    settings.ALLOW_SANDBOX_PAYMENTS = False
    settings.PAYMENT_GATEWAY = "zarinpal"
    assert sandbox_gateway_in_production() == []


@pytest.fixture
def zarinpal_urls(settings):
    """The URL configuration as a site using Zarinpal builds it."""
    import azmoodegan.urls
    import escrow.urls

    settings.PAYMENT_GATEWAY = "zarinpal"
    importlib.reload(escrow.urls)
    importlib.reload(azmoodegan.urls)
    clear_url_caches()
    yield
    settings.PAYMENT_GATEWAY = "sandbox"
    importlib.reload(escrow.urls)
    importlib.reload(azmoodegan.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_sandbox_pages_exist_only_where_the_sandbox_is_the_gateway(client, zarinpal_urls):
    with pytest.raises(NoReverseMatch):
        reverse("escrow:sandbox_pay", args=["SABC"])
    assert client.get("/pay/sandbox/SABC/").status_code == 404
    assert client.get(reverse("escrow:wallet")).status_code == 302  # the rest of escrow is still there


@pytest.mark.django_db
def test_sandbox_mounted_with_the_sandbox_gateway(client):
    assert reverse("escrow:sandbox_pay", args=["SABC"]) == "/pay/sandbox/SABC/"


@pytest.mark.django_db
def test_sandbox_gateway_refuses_to_take_payments_when_another_gateway_is_configured(settings):
    settings.PAYMENT_GATEWAY = "zarinpal"
    with pytest.raises(GatewayError):
        actions.payment_start(order_ref=1, buyer=UserFactory(), amount=10_000, callback_url="http://testserver/cb/",
                              gateway="sandbox")
