"""Fixtures shared by every app's tests: real PostgreSQL and Redis, a real Celery worker,
and headless Chromium driven through Playwright."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from tests import testdb

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(settings.BASE_DIR) / ".data" / "screenshots"


def _allow_ledger_truncate(sender, connection, **kwargs):
    """Transactional tests may empty the database with TRUNCATE, which the ledger refuses elsewhere.

    Commits do not wait for the disk (`synchronous_commit = off`): a throw-away database needs no
    durability across a crash, and what other sessions see and when is unchanged.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET escrow.allow_truncate = 'on'; SET synchronous_commit = off")


from django.db.backends.signals import connection_created  # noqa: E402

connection_created.connect(_allow_ledger_truncate)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Each worker's database is a copy of one migrated template, kept for the next run (tests/testdb.py)."""
    from django.db import connection

    with django_db_blocker.unblock():
        testdb.prepare_worker_database(connection, recreate=request.config.getvalue("create_db"))
    yield


@pytest.fixture(autouse=True)
def _root_log_level():
    """A real Celery worker sets the root logger's level (to ERROR) when it starts: put it back, so that
    the tests after it, in any order, still capture warnings (`caplog`)."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


_redis: list = []  # one client (and connection) for the whole run, not one per test


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (rate limits, cached pages) under the test prefix."""
    if not _redis or _redis[0][0] != settings.REDIS_URL:
        _redis[:] = [(settings.REDIS_URL, redis.Redis.from_url(settings.REDIS_URL))]
    client = _redis[0][1]
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    yield


@pytest.fixture(autouse=True)
def _catalogue_version_at_once(request):
    """Tests inside one never-committed transaction see the catalogue version move per statement.

    In production the version is raised at commit (deferred triggers, azmoodegan migration 0002);
    a rolled-back test never commits, so its pages would otherwise never see their own writes.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        yield
        return
    if (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    from django.db import connection

    from azmoodegan.pagecache import catalogue_constraints

    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {', '.join(catalogue_constraints())} IMMEDIATE")
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/private-not-served/"}},
    }


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker consuming from Redis in this process, for tests where timing matters.

    Tasks are sent through the broker (not run eagerly) and picked up by the worker thread.
    `worker.finished(name)` counts the runs of task `name` finished so far (see tests/concurrency.py
    `wait_for`): a test waits for the runs it started instead of sleeping.
    """
    from collections import Counter

    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from azmoodegan.celery import app

    finished: Counter = Counter()

    def count(sender=None, **kwargs):
        finished[getattr(sender, "name", sender)] += 1

    task_postrun.connect(count, weak=False)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10) as worker:
            worker.finished = lambda name: finished[name]
            yield worker
    finally:
        app.conf.task_always_eager = True
        task_postrun.disconnect(count)


# --- Browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    """Debian's Chromium, headless. Shared by every browser test."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` (apt-get install chromium).")
    instance = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield instance
    instance.close()


_live_server_host = "localhost"


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server; its host name is kept for `sign_in` on a tab that has loaded nothing yet."""
    global _live_server_host
    _live_server_host = urlsplit(live_server.url).hostname
    return live_server


class OffsiteRequests(list):
    """URLs the page asked for that are not on our own server."""


def _watch_csp(tab):
    """Record every Content-Security-Policy violation the page reports (the browser logs each)."""
    tab.csp_violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            tab.csp_violations.append(f"{tab.url}: {message.text}")

    tab.on("console", on_console)


def _fail_on_csp(tab):
    if tab.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(tab.csp_violations), pytrace=False)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (Persian locale) pointed at the live test server.

    `page.offsite` lists every request that left 127.0.0.1/localhost: a page must make none.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="fa-IR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    offsite = OffsiteRequests()

    def record(request):
        if not re.match(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)", request.url):
            offsite.append(request.url)

    tab.on("request", record)
    tab.offsite = offsite
    _watch_csp(tab)
    yield tab
    context.close()
    _fail_on_csp(tab)


@pytest.fixture
def mobile_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fa-IR", viewport={"width": 360, "height": 780}, is_mobile=True,
        has_touch=True,
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    _watch_csp(tab)
    yield tab
    context.close()
    _fail_on_csp(tab)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under .data/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, user) -> None:
    """Sign `user` (or the user with this email) in by handing the browser a session cookie, as Django's
    test client does (`force_login`): no page is loaded, so the tab stays where it was. Signing in
    through the form is tested in tests/accounts/test_browser_signup.py."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    if isinstance(user, str):
        user = get_user_model().objects.get(email=user)
    client = Client()
    client.force_login(user)
    host = urlsplit(page.url).hostname if page.url.startswith("http") else _live_server_host
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host, "path": "/", "httpOnly": True, "sameSite": "Lax",
    }])


