"""Bench scenario for messaging: a signed-in user's inbox with 200 conversations, and a conversation of
500 messages (DESIGN target: p95 ≤ 60 ms at 8 connections). Hooked into `bench/run.py` by `run()`.

The rows are bulk-inserted once (bench data, not demo data) and the counters on each conversation are
set as `messaging.actions` would keep them. The user is signed in with a session made directly in the
session store, so wrk sends a plain cookie.
"""

from __future__ import annotations

import os
import signal
import tempfile

from bench.signed_in import signed_in_queries, user_session_cookie

EMAIL = "bench-messages@bench.azmoodegan.ir"
CONVERSATIONS = 200
MESSAGES = 500
TARGET_P95_MS = 60.0


def prepare() -> tuple[object, dict[str, str]]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from messaging.models import Conversation, Message

    User = get_user_model()
    user = User.objects.filter(email=EMAIL).first()
    if user is None:
        user = User.objects.create_user(EMAIL, "bench-password-1405", first_name="سنجش", last_name="پیام")
    convs = list(Conversation.objects.filter(buyer=user, order__isnull=True).order_by("id"))
    if len(convs) < CONVERSATIONS:
        now = timezone.now()
        with transaction.atomic():
            peers = User.objects.bulk_create([
                User(email=f"bench-peer-{user.pk}-{i}@bench.azmoodegan.ir", first_name="متخصص", last_name=str(i),
                     password="!")
                for i in range(len(convs), CONVERSATIONS)
            ])
            new = Conversation.objects.bulk_create([
                Conversation(buyer=user, expert=p, last_activity_at=now - timezone.timedelta(minutes=i),
                             buyer_unread=i % 3, buyer_first_at=now - timezone.timedelta(days=1))
                for i, p in enumerate(peers)
            ])
            convs += new
            rows = []
            for i, conv in enumerate(new):
                count = MESSAGES if i == 0 and len(convs) == len(new) else 2
                for k in range(count):
                    sender = user if k % 2 == 0 else conv.expert
                    rows.append(Message(conversation=conv, sender=sender,
                                        body=f"پیام شماره {k} درباره سفارش؛ لطفاً فایل نهایی را بفرستید."))
            Message.objects.bulk_create(rows, batch_size=2000)
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute("""
                    UPDATE messaging_conversation c SET last_message_id = m.max_id
                    FROM (SELECT conversation_id, max(id) AS max_id FROM messaging_message GROUP BY conversation_id) m
                    WHERE m.conversation_id = c.id AND c.buyer_id = %s
                """, [user.pk])
    big = (Conversation.objects.filter(buyer=user).order_by("id").first())
    return user, {"messaging_inbox": "/messages/", "messaging_conversation": f"/messages/{big.pk}/"}


def run(env: dict, wrk: str, args, *, start_gunicorn, run_wrk, free_port, script_text: str, say) -> dict:
    """Measure the two pages signed in; returns rows for bench/run.py's table."""
    user, pages = prepare()
    counts = signed_in_queries(user, pages)
    cookie = user_session_cookie(user)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_gunicorn(env, port)
    results = {}
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(script_text)
            script = fh.name
        for name, path in pages.items():
            url = f"http://127.0.0.1:{port}{path}"
            run_wrk(wrk, script, url, duration=2, connections=args.connections, cookie=cookie)  # warm-up
            r = run_wrk(wrk, script, url, duration=args.duration, connections=args.connections, cookie=cookie)
            r.update({"path": path, "queries": counts[name]})
            results[name] = r
            say(f"{name:<22} {r['rps']:>8} req/s  p95 {r['p95_ms']} ms (signed in)")
        os.unlink(script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results
