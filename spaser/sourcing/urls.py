from django.urls import path

from . import views

app_name = "sourcing"

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path(
        "annuaire/export.csv", views.directory_download, {"file_format": "csv"}, name="export_csv"
    ),
    path(
        "annuaire/export.xlsx",
        views.directory_download,
        {"file_format": "xlsx"},
        name="export_xlsx",
    ),
    path("annuaire/entreprise/<int:pk>/", views.supplier, name="supplier"),
    path("annuaire/marche/<int:pk>/", views.contract_suppliers, name="contract"),
]
