"""Raise the catalogue version at commit, and only for changes the public can see.

Migration 0001 raised it with statement triggers inside the writer's transaction: any two
catalogue writes serialised on the version row until the first committed, and every draft edit
or counter update flushed every cached page. Now:

- Row-level constraint triggers, DEFERRABLE INITIALLY DEFERRED (as the ledger's checks), run when
  the transaction commits: the version row is locked for the few microseconds of the commit, not
  for the transaction. The new version becomes visible in the same instant as the data (it is an
  UPDATE in the same transaction), so no reader can pair the new version with the old data.
- One bump per transaction, whatever the number of rows (a transaction-local setting remembers it).
- Only public changes: a service that is or was published, with a column other than bookkeeping
  ones changed; a package, image or FAQ of a published service; an expert with a published
  service; any category or search synonym; an expert crossing the "answers within a day" line.
- TRUNCATE (no row triggers exist for it) still bumps at once. The version row is re-created if
  it was removed (a test database flush truncates every table).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION azmoodegan_catalogue_changed() RETURNS trigger AS $$
DECLARE
    visible boolean := true;
    stamp text;
BEGIN
    -- Deferred triggers all fire within the COMMIT statement: one bump per transaction. (Made
    -- immediate, as in tests that never commit, they bump once per statement.)
    stamp := txid_current()::text || '@' || statement_timestamp()::text;
    IF current_setting('azmoodegan.catalogue_bumped', true) = stamp THEN
        RETURN NULL;  -- raised already
    END IF;
    IF TG_ARGV[0] = 'of_service' THEN
        IF TG_OP = 'INSERT' THEN
            visible := EXISTS (SELECT 1 FROM services_service WHERE id = NEW.service_id AND status = 'published');
        ELSIF TG_OP = 'DELETE' THEN
            visible := EXISTS (SELECT 1 FROM services_service WHERE id = OLD.service_id AND status = 'published');
        ELSE
            visible := EXISTS (SELECT 1 FROM services_service
                               WHERE id IN (OLD.service_id, NEW.service_id) AND status = 'published');
        END IF;
    ELSIF TG_ARGV[0] = 'of_expert' THEN
        visible := EXISTS (SELECT 1 FROM services_service WHERE status = 'published' AND owner_id =
                           CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END);
    END IF;
    IF visible THEN
        PERFORM set_config('azmoodegan.catalogue_bumped', stamp, true);
        INSERT INTO azmoodegan_catalogue_version (id, version) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET version = azmoodegan_catalogue_version.version + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION azmoodegan_catalogue_truncated() RETURNS trigger AS $$
BEGIN
    INSERT INTO azmoodegan_catalogue_version (id, version) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET version = azmoodegan_catalogue_version.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Columns nobody outside the owner and staff sees: a change to only these never flushes pages.
SERVICE_HIDDEN = "'updated_at', 'submitted_at', 'rejection_reason', 'search_vector'"
EXPERT_HIDDEN = "'updated_at', 'created_at', 'mobile', 'national_code', 'sheba'"
# search.selectors.FAST_REPLY_SECONDS: the "answers within a day" filter.
FAST = 86400

# (table, trigger suffix, events, WHEN condition or None, function argument)
TRIGGERS = [
    ("services_service", "ins", "INSERT", "NEW.status = 'published'", "always"),
    ("services_service", "del", "DELETE", "OLD.status = 'published'", "always"),
    ("services_service", "upd", "UPDATE",
     f"(OLD.status = 'published' OR NEW.status = 'published')"
     f" AND (to_jsonb(OLD) - ARRAY[{SERVICE_HIDDEN}]) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY[{SERVICE_HIDDEN}])",
     "always"),
    ("services_package", "row", "INSERT OR UPDATE OR DELETE", None, "of_service"),
    ("services_galleryimage", "row", "INSERT OR UPDATE OR DELETE", None, "of_service"),
    ("services_faq", "row", "INSERT OR UPDATE OR DELETE", None, "of_service"),
    ("services_category", "row", "INSERT OR UPDATE OR DELETE", None, "always"),
    ("search_synonym", "row", "INSERT OR UPDATE OR DELETE", None, "always"),
    ("accounts_expertprofile", "ins", "INSERT", None, "of_expert"),
    ("accounts_expertprofile", "del", "DELETE", None, "of_expert"),
    ("accounts_expertprofile", "upd", "UPDATE",
     f"(to_jsonb(OLD) - ARRAY[{EXPERT_HIDDEN}]) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY[{EXPERT_HIDDEN}])",
     "of_expert"),
    ("search_expertstats", "ins", "INSERT", f"NEW.response_seconds <= {FAST}", "always"),
    ("search_expertstats", "del", "DELETE", f"OLD.response_seconds <= {FAST}", "always"),
    ("search_expertstats", "upd", "UPDATE",
     f"(OLD.response_seconds <= {FAST}) IS DISTINCT FROM (NEW.response_seconds <= {FAST})", "always"),
]
TRUNCATED = sorted({t[0] for t in TRIGGERS})
OLD_TABLES = [
    "services_category", "services_service", "services_package", "services_galleryimage", "services_faq",
    "accounts_expertprofile",
]


def trigger_name(table: str, suffix: str) -> str:
    return f"{table}_cv_{suffix}"


def forward_sql() -> str:
    parts = [f"DROP TRIGGER IF EXISTS {t}_catalogue_version ON {t};" for t in OLD_TABLES]
    parts.append("DROP FUNCTION IF EXISTS azmoodegan_bump_catalogue_version();")
    parts.append(FUNCTION)
    for table, suffix, events, when, arg in TRIGGERS:
        condition = f" WHEN ({when})" if when else ""
        parts.append(
            f"CREATE CONSTRAINT TRIGGER {trigger_name(table, suffix)} AFTER {events} ON {table}"
            f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{condition}"
            f" EXECUTE FUNCTION azmoodegan_catalogue_changed('{arg}');"
        )
    for table in TRUNCATED:
        parts.append(
            f"CREATE TRIGGER {table}_cv_truncate AFTER TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION azmoodegan_catalogue_truncated();"
        )
    return "\n".join(parts)


def backward_sql() -> str:
    parts = [f"DROP TRIGGER IF EXISTS {trigger_name(t, s)} ON {t};" for t, s, *_ in TRIGGERS]
    parts += [f"DROP TRIGGER IF EXISTS {t}_cv_truncate ON {t};" for t in TRUNCATED]
    parts.append("DROP FUNCTION IF EXISTS azmoodegan_catalogue_changed();")
    parts.append("DROP FUNCTION IF EXISTS azmoodegan_catalogue_truncated();")
    parts.append("""
CREATE OR REPLACE FUNCTION azmoodegan_bump_catalogue_version() RETURNS trigger AS $$
BEGIN
    UPDATE azmoodegan_catalogue_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;""")
    parts += [
        f"CREATE TRIGGER {t}_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION azmoodegan_bump_catalogue_version();"
        for t in OLD_TABLES
    ]
    return "\n".join(parts)


# The names, for tests that run inside one never-committed transaction (SET CONSTRAINTS … IMMEDIATE).
CONSTRAINT_NAMES = [trigger_name(t, s) for t, s, *_ in TRIGGERS]


class Migration(migrations.Migration):
    dependencies = [
        ("azmoodegan", "0001_catalogue_version"),
        ("search", "0004_synonyms_and_vocabulary"),
    ]

    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
