"""Site-wide data: the catalogue version that keys cached public pages."""

from django.db import models


class CatalogueVersion(models.Model):
    """One row whose number PostgreSQL triggers raise when a public catalogue change commits.

    Cached public pages, search result ids and counts are keyed by this number, so any visible
    change to a service, package, image, FAQ, category, synonym or expert profile — through
    actions, the admin, bulk loads or raw SQL — makes them unreachable the moment it commits.
    The triggers are deferred to the commit (migration 0002), so writers never wait for each other.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "azmoodegan_catalogue_version"

    def __str__(self) -> str:
        return f"catalogue v{self.version}"
