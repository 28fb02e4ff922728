"""The private storage, looked up on every use.

`FileField(storage=...)` evaluates its storage once, when the model class is built; this proxy
asks `storages["private"]` on each call instead, so a changed `STORAGES` setting (tests, or S3
configured at start-up) is always honoured. Private files never get a public URL: they are served
by `serve`, called from views that check the user first (order files, message attachments).
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
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


def serve(row) -> HttpResponse:
    """A private file (`row.file`, `row.original_name`, `row.content_type`) as an attachment, to a user
    the caller has already allowed.

    Behind nginx (`PRIVATE_MEDIA_ACCEL_PREFIX`) nginx sends the bytes; with S3, a signed URL valid
    for a few minutes; otherwise Django streams the file.
    """
    disposition = f"attachment; filename*=UTF-8''{quote(row.original_name)}"
    content_type = row.content_type or mimetypes.guess_type(row.original_name)[0] or "application/octet-stream"
    store = backend()
    if settings.PRIVATE_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(row.file.name)
    elif hasattr(store, "bucket_name"):
        return HttpResponseRedirect(
            store.url(row.file.name, parameters={"ResponseContentDisposition": disposition}, expire=120)
        )
    else:
        try:
            handle = store.open(row.file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
