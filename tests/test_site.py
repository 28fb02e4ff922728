"""The site shell: health check, production settings, translations."""

import json
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

BASE = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_healthz_reports_postgres_and_redis(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "postgres": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["postgres"] == "ok" and body["redis"].startswith("error")


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-with-enough-entropy-8f3kq9z2m1x7v4b6n0",
        "ALLOWED_HOSTS": "azmoodegan.ir",
        "CSRF_TRUSTED_ORIGINS": "https://azmoodegan.ir",
    }
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_MANIFEST"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _catalogues(lang):
    return [
        p for p in BASE.glob(f"**/locale/{lang}/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and ".data" not in p.parts
    ]


def test_persian_catalogues_are_complete():
    catalogues = _catalogues("fa")
    assert BASE / "locale/fa/LC_MESSAGES/django.po" in catalogues
    problems = []
    for path in catalogues:
        po = polib.pofile(str(path))
        problems += [f"{path.relative_to(BASE)}: untranslated {e.msgid!r}" for e in po.untranslated_entries()]
        problems += [f"{path.relative_to(BASE)}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    assert problems == []


def test_every_app_with_strings_has_an_english_catalogue_too():
    fa = {p.parents[2] for p in _catalogues("fa")}
    en = {p.parents[2] for p in _catalogues("en")}
    assert fa == en


@pytest.mark.django_db
def test_home_page_is_persian_and_rtl_with_local_assets_only(client):
    html = client.get("/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "آزمودگان چطور کار می‌کند" in html
    assert "https://" not in html.split("<body")[0], "the head must not load anything from another site"
    assert "/static/vendor/bootstrap/bootstrap.rtl.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_run_refuses_a_taken_port_in_persian_and_english():
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "azmoodegan.launcher", "run"],
            cwd=BASE, env={**os.environ, "PORT": str(port)}, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert f"درگاه {port}" in result.stderr and f"Port {port} on 127.0.0.1 is already in use" in result.stderr


def test_code_passes_ruff():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--quiet", "."], cwd=BASE, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
