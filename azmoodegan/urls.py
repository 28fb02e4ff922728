from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from search import views as search_views

from . import views
from .pagecache import public_page
from .sections import section
from .shared import shared_page

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Azmoodegan administration")
admin.site.site_title = _("Azmoodegan")
admin.site.index_title = _("Dashboard")

urlpatterns = [
    path("", public_page(shared_page(views.home)), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", public_page(shared_page(search_views.search)), name="search"),
    section("search.urls"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    section("accounts.urls"),
    section("services.urls"),
    section("orders.urls"),
    section("escrow.urls"),
    section("reviews.urls"),
    section("messaging.urls"),
    section("notifications.urls"),
    section("buyer_requests.urls"),
    section("home.urls"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "azmoodegan.errors.bad_request"
handler403 = "azmoodegan.errors.permission_denied"
handler404 = "azmoodegan.errors.page_not_found"
handler429 = "azmoodegan.errors.too_many_requests"  # allauth's rate limit answers through this
handler500 = "azmoodegan.errors.server_error"

if not settings.S3_BUCKET:
    # Public media (avatars, gallery images) from local disk. Behind nginx in production this
    # path is served by nginx itself; private files never live under MEDIA_ROOT.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
