"""The search vector becomes a field of Service (filled in the same statement as the text).

Replaces the five columns the search app had added by raw SQL (four normalised text columns and
a generated tsvector over them), and declares the search indexes on the model.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

import search.fields

DROP_RAW = """
DROP INDEX IF EXISTS search_service_title_trgm;
DROP INDEX IF EXISTS search_service_vector;
DROP INDEX IF EXISTS search_service_pub_price;
DROP INDEX IF EXISTS search_service_pub_days;
DROP INDEX IF EXISTS search_service_pub_cat;
ALTER TABLE services_service DROP COLUMN IF EXISTS search_vector;
ALTER TABLE services_service
    DROP COLUMN IF EXISTS search_title, DROP COLUMN IF EXISTS search_tags,
    DROP COLUMN IF EXISTS search_body, DROP COLUMN IF EXISTS search_expert;
"""


def fill(apps, schema_editor):
    from search.indexing import bulk_reindex

    bulk_reindex(only_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0002_service_revision"),
        ("search", "0004_synonyms_and_vocabulary"),
        ("azmoodegan", "0002_catalogue_version_at_commit"),
    ]

    operations = [
        migrations.RunSQL(DROP_RAW, migrations.RunSQL.noop),
        migrations.AddField(
            model_name="service",
            name="search_vector",
            field=search.fields.SearchDocumentField(blank=True, editable=False, null=True, verbose_name="search document"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="search_service_vector"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(condition=models.Q(("status", "published")), fields=["min_price", "id"],
                               name="search_service_pub_price"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(condition=models.Q(("status", "published")), fields=["min_delivery_days", "id"],
                               name="search_service_pub_days"),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(condition=models.Q(("status", "published")), fields=["category"],
                               name="search_service_pub_cat"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
