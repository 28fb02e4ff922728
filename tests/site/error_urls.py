"""The site's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from azmoodegan.urls import (  # noqa: F401 - the handlers are looked up on this module
    handler400,
    handler403,
    handler404,
    handler429,
    handler500,
    urlpatterns,
)


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *urlpatterns]
