"""Root URLs: each app brings its own, under a French prefix."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from ellipse.core import views

admin.site.site_header = "Ellipse — Est Ensemble"
admin.site.site_title = "Ellipse — Est Ensemble"
admin.site.index_title = "Administration de la convention d'affaires"

urlpatterns = [
    path("", views.home, name="home"),
    path("espace/", views.space, name="space"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("sante/", views.health, name="health"),
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin's).
    path("favicon.ico", views.favicon, name="favicon"),
    path("comptes/", include("allauth.urls")),
    path("acheteurs/", include("buyers.urls")),
    path("previsions/", include("buyers.catalogue_urls")),
    path("entreprises/", include("companies.urls")),
    path("rendez-vous/", include("meetings.urls")),
    path("documents/", include("meetings.invitations.urls")),
    path("desinscription/", include("ellipse.outbox.urls")),
    path("formations/", include("trainings.urls")),
    path("spaser/", include("spaser.urls")),
    path("", include("spaser.sourcing.urls")),
    path("admin/", admin.site.urls),
    path("taches/", include("ellipse.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "ellipse.core.errors.bad_request"
handler403 = "ellipse.core.errors.permission_denied"
handler404 = "ellipse.core.errors.page_not_found"
handler500 = "ellipse.core.errors.server_error"
