"""The private storage, looked up on every use.

`FileField(storage=...)` evaluates its storage once, when the model class is built; this proxy
asks `storages["private"]` on each call instead, so a changed `STORAGES` setting (tests, or S3
configured at start-up) is always honoured. Private files never get a public URL: they are served
by `orders.views.file_download`, which checks the user first.
"""

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(Storage):
    def __getattribute__(self, name):
        if name.startswith("__") or name in {"deconstruct"}:
            return object.__getattribute__(self, name)
        return getattr(storages["private"], name)


def private_storage() -> Storage:
    return PrivateStorage()


def backend():
    """The real storage object behind the proxy (to tell S3 from the file system)."""
    return storages["private"]
