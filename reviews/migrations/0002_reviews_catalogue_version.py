"""Published reviews and replies are on cached public pages (service, expert profile): writing them
raises the catalogue version at commit like any public catalogue write (azmoodegan 0002's deferred
row triggers and function)."""

from django.db import migrations

TABLES = ["reviews_review", "reviews_reviewreply"]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_reviews_windows_totals"),
        ("azmoodegan", "0002_catalogue_version_at_commit"),
    ]

    operations = [
        migrations.RunSQL(
            "\n".join(
                f"CREATE CONSTRAINT TRIGGER {t}_cv_row AFTER INSERT OR UPDATE OR DELETE ON {t}"
                f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION azmoodegan_catalogue_changed('always');"
                f"CREATE TRIGGER {t}_cv_truncate AFTER TRUNCATE ON {t}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION azmoodegan_catalogue_truncated();"
                for t in TABLES
            ),
            "\n".join(f"DROP TRIGGER IF EXISTS {t}_cv_row ON {t}; DROP TRIGGER IF EXISTS {t}_cv_truncate ON {t};"
                      for t in TABLES),
        ),
    ]
