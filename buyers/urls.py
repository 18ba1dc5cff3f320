from django.urls import path

from . import views

app_name = "buyers"

urlpatterns = [
    path("espace/", views.space, name="space"),
    path("espace/previsions/nouvelle/", views.contract_edit, name="contract_create"),
    path("espace/previsions/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("espace/previsions/<int:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("espace/previsions/publier/", views.contracts_publish, name="contracts_publish"),
    path("espace/previsions/depot/", views.forecast_upload, name="upload"),
    path("espace/previsions/depot/<uuid:pk>/", views.import_job, name="import_job"),
    path(
        "espace/previsions/export.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"
    ),
    path("espace/previsions/export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("espace/participation/", views.participation_edit, name="participation"),
    path("espace/collegues/inviter/", views.colleague_invite, name="invite"),
    path(
        "modele-previsions.xlsx",
        views.template_download,
        {"file_format": "xlsx"},
        name="template_xlsx",
    ),
    path(
        "modele-previsions.csv",
        views.template_download,
        {"file_format": "csv"},
        name="template_csv",
    ),
]
