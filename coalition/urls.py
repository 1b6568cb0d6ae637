from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from coalition import observability
from letters.api.api import api
from letters.sitemaps import SITEMAPS
from letters.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("api/", api.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("manage/", include("letters.urls_manage")),
    path("manage/", include("letters.urls_exports")),
    path("manage/", include("letters.urls_invitations")),
]

# Public pages carry the language in the URL (/fr/letters/<slug>/) so a link shared by email opens in that language.
urlpatterns += i18n_patterns(
    path("", include("letters.urls_public")),
    path("", include("letters.urls_outreach")),
    prefix_default_language=True,
)

# Our own error pages: rendered without the request (no CSRF re-check, no database), see coalition/errors.py.
handler400 = "coalition.errors.bad_request"
handler403 = "coalition.errors.permission_denied"
handler404 = "coalition.errors.page_not_found"
handler500 = "coalition.errors.server_error"
