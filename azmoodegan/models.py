"""Site-wide data: the catalogue version that keys cached public pages."""

from django.db import models


class CatalogueVersion(models.Model):
    """One row whose number PostgreSQL triggers raise on every write to catalogue tables.

    Cached public pages are keyed by this number, so any change to a service, package, image,
    FAQ, category or expert profile — through actions, the admin, bulk loads or raw SQL —
    makes every cached page unreachable the moment that change commits.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "azmoodegan_catalogue_version"

    def __str__(self) -> str:
        return f"catalogue v{self.version}"
