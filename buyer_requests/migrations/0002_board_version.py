"""The board version: raised at commit whenever a change the public board shows commits.

Row-level constraint triggers, DEFERRABLE INITIALLY DEFERRED (as the catalogue version's, azmoodegan
0002), run when the transaction commits, once per transaction whatever the number of rows. They fire
for a request that is or was on the board (public, open, shown) when anything but bookkeeping columns
changed: a new or approved request, an edit, a close, an expiry, a hide, and every offer sent or
withdrawn (the request's `offer_count` moves). TRUNCATE bumps at once. Plain SQL: works on every
PostgreSQL, the embedded one included (no extension needed).
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION buyer_requests_board_changed() RETURNS trigger AS $$
DECLARE
    stamp text;
BEGIN
    -- Deferred triggers all fire within the COMMIT statement: one bump per transaction. (Made
    -- immediate, as in tests that never commit, they bump once per statement.)
    stamp := txid_current()::text || '@' || statement_timestamp()::text;
    IF current_setting('buyer_requests.board_bumped', true) = stamp THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('buyer_requests.board_bumped', stamp, true);
    INSERT INTO buyer_requests_board_version (id, version) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET version = buyer_requests_board_version.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TABLE = "buyer_requests_buyerrequest"
# Columns the board never shows: a change to only these leaves the cached boards alone.
HIDDEN = "'updated_at', 'expiry_warned', 'flag_kinds', 'conversation_id', 'message_id'"


def on_board(row: str) -> str:
    return f"{row}.kind = 'public' AND {row}.status = 'open' AND {row}.moderation = 'approved'"


TRIGGERS = [
    ("ins", "INSERT", on_board("NEW")),
    ("del", "DELETE", on_board("OLD")),
    ("upd", "UPDATE", f"(({on_board('OLD')}) OR ({on_board('NEW')}))"
                      f" AND (to_jsonb(OLD) - ARRAY[{HIDDEN}]) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY[{HIDDEN}])"),
]
# For tests that run inside one never-committed transaction (SET CONSTRAINTS … IMMEDIATE).
CONSTRAINT_NAMES = [f"{TABLE}_bv_{suffix}" for suffix, *_ in TRIGGERS]


def forward_sql() -> str:
    parts = [FUNCTION, "INSERT INTO buyer_requests_board_version (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;"]
    for suffix, events, when in TRIGGERS:
        parts.append(
            f"CREATE CONSTRAINT TRIGGER {TABLE}_bv_{suffix} AFTER {events} ON {TABLE}"
            f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({when})"
            f" EXECUTE FUNCTION buyer_requests_board_changed();"
        )
    parts.append("""
CREATE OR REPLACE FUNCTION buyer_requests_board_truncated() RETURNS trigger AS $$
BEGIN
    INSERT INTO buyer_requests_board_version (id, version) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET version = buyer_requests_board_version.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;""")
    parts.append(f"CREATE TRIGGER {TABLE}_bv_truncate AFTER TRUNCATE ON {TABLE}"
                 f" FOR EACH STATEMENT EXECUTE FUNCTION buyer_requests_board_truncated();")
    return "\n".join(parts)


def backward_sql() -> str:
    parts = [f"DROP TRIGGER IF EXISTS {name} ON {TABLE};" for name in CONSTRAINT_NAMES]
    parts.append(f"DROP TRIGGER IF EXISTS {TABLE}_bv_truncate ON {TABLE};")
    parts.append("DROP FUNCTION IF EXISTS buyer_requests_board_changed();")
    parts.append("DROP FUNCTION IF EXISTS buyer_requests_board_truncated();")
    return "\n".join(parts)


class Migration(migrations.Migration):

    dependencies = [
        ("buyer_requests", "0001_requests_offers_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="BoardVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "db_table": "buyer_requests_board_version",
            },
        ),
        migrations.RunSQL(forward_sql(), backward_sql()),
    ]