def switch_user(page, email: str) -> None:
    """Sign out (cookies cleared) and in again as another test user; the tab stays where it was."""
    page.context.clear_cookies()
    sign_in(page, email)


def at_360(page, name: str) -> None:
    """A screenshot at a phone's width, then back to the desktop width."""
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def real_password_hasher(settings):
    """Production's password hashers for one test (every other test uses the fast MD5 hasher)."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return settings.PASSWORD_HASHERS[0]


# The longest tests (5–25 s each on a quiet machine), started before everything else. A test missing
# from here (renamed, say) still runs, only without the head start.
LONGEST_FIRST = (
    "orders/test_exclusive_outcomes.py::test_confirm_mutual_cancel_dispute_and_auto_complete_race",
    "site/test_browser_mobile.py::test_main_pages_fit_a_phone",
    "site/test_browser_mobile.py::test_main_pages_at_1280",
    "reviews/test_browser_reviews.py::",
    "orders/test_browser_extension_dispute.py::",
    "services/test_browser_catalogue.py::",
    "messaging/test_browser_messaging.py::test_ask_answer_warn_order_thread_and_bell",
    "buyer_requests/test_browser.py::test_public_request_two_offers_compare_accept_pay",
    "orders/test_browser_order.py::",
    "orders/test_browser_money.py::test_dispute_with_evidence",
    "accounts/test_browser_signup.py::test_signup_verify_login_become_expert",
    "reviews/test_demo.py::test_seed_makes_real_orders_and_reviews_once",
    "escrow/test_stateful.py::",
    "home/test_browser.py::test_expert_home_journey",
    "orders/test_stateful_ledger.py::",
)


def _expected_cost(item) -> tuple[int, int]:
    """Known longest first, then browser, other transactional (threads, live server, a real worker),
    database, and the rest."""
    for rank, known in enumerate(LONGEST_FIRST):
        if known in item.nodeid:
            return (0, rank)
    names = set(item.fixturenames)
    if {"page", "mobile_page", "browser"} & names:
        return (1, 0)
    marker = item.get_closest_marker("django_db")
    if {"live_server", "transactional_db", "celery_worker_real"} & names or (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    ):
        return (2, 0)
    return (3, 0) if marker is not None or "db" in names else (4, 0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slowest kinds of test first, so that under pytest-xdist (`--dist load`, one test handed out
    at a time; see azmoodegan/launcher.py) no worker is left with a long test while the others idle.

    pytest-django orders database tests before transactional ones because Django's flush leaves the
    rows data migrations made out; the wipe in tests/testdb.py restores them, so any order is safe.
    """
    items.sort(key=_expected_cost)


def _share_the_static_files_index() -> None:
    """Django's test client builds the middleware again for every client, and WhiteNoise's indexes every
    static file each time (200 files: 30–90 ms, in hundreds of tests). The files do not change during
    a run, so the index is built once per process for the same settings and shared."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    build = WhiteNoiseMiddleware.add_files_from_finders
    built: dict = {}

    def add_files_from_finders(self):
        key = repr([(name, getattr(settings, name)) for name in dir(settings) if name.startswith(
            ("WHITENOISE_", "STATIC", "DEBUG", "FORCE_SCRIPT_NAME"))])
        if key not in built:
            before = dict(self.files)
            build(self)
            built[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(built[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders


def pytest_configure(config):
    """Hash test passwords with a fast hasher (the production hasher costs ~0.5 s per user).

    Under pytest-xdist each worker has its own database (pytest-django adds the worker id), and here
    its own cache prefix and Celery queue, so workers never see each other's keys or tasks.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    testdb.install_fast_wipe()
    _share_the_static_files_index()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] = f"{settings.CACHES['default']['KEY_PREFIX']}-{worker}"
        settings.CELERY_TASK_DEFAULT_QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{worker}"
        from azmoodegan.celery import app

        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
