"""The synonym pairs every fresh site starts with (search/synonyms_seed.py); staff edit them in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from search.synonyms_seed import PAIRS

    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create([Synonym(term=a, synonym=b) for a, b in PAIRS], ignore_conflicts=True)


def unseed(apps, schema_editor):
    from search.synonyms_seed import PAIRS

    Synonym = apps.get_model("search", "Synonym")
    for a, b in PAIRS:
        Synonym.objects.filter(term=a, synonym=b).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_synonyms_and_vocabulary")]

    operations = [migrations.RunPython(seed, unseed)]
