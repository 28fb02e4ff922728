"""What every page pays, made cheaper without changing a byte: URL sections, the CSP header, the CSRF mask,
and the template tags worked out once per process (azmoodegan/sections.py, middleware.py, csrf.py,
templatetags/inheritance.py, static_urls.py, i18n_memo.py)."""

import re

import pytest
from csp.utils import build_policy
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format, _unmask_cipher_token
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import URLPattern, get_resolver, resolve
from django.utils import translation

from azmoodegan import csrf
from azmoodegan.sections import Section

SAMPLES = {"int": "7", "str": "abc", "slug": "a-b", "path": "a/b", "uuid": "12345678-1234-5678-1234-567812345678"}


def _sample_paths(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLPattern):
            yield re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
        else:
            yield from _sample_paths(entry.url_patterns, route)


def _match(path):
    match = resolve("/" + path)
    return match.func, match.args, match.kwargs, match.url_name, match.namespaces, match.route


def test_sections_resolve_every_path_as_a_plain_include_would(settings):
    sections = [p for p in get_resolver().url_patterns if isinstance(p, Section)]
    assert sections and all(s.starts for s in sections)
    paths = [p for s in sections for p in _sample_paths(s.url_patterns)]
    paths += ["", "healthz", "search/", "admin/", "accounts/login/", "i18n/setlang/", "no/such/page/", "dashboardx/"]
    settings.DEBUG = False
    passed_over = {}
    for path in paths:
        try:
            passed_over[path] = _match(path)
        except Exception as exc:  # noqa: BLE001 - a 404 must stay a 404
            passed_over[path] = type(exc)
    settings.DEBUG = True  # every pattern tried, as Django does
    for path in paths:
        try:
            tried = _match(path)
        except Exception as exc:  # noqa: BLE001
            tried = type(exc)
        assert passed_over[path] == tried, path


@pytest.mark.django_db
def test_the_csp_header_is_django_csps(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response


def test_csp_follows_changed_settings(rf, settings):
    from django.http import HttpResponse

    from azmoodegan.middleware import CSPMiddleware

    middleware = CSPMiddleware(lambda request: HttpResponse("x"))
    before = middleware(rf.get("/"))["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    after = middleware(rf.get("/"))["Content-Security-Policy"]
    assert before != after == "default-src 'none'"


def test_the_cheaper_mask_is_a_token_django_accepts():
    request = RequestFactory().get("/")
    secret = "".join(CSRF_ALLOWED_CHARS[i % 62] for i in range(32))
    request.META["CSRF_COOKIE"] = secret
    tokens = {csrf.get_token(request) for _ in range(200)}
    assert len(tokens) == 200  # a fresh mask every time
    for token in tokens:
        _check_token_format(token)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_first_visit_gets_its_secret_from_django():
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


@pytest.mark.django_db
def test_a_form_posted_with_the_pages_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    html = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post("/accounts/login/", {"csrfmiddlewaretoken": token, "login": "x@example.com", "password": "x"})
    assert response.status_code != 403


def test_constant_translations_follow_the_active_language():
    template = engines["django"].from_string('{% load i18n %}{% translate "Search" %}|{% translate "Search" as s %}{{ s }}')
    with translation.override("en"):
        english = template.render({})
    with translation.override("fa"):
        persian = template.render({})
    with translation.override("en"):
        assert template.render({}) == english == "Search|Search"
    assert persian != english and persian.split("|")[0] == persian.split("|")[1]


def test_static_urls_follow_changed_settings(settings):
    template = engines["django"].from_string('{% load static %}{% static "css/site.css" %}')
    assert template.render({}) == "/static/css/site.css"
    settings.STATIC_URL = "/assets/"
    assert template.render({}) == "/assets/css/site.css"


def test_a_page_extending_another_gets_every_block():
    child = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}T1{% endblock %}{% block content %}C1{% endblock %}')
    for _ in range(2):  # the root template's blocks are found once and kept
        html = child.render({})
        assert "<title>T1 |" in html and "C1" in html
        assert 'id="az-compare-bar"' in html  # drawn without a visitor's session too
