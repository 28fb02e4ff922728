"""Published reviews and replies are on cached public pages (service, expert profile): writing them
raises the catalogue version like any catalogue write (the function comes from azmoodegan 0001)."""

from django.db import migrations

TABLES = ["reviews_review", "reviews_reviewreply"]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_reviews_windows_totals"),
        ("azmoodegan", "0001_catalogue_version"),
    ]

    operations = [
        migrations.RunSQL(
            "\n".join(
                f"CREATE TRIGGER {t}_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION azmoodegan_bump_catalogue_version();" for t in TABLES
            ),
            "\n".join(f"DROP TRIGGER IF EXISTS {t}_catalogue_version ON {t};" for t in TABLES),
        ),
    ]
