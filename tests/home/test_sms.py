"""The Kavenegar adapter against a local fake speaking Kavenegar's documented JSON, and the Celery task."""

import pytest
from celery.exceptions import Retry

from home.sms import SmsError, SmsUnavailable, get_backend
from home.sms.console import OUTBOX
from home.sms.kavenegar import KavenegarBackend
from home.tasks import send_verification_sms

from .fake_kavenegar import FakeKavenegar


@pytest.fixture
def fake():
    server = FakeKavenegar().start()
    yield server
    server.stop()


@pytest.fixture
def kavenegar(settings, fake):
    settings.SMS_BACKEND = "kavenegar"
    settings.KAVENEGAR_API_KEY = "4F6A2B-key"
    settings.KAVENEGAR_BASE_URL = fake.url
    settings.KAVENEGAR_TEMPLATE = "azmoodegan-verify"
    settings.KAVENEGAR_TIMEOUT = 0.3
    return fake


def test_default_backend_is_the_console_and_it_logs_the_code(settings, capsys):
    settings.SMS_BACKEND = "console"
    backend = get_backend()
    assert backend.name == "console"
    backend.send_code("09121112233", "123456")
    assert OUTBOX[-1] == ("09121112233", "123456")
    assert "123456" in capsys.readouterr().out


def test_lookup_sends_receptor_token_and_template(kavenegar):
    message_id = get_backend().send_code("09121112233", "654321")
    assert message_id.isdigit()
    path, form = kavenegar.requests[-1]
    assert path == "/v1/4F6A2B-key/verify/lookup.json"
    assert form == {"receptor": "09121112233", "token": "654321", "template": "azmoodegan-verify"}


@pytest.mark.parametrize(("key", "receptor", "code", "temporary"), [
    ("bad-key", "09121112233", "403", False),
    ("poor-key", "09121112233", "418", False),
    ("good-key", "0912", "411", False),
    ("busy-key", "09121112233", "414", True),
])
def test_error_codes_are_told_apart(kavenegar, key, receptor, code, temporary):
    backend = KavenegarBackend(api_key=key)
    with pytest.raises(SmsError) as info:
        backend.send_code(receptor, "111111")
    assert info.value.code == code
    assert isinstance(info.value, SmsUnavailable) is temporary


def test_timeout_and_server_errors_are_temporary(kavenegar):
    kavenegar.delay = 1.0
    with pytest.raises(SmsUnavailable) as info:
        get_backend().send_code("09121112233", "111111")
    assert info.value.code == "timeout"
    kavenegar.delay = 0
    kavenegar.fail_with_500 = True
    with pytest.raises(SmsUnavailable) as info:
        get_backend().send_code("09121112233", "111111")
    assert info.value.code == "http_500"


def test_task_retries_a_temporary_failure_and_gives_up_on_a_refusal(kavenegar, settings):
    settings.KAVENEGAR_API_KEY = "busy-key"
    with pytest.raises(Retry):  # a temporary failure is queued again (the worker runs it later)
        send_verification_sms.apply(args=("09121112233", "222222"), throw=True)
    attempts = len(kavenegar.requests)
    assert attempts == 1
    settings.KAVENEGAR_API_KEY = "bad-key"
    assert send_verification_sms.apply(args=("09121112233", "222222")).result is None
    assert len(kavenegar.requests) == attempts + 1  # a refusal is not retried
    settings.KAVENEGAR_API_KEY = "good-key"
    assert send_verification_sms.apply(args=("09121112233", "222222")).result
