from django.db import migrations, models

CATALOGUE_TABLES = [
    "services_category",
    "services_service",
    "services_package",
    "services_galleryimage",
    "services_faq",
    "accounts_expertprofile",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION azmoodegan_bump_catalogue_version() RETURNS trigger AS $$
BEGIN
    UPDATE azmoodegan_catalogue_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _triggers() -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_catalogue_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION azmoodegan_bump_catalogue_version();"
        for table in CATALOGUE_TABLES
    )


def _drop_triggers() -> str:
    return "\n".join(f"DROP TRIGGER IF EXISTS {table}_catalogue_version ON {table};" for table in CATALOGUE_TABLES)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("services", "0002_service_revision"),
        ("search", "0002_service_search_vector"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "azmoodegan_catalogue_version"},
        ),
        migrations.RunSQL(
            "INSERT INTO azmoodegan_catalogue_version (id, version) VALUES (1, 0);",
            "DELETE FROM azmoodegan_catalogue_version;",
        ),
        migrations.RunSQL(FUNCTION + _triggers(), _drop_triggers() + "DROP FUNCTION azmoodegan_bump_catalogue_version();"),
    ]
