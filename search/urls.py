import os

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("compare/", views.compare_page, name="compare"),
    path("compare/toggle/<int:pk>/", views.compare_toggle, name="compare_toggle"),
    path("compare/clear/", views.compare_clear, name="compare_clear"),
]

if os.environ.get("BENCH_CEILING") == "1":
    # Only under `make bench`: a bare view with the site's middleware, the throughput ceiling.
    urlpatterns.append(path("bench/ceiling", views.ceiling, name="bench_ceiling"))
    # The page shell alone (header, footer): what every page pays before its own content.
    urlpatterns.append(path("bench/floor", views.floor, name="bench_floor"))
