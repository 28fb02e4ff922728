"""The buyer requests board under load, signed in as an expert, with N open public requests.

`bench(...)` is called from `bench/run.py` after the catalogue pages: it tops up the open public
requests to `--requests` (bulk insert, in the categories of one published expert so the board shows
them all), counts queries per page with Django's test client, then drives each board page with wrk
at the same connections against a fresh gunicorn, with the expert's session cookie.
Target (issue #11): p95 ≤ 60 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import tempfile
from urllib.parse import urlencode

from bench.signed_in import signed_in_queries, user_session_cookie

TARGET_P95_MS = 60.0
WORDS = ["طراحی لوگو", "ترجمه مقاله", "قرارداد اجاره", "سایت فروشگاهی", "تدوین ویدیو", "مشاوره مالیاتی",
         "اپلیکیشن موبایل", "کارت ویزیت", "سئو سایت", "تولید محتوا"]


def _expert():
    from services.models import Service

    service = (Service.objects.filter(status=Service.Status.PUBLISHED, owner__email="expert@demo.azmoodegan.ir")
               .first() or Service.objects.filter(status=Service.Status.PUBLISHED).order_by("pk").first())
    if service is None:
        raise SystemExit("no published service: the catalogue must be seeded first")
    return service.owner


def prepare(target: int):
    """Top up to `target` open, shown public requests visible to the bench expert; returns the expert."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from azmoodegan.persian import normalize_text
    from buyer_requests.actions import expert_category_ids
    from buyer_requests.models import BuyerRequest

    expert = _expert()
    cats = sorted(expert_category_ids(expert))
    visible = BuyerRequest.objects.filter(kind="public", status="open", moderation="approved",
                                          category_id__in=cats, expires_at__gt=timezone.now())
    have = visible.count()
    if have < target:
        buyer = User.objects.exclude(pk=expert.pk).order_by("pk").first()
        rng = random.Random(11)  # noqa: S311 - reproducible data, not secrets
        now = timezone.now()
        rows = []
        for i in range(target - have):
            title = f"{rng.choice(WORDS)} برای کسب‌وکار شماره {i}"
            description = f"{rng.choice(WORDS)} و {rng.choice(WORDS)}؛ توضیح کامل درخواست شماره {i} برای آزمون سرعت."
            low = rng.randrange(50, 5000) * 10_000
            rows.append(BuyerRequest(
                kind="public", buyer=buyer, category_id=rng.choice(cats), title=title, description=description,
                budget_min=low, budget_max=low * rng.choice([1, 2, 3]), deadline_days=rng.randrange(1, 60),
                offer_count=rng.choice([0, 0, 1, 2, 5]), search_text=normalize_text(f"{title} {description}"),
                expires_at=now + dt.timedelta(days=13), created_at=now - dt.timedelta(minutes=i),
            ))
        BuyerRequest.objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE buyer_requests_buyerrequest")
    return expert


def pages(expert) -> dict[str, str]:
    from buyer_requests.actions import expert_category_ids

    cat = sorted(expert_category_ids(expert))[0]
    board = "/requests/board/"
    return {
        "requests_board": board,
        "requests_board_filtered": board + "?" + urlencode({"category": cat, "budget": "500000", "no_offers": "on"}),
        "requests_board_search": board + "?" + urlencode({"q": "طراحی لوگو"}),
        "requests_board_page_20": board + "?page=20",
    }


def bench(env: dict, wrk: str, args, *, run_wrk, start_gunicorn, free_port, wrk_script: str, say) -> dict:
    from django.db import connections

    expert = prepare(args.requests)
    paths = pages(expert)
    counts = signed_in_queries(expert, paths)
    cookie = user_session_cookie(expert)
    connections.close_all()
    port = free_port()
    say(f"requests board: {args.requests} open requests, signed in as {expert.email}")
    server = start_gunicorn({**env, "PAGE_CACHE": "0"}, port)
    results = {}
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(wrk_script)
            script = fh.name
        for name, path in paths.items():
            url = f"http://127.0.0.1:{port}{path}"
            run_wrk(wrk, script, url, duration=2, connections=args.connections, cookie=cookie)
            r = run_wrk(wrk, script, url, duration=args.duration, connections=args.connections, cookie=cookie)
            r.update({"path": path, "queries": counts[name], "target_met": r["p95_ms"] <= TARGET_P95_MS})
            results[name] = r
            say(f"{name:<22} {r['rps']:>8} req/s  p95 {r['p95_ms']} ms  ({counts[name]} queries)")
        os.unlink(script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results
